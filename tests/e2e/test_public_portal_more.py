"""The portal's scripts in a real browser: the report form lists "already reported nearby"
when a category and a place are chosen, the public map asks for the box it shows, and the
office's triage actions answer in place (a refusal keeps the page and says why)."""

import uuid

import pytest
from playwright.sync_api import expect

from wenming.problems.models import Problem, Status
from wenming.public import services
from wenming.public.testing import HERE, ensure_public_categories
from wenming.testing.personas import build_cast

from .walk_pages import block_tiles, fast_sign_in, no_tiles

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path, live_server):
    settings.MEDIA_ROOT = tmp_path / "media"
    fast_sign_in(settings)
    no_tiles(settings, live_server)
    settings.PUBLIC_RATE_KEY_PREFIX = f"public:rate:e2e-{uuid.uuid4().hex}"


@pytest.fixture
def cast():
    return build_cast()


def test_nearby_reports_and_the_maps_box(browser, live_server, cast):
    cats = ensure_public_categories()
    existing = services.citizen_report_create(
        category=cats[0], description="井盖缺失", lat=HERE[0], lon=HERE[1]
    )
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    phone = context.new_page()
    phone.set_default_timeout(15000)
    errors = []
    phone.on("pageerror", lambda exc: errors.append(str(exc)))
    block_tiles(phone)
    phone.goto(f"{live_server.url}/report/new/")
    phone.select_option("#id_category", str(cats[0].pk))
    phone.fill("#id_lat", str(HERE[0] + 0.0003))
    phone.fill("#id_lon", str(HERE[1]))
    expect(phone.get_by_test_id("nearby-item")).to_have_count(1)
    link = phone.get_by_test_id("nearby-item").get_by_role("link")
    expect(link).to_have_attribute("href", f"/report/p/{existing.problem.code}/")
    # Another category: nothing nearby.
    phone.select_option("#id_category", str(cats[1].pk))
    expect(phone.get_by_test_id("nearby-item")).to_have_count(0)

    asked = []
    phone.on("request", lambda r: asked.append(r.url) if "points.geojson" in r.url else None)
    phone.goto(f"{live_server.url}/report/map/")
    phone.wait_for_load_state("networkidle")
    assert asked and all("bbox=" in url for url in asked)
    assert errors == []
    context.close()


def test_triage_actions_answer_in_place(page, live_server, login, cast):
    cats = ensure_public_categories()
    report = services.citizen_report_create(
        category=cats[0], description="垃圾堆放", lat=HERE[0], lon=HERE[1]
    )
    block_tiles(page)
    login("office")
    url = f"{live_server.url}/report/office/{report.pk}/"
    page.goto(url)
    page.fill("#wm-reject-note", "kept as typed")
    page.get_by_test_id("reject").click()
    expect(page.get_by_test_id("action-error")).to_be_visible()
    assert page.url == url
    expect(page.locator("#wm-reject-note")).to_have_value("kept as typed")
    page.get_by_test_id("register").click()
    expect(page.get_by_test_id("action-result")).to_be_visible()
    assert page.url == url
    assert Problem.objects.get(pk=report.problem_id).status == Status.REGISTERED
