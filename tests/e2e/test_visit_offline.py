"""Issue 12's "done when": an inspector does a whole visit on a phone (390×844), with the
browser offline in the middle.

My visits (cards ordered by the distance from here, the map) → a visit → start (time and
position) → answers → offline: more answers, places counted, two camera photos → a reload while
offline (the service worker answers with the kept page; the answers and photos come back from
IndexedDB) → online: everything is sent once (client ids), submit → the failures are problems
in the ledger with their photos as before-photos. No sideways scroll, axe-core clean, no script
error. A fresh phone's first load of the visit page is measured from the response sizes.
"""

import gzip
import re

import pytest
from playwright.sync_api import expect

from wenming.inspections import services
from wenming.inspections.models import Visit, VisitPhoto, VisitStatus
from wenming.problems.models import Problem, ProblemPhoto
from wenming.problems.tests import factories as f
from wenming.standards.models import ChecklistItem
from wenming.standards.tests.factories import small_system
from wenming.testing.inspections import drawn_round
from wenming.testing.personas import build_cast

from .axe import assert_no_axe_violations
from .walk_pages import phone_as

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"
HERE = {"latitude": 38.9184, "longitude": 121.6406}  # at the gate of 天津街农贸市场
BUDGET = 300 * 1024
# The machine running the suite is shared: pages and the service worker get time to answer.
WAIT = 20000


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path, live_server):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MAP_TILE_URL = f"{live_server.url}/no-tiles/{{z}}/{{x}}/{{y}}.png"
    f.ensure_categories()


@pytest.fixture
def city():
    cast = build_cast()
    system = small_system()
    ChecklistItem.objects.filter(code="MARKET-02").update(
        sample_route_m=200, sample_spacing_m=20, sampling_note="从市场正门起"
    )
    round_ = drawn_round(
        office=cast.office,
        system=system,
        regions=[cast.city],
        team=[cast.inspector],
        code="R-E2E",
        type_codes=["MARKET", "SCHOOL"],
        seed=7,
    )
    return cast, round_


def _phone(browser, live_server, person):
    """A fresh phone (empty caches) signed in as `person`, at the market's gate."""
    return phone_as(browser, live_server, person, geolocation=HERE)


def _measure_first_load(browser, live_server, cast, visit) -> dict:
    context, page = _phone(browser, live_server, cast.inspector)
    responses = []
    page.on("requestfinished", lambda request: responses.append(request))
    page.goto(f"{live_server.url}/inspections/visits/{visit.pk}/")
    page.wait_for_load_state("load")
    transferred = raw = compressed = 0
    names = []
    for request in list(responses):
        if request.resource_type not in ("document", "script", "stylesheet"):
            continue
        response = request.response()
        sizes = request.sizes()
        body = response.body()
        transferred += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        raw += len(body)
        # WhiteNoise sends the static files pre-compressed (CompressedManifestStaticFilesStorage)
        # to any browser that accepts gzip; the live server here sends them as they are. The
        # page itself is counted uncompressed.
        static = request.resource_type != "document"
        compressed += (len(gzip.compress(body, 6)) if static else len(body)) + sizes[
            "responseHeadersSize"
        ]
        names.append(request.url.rsplit("/", 1)[-1] or "page")
    context.close()
    return {"transferred": transferred, "raw": raw, "gzip": compressed, "files": names}


def _answer(page, code, value):
    page.locator(f'label[for="a-{code}-{value}"]').click()


def _pending(page) -> int:
    return int(page.get_attribute("[data-wm-visit]", "data-pending") or "0")


def _check(page, where):
    assert page.evaluate(NO_SIDEWAYS_SCROLL), f"sideways scroll on {where}"
    assert_no_axe_violations(page, where=where)


def test_a_whole_visit_on_a_phone_with_the_connection_lost_in_the_middle(
    browser, live_server, city, tmp_path
):
    cast, round_ = city
    visit = Visit.objects.get(round=round_, point__code="ZS-MKT-1")

    first = _measure_first_load(browser, live_server, cast, visit)
    print(
        f"\nvisit page first load: {first['transferred']} B transferred as served here, "
        f"{first['raw']} B uncompressed, {first['gzip']} B with the static files gzip-compressed "
        f"({len(first['files'])} files: {', '.join(first['files'])})"
    )
    assert first["gzip"] <= BUDGET

    context, page = _phone(browser, live_server, cast.inspector)
    page.goto(f"{live_server.url}/inspections/visits/")
    cards = page.locator("[data-testid=visit-card]")
    expect(cards).to_have_count(3, timeout=WAIT)
    page.wait_for_function("() => document.querySelector('[data-wm-visits]').dataset.sorted")
    # Nearest first: the market at whose gate the phone stands.
    expect(cards.first).to_contain_text("天津街农贸市场", timeout=WAIT)
    expect(cards.first.locator("[data-testid=distance]")).to_have_text(
        re.compile(r"距此 \d+ 米"), timeout=WAIT
    )
    expect(page.locator("[data-testid=visits-map].leaflet-container")).to_have_count(
        1, timeout=WAIT
    )
    _check(page, "my visits")

    cards.first.click()
    page.wait_for_url(f"**/inspections/visits/{visit.pk}/")
    page.get_by_test_id("start").click()
    expect(page.get_by_test_id("checklist")).to_be_visible(timeout=WAIT)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.STARTED and visit.start_distance_m < 50
    expect(page.get_by_test_id("sampling-rule")).to_contain_text("从市场正门起", timeout=WAIT)
    page.wait_for_function("() => document.querySelector('[data-wm-visit]').dataset.ready")
    page.wait_for_function("() => document.documentElement.dataset.offlineReady === '1'")
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    _check(page, "the started visit")

    # Online: the first answer goes straight to the server.
    _answer(page, "MARKET-03", "pass")
    expect(page.locator("[data-item=MARKET-03]")).to_have_attribute(
        "data-state", "sent", timeout=WAIT
    )
    assert visit.answers.filter(item__code="MARKET-03", answer="pass").exists()

    # The connection is lost: the next answers and photos are kept on the phone.
    context.set_offline(True)
    _answer(page, "MARKET-01", "fail")
    page.fill("#note-MARKET-01", "地面积水")
    page.fill("#observed-MARKET-02", "10")
    page.fill("#failed-MARKET-02", "3")
    _answer(page, "MARKET-02", "fail")
    first_photo = tmp_path / "market-01.jpg"
    first_photo.write_bytes(f.photo(3).read())
    second_photo = tmp_path / "market-02.jpg"
    second_photo.write_bytes(f.photo(4).read())
    page.set_input_files("#photo-MARKET-01", str(first_photo))
    page.set_input_files("#photo-MARKET-02", str(second_photo))
    expect(page.locator("[data-testid=photo-thumb]")).to_have_count(2, timeout=WAIT)
    page.wait_for_function(
        "() => Number(document.querySelector('[data-wm-visit]').dataset.pending) >= 4"
    )
    expect(page.locator("[data-item=MARKET-01]")).to_have_attribute(
        "data-state", "kept", timeout=WAIT
    )
    expect(page.get_by_test_id("sync-status")).to_have_class(
        re.compile("alert-warning"), timeout=WAIT
    )
    assert not visit.answers.filter(item__code="MARKET-01").exists()
    assert VisitPhoto.objects.filter(visit=visit).count() == 0

    # A reload while offline: the service worker answers with the kept page, IndexedDB
    # brings back the answers and the photos.
    reloaded = page.reload()
    assert reloaded.from_service_worker
    page.wait_for_function("() => document.querySelector('[data-wm-visit]').dataset.ready")
    expect(page.locator("#a-MARKET-01-fail")).to_be_checked(timeout=WAIT)
    expect(page.locator("#a-MARKET-02-fail")).to_be_checked(timeout=WAIT)
    expect(page.locator("#a-MARKET-03-pass")).to_be_checked(timeout=WAIT)
    expect(page.locator("#note-MARKET-01")).to_have_value("地面积水", timeout=WAIT)
    expect(page.locator("#observed-MARKET-02")).to_have_value("10", timeout=WAIT)
    expect(page.locator("#failed-MARKET-02")).to_have_value("3", timeout=WAIT)
    expect(page.locator("[data-testid=photo-thumb] img")).to_have_count(2, timeout=WAIT)
    assert _pending(page) >= 4
    assert page.evaluate(NO_SIDEWAYS_SCROLL)

    # Back online: everything kept is sent (once), then the visit is submitted.
    context.set_offline(False)
    page.get_by_test_id("submit").click()
    # Two answers, two photos and the submit (two problems with their photos) on a busy machine.
    expect(page.get_by_test_id("visit-score")).to_be_visible(timeout=30000)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.SUBMITTED
    assert visit.answers.count() == 3
    market_02 = visit.answers.get(item__code="MARKET-02")
    assert (market_02.places_observed, market_02.places_failed) == (10, 3)
    assert "200" in market_02.sampling_rule
    assert VisitPhoto.objects.filter(visit=visit).count() == 2
    _check(page, "the submitted visit")

    # The failures are problems in the ledger, each with its photo as a before-photo.
    problems = Problem.objects.filter(point=visit.point, source="inspection")
    assert sorted(p.checklist_item.code for p in problems) == ["MARKET-01", "MARKET-02"]
    for problem in problems:
        assert ProblemPhoto.objects.filter(problem=problem, kind="before").count() == 1
    office_context, office = _phone(browser, live_server, cast.office)
    target = problems.get(checklist_item__code="MARKET-01")
    office.goto(f"{live_server.url}/problems/?q={target.code}")
    expect(office.locator(f"a[href='/problems/{target.code}/']:visible").first).to_be_visible(
        timeout=WAIT
    )
    office.goto(f"{live_server.url}/problems/{target.code}/")
    expect(office.locator("img[src*='/problems/photos/']:visible").first).to_be_visible(
        timeout=WAIT
    )
    office_context.close()

    assert page.js_errors == []
    context.close()


def _submitted(cast, round_, code, fail=()):
    visit = Visit.objects.get(round=round_, point__code=code)
    services.visit_start(actor=cast.inspector, visit=visit)
    items = visit.round.system.checklist_items.filter(point_type=visit.point_type)
    services.visit_answers_save(
        actor=cast.inspector,
        visit=visit,
        answers=[
            {"item": i.code, "answer": "fail" if i.code in fail else "pass", "client_id": i.code}
            for i in items
        ],
    )
    for code in fail:
        services.visit_photo_add(
            actor=cast.inspector, visit=visit, item_code=code, upload=f.photo(5), client_id=code
        )
    return services.visit_submit(actor=cast.inspector, visit=visit)


def test_the_office_reviews_on_the_round_page_refusals_in_place(browser, live_server, city):
    """Rounds → the round (figures, estimate, strata) → review: a rejection without a reason is
    refused beside its form, an approval shows its outcome in the row; at 390 px, axe clean."""
    cast, round_ = city
    market = _submitted(cast, round_, "ZS-MKT-1")
    _submitted(cast, round_, "ZS-SCH-1", fail=("SCHOOL-01",))
    context, page = _phone(browser, live_server, cast.office)
    page.goto(f"{live_server.url}/inspections/")
    page.get_by_test_id("round-card").first.click()
    page.wait_for_url(f"**/inspections/rounds/{round_.pk}/")
    expect(page.get_by_test_id("estimate")).to_be_visible(timeout=WAIT)
    # The strata by name, not by code (market.point_type.code is "MARKET").
    expect(page.get_by_test_id("strata")).to_contain_text(
        market.point_type.display_name, timeout=WAIT
    )
    expect(page.get_by_test_id("review-row")).to_have_count(2, timeout=WAIT)
    _check(page, "the round page")

    row = page.locator(f"#review-{market.pk}")
    row.locator("button[value=reject]").click()
    expect(row.get_by_test_id("review-error")).to_be_visible(timeout=WAIT)
    expect(page.get_by_test_id("review-row")).to_have_count(2)  # swapped in place, not the page
    market.refresh_from_db()
    assert market.status == VisitStatus.SUBMITTED
    row.locator("input[name=note]").fill("照片不清晰")
    row.locator("button[value=has_issues]").click()
    expect(row.get_by_test_id("review-result")).to_be_visible(timeout=WAIT)
    expect(row.get_by_test_id("review-status")).to_contain_text("有问题", timeout=WAIT)
    market.refresh_from_db()
    assert market.status == VisitStatus.HAS_ISSUES and market.review_note == "照片不清晰"
    # The pointer leaves the button that moved under it (its hover colours fade in and out).
    page.mouse.move(0, 0)
    expect(row.locator("button[value=reject]")).to_have_css(
        "background-color", "rgba(0, 0, 0, 0)", timeout=WAIT
    )
    _check(page, "the round page after a review")
    assert page.js_errors == []
    context.close()
