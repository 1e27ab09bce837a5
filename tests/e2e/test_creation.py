"""The creation cycle in the browser: a village applies against its scheme, and the district
(the county-level region above it) reviews it with a score and comments."""

import pytest

from tests.e2e.axe import axe_violations, describe
from wenming.creation import services
from wenming.creation.models import Application, ApplicationStatus, EntityKind
from wenming.creation.schemes import scheme_build
from wenming.org.models import Person, RegionKind
from wenming.org.roles import Role
from wenming.testing.factories import RegionFactory
from wenming.testing.personas import build_cast

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_village_applies_and_the_district_reviews_it(live_server, page, login):
    cast = build_cast()
    town = RegionFactory(
        code="210202009", name="测试镇", kind=RegionKind.TOWN, parent=cast.zhongshan_district
    )
    village = RegionFactory(code="210202009001", name="东村", kind=RegionKind.VILLAGE, parent=town)
    system = scheme_build(
        actor=cast.office,
        code="CR-VILLAGE",
        name="文明村测评",
        criteria=[("组织领导健全", 30), ("村容村貌整洁", 40), ("乡风文明", 30)],
    )
    kind = services.type_save(
        actor=cast.office,
        code="VILLAGE",
        name="文明村",
        entity_kind=EntityKind.REGION,
        region_kinds=["village"],
        system=system,
    )
    officer = Person.objects.create_user(
        username="village",
        password="wenming-demo",
        role=Role.REGION_OFFICER,
        region=village,
        display_name="东村 村委",
    )
    entry = services.entry_register(actor=officer, type=kind, region=village)

    # The village: its entry in the registry, the form with the scheme's criteria.
    login("village")
    page.goto(f"{live_server.url}/creation/?type=VILLAGE")
    page.click(f"[data-testid=entry-row] a[href='/creation/entries/{entry.pk}/']")
    page.click("[data-testid=apply]")
    page.locator("[data-testid=criteria]").wait_for()
    page.fill("#a-year", "2026")
    page.select_option("#a-level", "county")
    page.fill("[data-testid='points-1.1.1']", "28")
    page.fill("[data-testid='points-1.1.2']", "36")
    page.fill("[data-testid='points-1.1.3']", "27")
    page.fill("#a-statement", "东村按细则逐项自评")
    page.click("[data-testid=submit-application]")
    page.locator("[data-testid=application-status]").wait_for()
    application = Application.objects.get(entry=entry)
    assert application.status == ApplicationStatus.SUBMITTED and application.self_score == 91
    assert "中山区" in page.inner_text("[data-testid=reviewer]")
    # The village cannot review itself: no review button for it.
    assert page.locator("[data-testid=step-region_pass]").count() == 0
    page.click("[data-testid=logout]")

    # The district: the application waits for it; a score and comments pass it to the office.
    login("zhongshan")
    page.goto(f"{live_server.url}/creation/applications/")
    page.click("[data-testid=waiting-item]")
    page.fill("[data-testid=step-score]", "88")
    page.fill("[data-testid=step-note]", "经实地复核，同意推荐")
    page.click("[data-testid=step-region_pass]")
    page.locator("[data-testid=action-result]").wait_for()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REGION_PASSED
    assert application.region_score == 88 and application.region_comment == "经实地复核，同意推荐"
    timeline = page.inner_text("[data-testid=timeline]")
    assert "经实地复核，同意推荐" in timeline and "中山区 李娜" in timeline
    # WCAG 2.1 AA on the application page and the coverage page (axe-core).
    for url in (page.url, f"{live_server.url}/creation/coverage/?type=VILLAGE"):
        page.goto(url)
        violations = axe_violations(page)
        assert not violations, describe(violations, where=url)
