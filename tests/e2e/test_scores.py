"""The office reads a month's ranking, a subject's explained score (its contributions add up
to the composite) and the predicted score's range, in chromium, with no console error."""

from decimal import Decimal

import pytest
from django.core.cache import cache

from wenming.conftest import cast  # noqa: F401
from wenming.inspections.tests.test_reports import media  # noqa: F401
from wenming.problems.tests.test_metrics import scene  # noqa: F401
from wenming.scoring import services
from wenming.scoring.tests.conftest import small_sample  # noqa: F401
from wenming.scoring.tests.test_prediction import approved  # noqa: F401

pytestmark = pytest.mark.e2e


def test_month_ranking_explained_score_and_predicted_range(
    transactional_db,
    live_server,
    page,
    login,
    cast,  # noqa: F811
    scene,  # noqa: F811
    small_sample,  # noqa: F811
    approved,  # noqa: F811
):
    cache.clear()  # the predicted score's key repeats between test databases
    snap = services.snapshot_compute(month=scene.label, actor=cast.office)
    services.snapshot_publish(snapshot=snap, actor=cast.office)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    login("office")
    page.goto(f"{live_server.url}/scores/?month={scene.label}&tier=district")
    rows = page.locator("[data-testid=score-row]")
    assert rows.count() == 2
    assert "1 / 2" in rows.nth(0).inner_text() and "100.00" in rows.nth(0).inner_text()
    rows.nth(1).locator("a").click()
    page.wait_for_selector("[data-testid=components]")
    assert "55.00" in page.text_content("[data-testid=composite]")
    contributions = page.eval_on_selector_all(
        "[data-testid=components] tbody tr",
        "trs => trs.map(tr => tr.cells[tr.cells.length - 1].textContent.trim())",
    )
    weights = page.eval_on_selector_all(
        "[data-testid=components] tbody tr",
        "trs => trs.map(tr => tr.cells[3].textContent.trim())",
    )
    assert len(contributions) >= 5
    total = sum(Decimal(c) for c in contributions if c not in ("", "—", "None"))
    assert total == Decimal(page.text_content("[data-testid=sum]").strip()) == Decimal("55.00")
    assert sum(Decimal(w) for w in weights) == Decimal(100)
    page.goto(f"{live_server.url}/scores/predicted/")
    annual = page.text_content("[data-testid=annual] strong").strip()
    low, high = page.text_content("[data-testid=range]").strip("() \n").split(" ", 1)[1].split("–")
    # Three visits carry no spread here: the range is shown, narrow.
    assert Decimal(low) <= Decimal(annual) <= Decimal(high)
    assert not errors, errors


def test_week_ranking_is_computed_by_the_worker_and_the_page_polls(
    transactional_db,
    live_server,
    page,
    login,
    cast,  # noqa: F811
    scene,  # noqa: F811
    small_sample,  # noqa: F811
):
    from wenming.scoring.tests.test_audit16 import _week_of
    from wenming.testing.tasks import run_worker

    week = _week_of(scene.first.replace(day=10))
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    login("office")
    page.goto(f"{live_server.url}/scores/weeks/?week={week}&tier=district")
    page.wait_for_selector("[data-testid=week-pending]")
    assert page.locator("[data-testid=score-row]").count() == 0
    assert run_worker() == 1
    # htmx asks for the body again every 2 s and swaps in the stored rows.
    page.wait_for_selector("[data-testid=score-row]")
    assert page.locator("[data-testid=week-pending]").count() == 0
    assert page.locator("[data-testid=week-as-of]").is_visible()
    assert not errors, errors
