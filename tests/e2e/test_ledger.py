"""The problem ledger walked in a browser: triage, dispatch, handling, verification, export.

Each test is one persona's journey from /work/shared/journeys.md, clicking through the real
pages (htmx included). Data comes from the cast and the ledger's factories; selectors use
data-testid / data-action attributes so the tests read the same in either language.
"""

import os
from datetime import timedelta

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from wenming.problems import services
from wenming.problems.models import Problem
from wenming.problems.tests import factories as f
from wenming.testing.personas import build_cast

from .walk_pages import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _ledger(settings, tmp_path):
    # Photos land in a temporary folder; argon2 would cost ~0.25 s per sign-in on top.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]
    f.ensure_categories()


@pytest.fixture
def cast():
    return build_cast()


def _status(page) -> str:
    return page.locator("[data-testid=problem-status]").inner_text()


def _act(page, action: str, *, leaves: bool = False, **fields) -> None:
    """Fill one action's form on the detail page and submit it (htmx swaps the main block)."""
    form = page.locator(f"[data-testid=actions] form[data-action={action}]")
    for name, value in fields.items():
        field = form.locator(f"[name={name}]")
        if field.evaluate("el => el.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    if leaves:  # the problem leaves the user's sight: htmx redirects to the ledger
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        return
    # htmx replaces the main block: wait until the old block is gone.
    old = page.locator("#problem-main > *").first.element_handle()
    form.locator("button[type=submit]").click()
    page.wait_for_function("el => !el.isConnected", arg=old)


def _open(page, live_server, problem) -> None:
    page.goto(f"{live_server.url}/problems/{problem.code}/")


def test_clerk_registers_dispatches_bulk_dispatches_and_rejects_a_duplicate(
    cast, live_server, page, login
):
    original = f.dispatched(cast, title="人行道垃圾堆积")
    login("office")
    # A citizen's phone call becomes a problem through the form.
    page.goto(f"{live_server.url}/problems/new/")
    page.fill("#id_title", "天津街路灯不亮")
    page.select_option("#id_category", label=f.category("dirty.sanitation").display_name)
    page.select_option("#id_source", "citizen")
    page.fill("[data-testid=region-search]", "天津街")  # the region picker (region_picker.js)
    page.locator("[data-testid=region-results] [role=option]").first.click()
    page.fill("#id_lat", str(f.HERE[0]))
    page.fill("#id_lon", str(f.HERE[1]))
    page.fill("#id_reporter_phone", "13800000000")
    page.click("[data-testid=problem-form] button[type=submit]")
    page.wait_for_url("**/problems/WM*/")
    code = page.url.rstrip("/").rsplit("/", 1)[1]
    assert Problem.objects.get(code=code).status == "new"
    # The original nearby is offered as a possible duplicate; this one is a new fault though.
    assert original.code in page.locator("[data-testid=duplicates]").inner_text()

    _act(page, "register", note="市民来电")
    assert Problem.objects.get(code=code).status == "registered"
    _act(page, "dispatch", unit="URBAN")
    problem = Problem.objects.get(code=code)
    assert problem.status == "dispatched" and problem.responsible_unit == cast.urban_unit
    assert problem.deadline is not None
    assert "市城市管理局" in page.locator("[data-testid=problem-handler]").inner_text()
    assert page.locator("[data-testid=timeline] li").count() == 3

    # A second report of the original's rubbish is rejected as its duplicate.
    again = f.report(cast.office, region=cast.zhongshan_community, title="人行道有垃圾")
    _open(page, live_server, again)
    page.check("#reject-confirm")  # a rejection is confirmed and says why (issue 10, item 18)
    _act(page, "reject", duplicate_of=original.code, note="重复举报")
    again.refresh_from_db()
    assert again.status == "rejected" and again.duplicate_of_id == original.pk
    assert Problem.objects.get(pk=original.pk).also_reported_count == 1
    assert page.locator(f"a[href$='/problems/{original.code}/']").count() >= 1

    # Monday's triage: two fresh reports go to the bureau in one go from the ledger.
    first = f.report(cast.office, region=cast.zhongshan_community, title="一号井盖缺失")
    second = f.report(cast.office, region=cast.ganjingzi_community, title="二号井盖缺失")
    page.goto(f"{live_server.url}/problems/?status=new")
    page.check(f"input.wm-pick[value='{first.code}']")
    page.check(f"input.wm-pick[value='{second.code}']")
    bulk = page.locator("[data-testid=bulk-dispatch]")
    bulk.locator("select[name=unit]").select_option("URBAN")
    bulk.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".alert-success").count() == 1
    for problem in (first, second):
        problem.refresh_from_db()
        assert problem.status == "dispatched" and problem.responsible_unit == cast.urban_unit


def test_bureau_officer_accepts_one_and_returns_a_misrouted_one(cast, live_server, page, login):
    mine = f.dispatched(cast, title="占道经营")
    not_mine = f.dispatched(cast, title="机动车乱停放")
    login("urban")
    _open(page, live_server, mine)
    _act(page, "accept")
    assert Problem.objects.get(pk=mine.pk).status == "in_progress"
    assert page.locator("[data-testid=actions] form[data-action=rectify]").count() == 1

    _open(page, live_server, not_mine)
    _act(page, "return", leaves=True, note="属公安局（交警）职责")
    not_mine.refresh_from_db()
    assert not_mine.status == "registered" and not_mine.return_count == 1
    assert not_mine.responsible_unit_id is None
    # The bureau no longer answers for it: the page sends the officer back to the ledger.
    page.wait_for_url(f"{live_server.url}/problems/")
    event = not_mine.events.order_by("-id").first()
    assert event.action == "return" and event.note == "属公安局（交警）职责"


def test_bureau_asks_for_a_long_term_hold_and_the_office_answers(cast, live_server, page, login):
    """挂账: the unit asks with a plan and a date; the office approves one and denies one."""
    kept = f.accepted(cast, title="老旧小区化粪池外溢")
    refused = f.accepted(cast, title="背街小巷路面破损")
    until = (timezone.localdate() + timedelta(days=90)).isoformat()
    login("urban")
    for problem, plan in ((kept, "纳入明年管网改造计划"), (refused, "等待道路大修")):
        _open(page, live_server, problem)
        _act(page, "request_hold", plan=plan, until=until)
        problem.refresh_from_db()
        assert problem.status == "in_progress" and problem.hold_requested_until.isoformat() == until
    page.context.clear_cookies()

    login("office")
    _open(page, live_server, kept)
    form = page.locator("[data-testid=actions] form[data-action=hold]")
    assert form.locator("[name=plan]").input_value() == "纳入明年管网改造计划"  # the request's
    _act(page, "hold")
    kept.refresh_from_db()
    assert kept.status == "on_hold" and kept.hold_until.isoformat() == until
    assert kept.hold_requested_until is None
    assert "挂账" in _status(page)

    _open(page, live_server, refused)
    _act(page, "deny_hold", note="属于日常维修，应限期整改")
    refused.refresh_from_db()
    assert refused.status == "in_progress" and refused.hold_requested_until is None
    assert refused.events.order_by("-id").first().action == "deny_hold"


def test_a_refused_action_shows_its_message_in_place(cast, live_server, page, login):
    """htmx swaps a 4xx answer too: the user reads why, and nothing changes."""
    problem = f.report(cast.office, region=cast.zhongshan_community)
    login("office")
    _open(page, live_server, problem)
    # Neither unit nor region chosen.
    _act(page, "dispatch")
    assert "一个成员单位或一个属地" in page.locator("[data-testid=action-error]").inner_text()
    assert Problem.objects.get(pk=problem.pk).status == "new"
    # Someone else registers it meanwhile: the stale form gets a conflict, shown in place.
    services.problem_register(problem=problem, actor=cast.office)
    _act(page, "register")
    assert page.locator("[data-testid=action-error]").is_visible()
    assert "已立案" in _status(page)


def test_district_officer_uploads_an_after_photo_and_reports_rectification(
    cast, live_server, page, login, tmp_path
):
    problem = f.dispatched(cast, region=cast.zhongshan_district, cat="dirty.sanitation")
    login("zhongshan")
    _open(page, live_server, problem)
    _act(page, "accept")
    assert Problem.objects.get(pk=problem.pk).status == "in_progress"
    # The after-photo the category requires goes with the rectification, in its own form:
    # without one the form does not send.
    assert page.locator("#rectify-photos").get_attribute("required") is not None
    picture = tmp_path / "after.jpg"
    picture.write_bytes(f.photo(77, taken=f.now_exif(), gps=f.HERE).read())
    page.locator("[data-testid=photo-upload] input[type=file]").set_input_files(str(picture))
    _act(page, "rectify", note="已清理")
    assert page.locator("[data-testid=photos] img").count() >= 1
    assert Problem.objects.get(pk=problem.pk).status == "rectified"
    assert "已整改" in _status(page)


def test_clerk_verifies_one_and_sends_one_back_for_rework(cast, live_server, page, login):
    good = f.rectified(cast, title="绿化带垃圾")
    poor = f.rectified(cast, title="墙面小广告")
    login("office")
    _open(page, live_server, good)
    # Before and after side by side.
    assert page.locator("[data-testid=photos] img").count() >= 1
    _act(page, "verify_pass")
    good.refresh_from_db()
    assert good.status == "closed" and good.closed_at is not None
    assert "已结案" in _status(page)

    _open(page, live_server, poor)
    _act(page, "verify_fail", note="仍有残留")
    poor.refresh_from_db()
    assert poor.status == "in_progress" and poor.rework_count == 1
    assert "仍有残留" in page.locator("[data-testid=timeline]").inner_text()


def test_clerk_exports_ganjingzi_overdue_problems(cast, live_server, page, login, tmp_path):
    overdue = f.dispatched(cast, place=cast.ganjingzi_community, title="甘井子逾期一")
    also = f.dispatched(cast, place=cast.ganjingzi_community, title="甘井子逾期二")
    on_time = f.dispatched(cast, place=cast.ganjingzi_community, title="甘井子未逾期")
    elsewhere = f.dispatched(cast, place=cast.zhongshan_community, title="中山逾期")
    past = timezone.localdate() - timedelta(days=5)
    Problem.objects.filter(pk__in=[overdue.pk, also.pk, elsewhere.pk]).update(deadline=past)
    login("office")
    page.goto(f"{live_server.url}/problems/")
    page.select_option("#f-region", "210211")
    page.check("input[name=overdue]")
    page.click("[data-testid=ledger-filter] button[type=submit]")
    rows = page.locator("[data-testid=ledger-table] tbody tr[data-code]")
    expect(rows).to_have_count(2)
    assert "overdue=1" in page.url and "region=210211" in page.url
    assert sorted(rows.evaluate_all("rs => rs.map(r => r.dataset.code)")) == sorted(
        [overdue.code, also.code]
    )
    with page.expect_download() as caught:
        page.click("[data-testid=export]")
    download = caught.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    sheet = openpyxl.load_workbook(saved).active
    table = list(sheet.iter_rows(values_only=True))
    assert table[0][:3] == ("编号", "标题", "状态")
    assert sorted(r[0] for r in table[1:]) == sorted([overdue.code, also.code])
    assert on_time.code not in {r[0] for r in table} and elsewhere.code not in {r[0] for r in table}
    assert {r[6] for r in table[1:]} == {"甘井子区"}


def test_ganjingzi_officer_cannot_open_a_zhongshan_problem(cast, live_server, page, login):
    theirs = f.dispatched(cast, region=cast.zhongshan_district)
    login("ganjingzi")
    response = page.goto(f"{live_server.url}/problems/{theirs.code}/")
    assert response.status == 404
    assert theirs.title not in page.content()
    page.goto(f"{live_server.url}/problems/")
    assert page.locator(f"tr[data-code='{theirs.code}']").count() == 0


SHOTS = os.environ.get("WENMING_SHOTS")  # a directory: save a screenshot of each page
PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_ledger_pages_fit_a_phone_and_a_desk(cast, live_server, browser, settings, language):
    """List, detail and report form: no sideways scrolling on a phone, in either language."""
    settings.MAP_TILE_URL = f"{live_server.url}/no-tiles/{{z}}/{{x}}/{{y}}.png"
    problem = f.report(
        cast.office, region=cast.zhongshan_community, title="青泥洼桥人行道井盖缺失，行人易绊倒"
    )
    services.problem_photo_add(problem=problem, actor=cast.office, kind="before", upload=f.photo(3))
    problem = services.problem_dispatch(problem=problem, actor=cast.office, unit=cast.urban_unit)
    problem = services.problem_accept(problem=problem, actor=cast.urban)
    after = f.photo(4, taken=f.now_exif(), gps=f.FAR)  # 1 km away: flagged for the verifier
    services.problem_photo_add(problem=problem, actor=cast.urban, kind="after", upload=after)
    services.problem_rectify(problem=problem, actor=cast.urban, note="已更换井盖")
    for _n in range(3):
        f.dispatched(cast, title="机动车占用人行道停放")
    for size, viewport in (("phone", PHONE), ("desk", {"width": 1280, "height": 900})):
        context = browser.new_context(
            viewport=viewport, is_mobile=size == "phone", has_touch=size == "phone"
        )
        context.add_cookies(
            [{"name": "wenming_language", "value": language, "url": live_server.url}]
        )
        page = context.new_page()
        sign_in(page, live_server, "office")
        for path, name in (
            ("/problems/", "ledger"),
            (f"/problems/{problem.code}/", "detail"),
            ("/problems/new/", "new"),
        ):
            page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("networkidle")
            if SHOTS:
                os.makedirs(SHOTS, exist_ok=True)
                page.screenshot(
                    path=os.path.join(SHOTS, f"{size}-{name}-{language}.png"), full_page=True
                )
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 1, (language, size, path, overflow)
        # The less used filters fold away on a phone (and open on a tap); a desk shows them.
        page.goto(f"{live_server.url}/problems/")
        unit_filter = page.locator("#f-unit")
        if size == "phone":
            assert not unit_filter.is_visible()
            page.click("[data-testid=more-filters]")
            expect(unit_filter).to_be_visible()
            page.goto(f"{live_server.url}/problems/?overdue=1")
            assert unit_filter.is_visible()  # a filter in use keeps them unfolded
        else:
            assert unit_filter.is_visible()
            assert page.locator("[data-testid=more-filters]").is_hidden()
        context.close()


def test_inspector_on_a_phone_reports_with_the_phones_location(cast, live_server, browser):
    context = browser.new_context(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        geolocation={"latitude": f.HERE[0], "longitude": f.HERE[1], "accuracy": 8},
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, live_server, "inspector")
    page.goto(f"{live_server.url}/problems/new/")
    page.fill("#id_title", "天津街垃圾桶满溢")
    page.select_option("#id_category", label=f.category("dirty.sanitation").display_name)
    # Communities are named by their path, so those of the same name read apart.
    page.fill("[data-testid=region-search]", "天津街")
    option = page.locator("[data-testid=region-results] [role=option]").first
    expect(option).to_contain_text("中山区 › 青泥洼桥街道 › 天津街社区")
    option.click()
    assert page.input_value("#id_region") == str(cast.zhongshan_community.pk)
    page.click("[data-testid=map-locate]")
    expect(page.locator("#id_lat")).to_have_value(f"{f.HERE[0]:.6f}")
    assert page.input_value("#id_lon") == f"{f.HERE[1]:.6f}"
    page.click("[data-testid=problem-form] button[type=submit]")
    # The form is sent in the background; the page moves on once the problem is recorded.
    page.wait_for_url(lambda url: "/problems/new/" not in url)
    problem = Problem.objects.get(title="天津街垃圾桶满溢")
    assert (round(problem.lat, 6), round(problem.lon, 6)) == f.HERE
    assert problem.source == "inspection" and problem.reported_by == cast.inspector
    context.close()
