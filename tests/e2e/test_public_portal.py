"""The citizens' portal on a phone (390×844), as a citizen meets it in a messaging app's
browser: the first page is light (≤ 200 KB, everything from our own server), and a citizen
reports with a photo and a pin, follows the report by its code, and rates the result once it
is closed. Tiles come from an address that answers 404 (deterministic fallback)."""

import uuid

import pytest
from playwright.sync_api import expect

from wenming.problems import services as ledger
from wenming.problems.models import Problem, Status
from wenming.problems.tests import factories as f
from wenming.public.models import CitizenReport, Review
from wenming.public.testing import ensure_public_categories, jpeg_with_exif
from wenming.testing.personas import build_cast

from .walk_pages import block_tiles, fast_sign_in, no_tiles, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
FIRST_PAGE_BUDGET = 200 * 1024


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path, live_server):
    settings.MEDIA_ROOT = tmp_path / "media"
    fast_sign_in(settings)
    no_tiles(settings, live_server)
    # Rate-limit counters of this test's own (the cache outlives a run).
    settings.PUBLIC_RATE_KEY_PREFIX = f"public:rate:e2e-{uuid.uuid4().hex}"
    ensure_public_categories()


@pytest.fixture
def cast():
    return build_cast()


@pytest.fixture
def phone(browser, live_server, cast):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.js_errors = []
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    block_tiles(page)
    yield page
    context.close()


def test_the_first_page_transfers_at_most_200_kb_all_from_our_server(phone, live_server):
    loaded = []
    phone.on("requestfinished", lambda request: loaded.append(request))
    phone.goto(f"{live_server.url}/report/")
    phone.wait_for_load_state("networkidle")
    total = 0
    for request in loaded:
        assert request.url.startswith(live_server.url), f"third-party request: {request.url}"
        response = request.response()
        total += len(response.body()) if response is not None else 0
    kinds = {request.resource_type for request in loaded}
    assert "document" in kinds and "stylesheet" in kinds
    assert total <= FIRST_PAGE_BUDGET, f"the first page transferred {total} bytes"
    assert phone.evaluate(OVERFLOW) <= 0


def _close(cast, problem):
    ledger.problem_register(problem=problem, actor=cast.office)
    ledger.problem_dispatch(
        problem=Problem.objects.get(pk=problem.pk), actor=cast.office, unit=cast.urban_unit
    )
    ledger.problem_accept(problem=Problem.objects.get(pk=problem.pk), actor=cast.urban)
    ledger.problem_photo_add(
        problem=Problem.objects.get(pk=problem.pk),
        actor=cast.urban,
        kind="after",
        upload=f.photo(7),
    )
    ledger.problem_rectify(problem=Problem.objects.get(pk=problem.pk), actor=cast.urban, note="ok")
    ledger.problem_verify_pass(problem=Problem.objects.get(pk=problem.pk), actor=cast.office)


def test_a_citizen_reports_follows_and_rates_on_a_phone(phone, live_server, cast, tmp_path):
    photo = tmp_path / "street.jpg"
    photo.write_bytes(jpeg_with_exif())
    phone.goto(f"{live_server.url}/report/")
    phone.get_by_test_id("start-report").tap()
    phone.wait_for_url("**/report/new/")
    phone.select_option("#id_category", index=1)
    phone.fill("#id_description", "人行道上的井盖缺失，很危险")
    phone.locator("[data-testid=public-map]").tap()
    expect(phone.locator("#id_lat")).not_to_have_value("")
    phone.set_input_files("#id_photos", str(photo))
    phone.fill("#id_reporter_phone", "13900001111")
    assert phone.evaluate(OVERFLOW) <= 0
    phone.get_by_test_id("send-report").tap()
    expect(phone.get_by_test_id("report-sent")).to_be_visible()
    shown = phone.get_by_test_id("tracking-code").inner_text()
    report = CitizenReport.objects.get()
    assert shown.replace("-", "") == report.tracking_code
    assert report.problem.status == Status.NEW and report.problem.photos.count() == 1
    assert report.problem.reporter_phone == "13900001111"
    assert "13900001111" not in phone.content()

    _close(cast, report.problem)

    # Later, from the first page, with the code as the citizen noted it.
    phone.goto(f"{live_server.url}/report/")
    phone.fill("[data-testid=follow-code]", shown.lower())
    phone.get_by_role("button", name="查询").tap()
    expect(phone.get_by_test_id("current-status")).to_contain_text("销号")
    expect(phone.locator("[data-testid=timeline-photos] img")).to_have_count(1)
    phone.get_by_role("radio", name="不满意").check()
    phone.fill("#id_reason", "井盖装上了但是松动")
    phone.get_by_test_id("send-rating").tap()
    expect(phone.get_by_test_id("rated")).to_be_visible()
    expect(phone.get_by_test_id("your-rating")).to_contain_text("不满意")
    report.refresh_from_db()
    assert report.rating == "not_satisfied" and report.review == Review.PENDING
    assert phone.evaluate(OVERFLOW) <= 0
    assert phone.js_errors == []


def test_the_office_triages_from_a_phone_without_scrolling_sideways(phone, live_server, cast):
    """The triage list at 390 px needed a sideways scroll to reach its "Triage" button: on a
    phone it shows the code, the title and the button (time, category and place from md up)."""
    from wenming.public import services as portal
    from wenming.public.models import PublicCategory
    from wenming.public.testing import HERE

    category = PublicCategory.objects.filter(is_public=True).first().category
    portal.citizen_report_create(
        category=category,
        description="人行道上长期堆放建筑垃圾，行人只能绕到机动车道上通行，存在安全隐患",
        lat=HERE[0],
        lon=HERE[1],
    )
    sign_in(phone, live_server, "office")
    phone.goto(f"{live_server.url}/report/office/")
    button = phone.get_by_test_id("triage-queue").get_by_role("link").first
    expect(button).to_be_in_viewport()
    assert phone.evaluate(OVERFLOW) <= 0
    assert phone.js_errors == []
