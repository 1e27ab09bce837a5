"""The ledger pages as each persona walks them (htmx partials included)."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image

from wenming.problems import services
from wenming.problems.models import Problem, RoutingRule, Source

from .factories import FAR, HERE, accepted, dispatched, now_exif, photo, rectified, report

HTMX = {"HX-Request": "true"}


@pytest.fixture
def city(cast):
    return {
        "zs": dispatched(cast, title="中山区垃圾桶满溢"),
        "gjz": dispatched(
            cast, title="甘井子区乱停车", place=cast.ganjingzi_community, cat="chaotic.parking"
        ),
        "new": report(cast.office, region=cast.ganjingzi_street, title="机场社区广告牌破损"),
    }


def test_office_sees_the_whole_ledger_with_counts(cast, page_as, city):
    response = page_as(cast.office).get("/problems/")
    assert response.status_code == 200
    html = response.content.decode()
    for problem in city.values():
        assert problem.code in html
    assert "问题台账" in html  # Chinese by default
    assert 'data-status="dispatched"' in html and 'data-testid="bulk-dispatch"' in html


def test_zhongshan_officer_sees_only_zhongshan(cast, page_as, city):
    client = page_as(cast.zhongshan)
    html = client.get("/problems/").content.decode()
    assert city["zs"].code in html
    assert city["gjz"].code not in html and city["new"].code not in html
    assert client.get(f"/problems/{city['gjz'].code}/").status_code == 404
    assert 'data-testid="bulk-dispatch"' not in html


def test_filters_and_the_htmx_partial(cast, page_as, city):
    client = page_as(cast.office)
    response = client.get("/problems/", {"region": "210211", "status": "dispatched"}, headers=HTMX)
    html = response.content.decode()
    assert "<html" not in html  # just the table
    assert city["gjz"].code in html and city["zs"].code not in html
    # The swapped table carries its own export link, so "Export" exports what is on screen.
    assert "/problems/export.xlsx?" in html and "region=210211" in html.split("export.xlsx?")[1]
    bad = client.get("/problems/", {"status": "lost"}).content.decode()
    assert "ledger-error" in bad


def test_next_page_link(cast, page_as):
    for i in range(3):
        report(cast.office, region=cast.zhongshan_community, title=f"问题{i}")
    html = page_as(cast.office).get("/problems/", {"limit": 2}).content.decode()
    assert "next-page" in html and "cursor=" in html


def test_detail_shows_timeline_photos_flags_and_actions(cast, page_as):
    problem = accepted(cast)
    services.problem_photo_add(
        problem=problem, actor=cast.urban, kind="after", upload=photo(8, taken=now_exif(), gps=FAR)
    )
    html = page_as(cast.urban).get(f"/problems/{problem.code}/").content.decode()
    assert 'data-flag="far"' in html
    assert 'data-action="rectify"' in html and 'data-action="request_extension"' in html
    assert 'data-action="verify_pass"' not in html
    assert "problem-map" in html and "timeline" in html
    office = page_as(cast.office).get(f"/problems/{problem.code}/").content.decode()
    assert 'data-action="hold"' in office and 'data-action="rectify"' not in office


def test_an_action_through_htmx_rerenders_the_problem(cast, page_as):
    problem = dispatched(cast)
    client = page_as(cast.urban)
    response = client.post(
        f"/problems/{problem.code}/act/",
        {"action": "accept", "version": problem.version},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert Problem.objects.get(pk=problem.pk).status == "in_progress"
    # The same form again (stale): a 409 with the reason shown in place.
    again = client.post(
        f"/problems/{problem.code}/act/",
        {"action": "accept", "version": problem.version},
        headers=HTMX,
    )
    assert again.status_code == 409 and "action-error" in again.content.decode()


def test_a_missing_reason_is_shown_and_nothing_changes(cast, page_as):
    problem = dispatched(cast)
    response = page_as(cast.urban).post(
        f"/problems/{problem.code}/act/", {"action": "return", "note": ""}, headers=HTMX
    )
    assert response.status_code == 400 and "action-error" in response.content.decode()
    assert Problem.objects.get(pk=problem.pk).status == "dispatched"


def test_a_malformed_field_is_named_in_the_users_language(cast, page_as):
    problem = accepted(cast)
    response = page_as(cast.urban).post(
        f"/problems/{problem.code}/act/",
        {"action": "request_extension", "note": "需采购", "deadline": "next week"},
        headers=HTMX,
    )
    assert response.status_code == 400
    error = response.content.decode().split('data-testid="action-error">')[1].split("<")[0]
    assert error.startswith("整改期限：") or error.startswith("整改期限:"), error
    assert "deadline" not in error
    assert Problem.objects.get(pk=problem.pk).extension_requested_until is None


def test_leaders_see_no_actions_and_cannot_act(cast, page_as):
    problem = dispatched(cast)
    client = page_as(cast.leader)
    assert "data-action=" not in client.get(f"/problems/{problem.code}/").content.decode()
    response = client.post(f"/problems/{problem.code}/act/", {"action": "register"})
    assert response.status_code == 403


@pytest.mark.storage
def test_upload_from_the_page(cast, page_as):
    problem = accepted(cast)
    response = page_as(cast.urban).post(
        f"/problems/{problem.code}/photos/",
        {"kind": "after", "file": photo(9, taken=now_exif(), gps=HERE)},
    )
    assert response.status_code == 302
    assert problem.photos.filter(kind="after").count() == 1


@pytest.mark.storage
def test_a_refused_upload_from_the_page_is_400_with_the_reason(cast, page_as):
    problem = accepted(cast)
    client = page_as(cast.urban)
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a picture", content_type="image/jpeg")
    response = client.post(f"/problems/{problem.code}/photos/", {"kind": "after", "file": fake})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="action-error"' in html and problem.title in html
    missing = client.post(f"/problems/{problem.code}/photos/", {"kind": "after"})
    assert missing.status_code == 400 and "请选择" in missing.content.decode()
    assert problem.photos.count() == 0


@pytest.mark.storage
def test_photos_outside_the_office_have_no_gps(cast, page_as):
    problem = accepted(cast)
    shot = services.problem_photo_add(
        problem=problem, actor=cast.urban, kind="after", upload=photo(9, taken=now_exif(), gps=HERE)
    )
    public = page_as(cast.urban).get(f"/problems/photos/{shot.pk}/full/")
    assert public.status_code == 200
    assert not Image.open(io.BytesIO(b"".join(public.streaming_content))).getexif()
    original = page_as(cast.office).get(f"/problems/photos/{shot.pk}/full/")
    assert Image.open(io.BytesIO(b"".join(original.streaming_content))).getexif()
    assert page_as(cast.ganjingzi).get(f"/problems/photos/{shot.pk}/full/").status_code == 404
    assert page_as(cast.urban).get(f"/problems/photos/{shot.pk}/thumb/").status_code == 200


def _workbook(response):
    data = b"".join(response.streaming_content)
    return load_workbook(io.BytesIO(data), read_only=True).active


def test_export_is_scoped_filtered_and_in_the_users_language(cast, page_as, city):
    today = timezone.localdate()
    Problem.objects.filter(pk=city["gjz"].pk).update(deadline=today - timedelta(days=3))
    Problem.objects.filter(pk=city["zs"].pk).update(deadline=today - timedelta(days=3))
    office = page_as(cast.office)
    response = office.get("/problems/export.xlsx", {"region": "210211", "overdue": "1"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(_workbook(response).iter_rows(values_only=True))
    assert rows[0][0] == "编号" and rows[0][2] == "状态"
    assert [r[0] for r in rows[1:]] == [city["gjz"].code]
    assert rows[1][2] == "已派遣"
    office.cookies["wenming_language"] = "en"
    english = list(_workbook(office.get("/problems/export.xlsx")).iter_rows(values_only=True))
    assert english[0][0] == "Code" and len(english) == 4
    # A Zhongshan officer's export holds Zhongshan only, whatever they ask for.
    mine = list(
        _workbook(page_as(cast.zhongshan).get("/problems/export.xlsx")).iter_rows(values_only=True)
    )
    assert [r[0] for r in mine[1:]] == [city["zs"].code]


def test_bulk_dispatch_by_the_office(cast, page_as):
    first = report(cast.office, region=cast.zhongshan_community, title="一")
    second = report(cast.office, region=cast.zhongshan_community, title="二")
    response = page_as(cast.office).post(
        "/problems/bulk-dispatch/", {"codes": [first.code, second.code], "unit": "URBAN"}
    )
    assert response.status_code == 302
    assert set(Problem.objects.values_list("status", flat=True)) == {"dispatched"}
    other = report(cast.office, region=cast.zhongshan_community, title="三")
    denied = page_as(cast.zhongshan).post(
        "/problems/bulk-dispatch/", {"codes": [other.code], "unit": "URBAN"}
    )
    assert denied.status_code == 403
    assert Problem.objects.get(pk=other.pk).status == "new"


def test_inspector_reports_a_problem_with_a_photo(cast, page_as):
    client = page_as(cast.inspector)
    assert client.get("/problems/new/").status_code == 200
    response = client.post(
        "/problems/new/",
        {
            "title": "井盖缺失",
            "category": "",
            "source": "inspection",
            "severity": "high",
            "region": cast.zhongshan_community.pk,
            "address": "天津街8号",
            "lat": HERE[0],
            "lon": HERE[1],
            "photos": [photo(3)],
        },
    )
    assert response.status_code == 400  # no category
    from .factories import category

    response = client.post(
        "/problems/new/",
        {
            "title": "井盖缺失",
            "category": category("poor.facilities").pk,
            "source": "inspection",
            "severity": "high",
            "region": cast.zhongshan_community.pk,
            "address": "天津街8号",
            "lat": HERE[0],
            "lon": HERE[1],
            "photos": [photo(3)],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    problem = Problem.objects.get()
    assert problem.source == Source.INSPECTION and problem.photos.count() == 1
    assert page_as(cast.leader).get("/problems/new/").status_code == 403


def test_a_non_image_refuses_the_whole_report(cast, page_as):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .factories import category

    response = page_as(cast.office).post(
        "/problems/new/",
        {
            "title": "井盖缺失",
            "category": category("poor.facilities").pk,
            "source": "citizen",
            "severity": "normal",
            "region": cast.zhongshan_community.pk,
            "photos": [SimpleUploadedFile("a.jpg", b"not an image", "image/jpeg")],
        },
    )
    assert response.status_code == 400
    assert Problem.objects.count() == 0


def test_settings_page_is_the_offices(cast, page_as):
    assert page_as(cast.zhongshan).get("/problems/settings/").status_code == 403
    client = page_as(cast.office)
    assert client.get("/problems/settings/").status_code == 200
    response = client.post(
        "/problems/settings/",
        {"form": "rule", "category": "chaotic.parking", "region": "210202", "unit": "PSB"},
    )
    assert response.status_code == 302
    rule = RoutingRule.objects.get()
    assert rule.unit.code == "PSB" and rule.region.code == "210202"
    client.post(
        "/problems/settings/",
        {
            "form": "config",
            "auto_dispatch": "",
            "duplicate_radius_m": 80,
            "recurrence_days": 30,
            "reopen_window_days": 30,
            "escalation_working_days": 3,
            "far_photo_m": 200,
            "near_copy_distance": 3,
        },
    )
    config = services.ledger_config()
    assert config.duplicate_radius_m == 80 and not config.auto_dispatch


def test_home_panels_per_role(cast, page_as, city):
    rectified(cast)
    office = page_as(cast.office).get("/").content.decode()
    assert "待分拣" in office or "New reports to triage" in office
    urban = page_as(cast.urban).get("/").content.decode()
    assert "/problems/?" in urban
    nav = page_as(cast.zhongshan).get("/").content.decode()
    assert 'href="/problems/"' in nav


def test_duplicates_nearby_are_suggested_to_the_office(cast, page_as):
    first = report(cast.office, region=cast.zhongshan_community, title="垃圾桶满溢")
    second = report(
        cast.office,
        region=cast.zhongshan_community,
        title="垃圾桶又满了",
        lat=HERE[0] + 0.0002,
        lon=HERE[1],
    )
    far = report(
        cast.office, region=cast.zhongshan_community, title="远处垃圾桶", lat=FAR[0], lon=FAR[1]
    )
    html = page_as(cast.office).get(f"/problems/{second.code}/").content.decode()
    assert first.code in html and far.code not in html and "duplicates" in html
    # Once dispatched it can no longer be rejected as a duplicate: no suggestions then.
    services.problem_dispatch(problem=second, actor=cast.office, unit=cast.urban_unit)
    html = page_as(cast.office).get(f"/problems/{second.code}/").content.decode()
    assert 'data-testid="duplicates"' not in html


def test_the_office_form_starts_at_a_citizen_report(cast, page_as):
    html = page_as(cast.office).get("/problems/new/").content.decode()
    assert '<option value="citizen" selected>' in html
    inspector = page_as(cast.inspector).get("/problems/new/").content.decode()
    assert 'value="inspection"' in inspector and 'value="citizen"' not in inspector


# --- refused page actions answer 4xx, say why, and change nothing ----------------------------


def _snapshot() -> dict:
    from wenming.problems.models import Category, LedgerConfig, ProblemEvent

    services.ledger_config()  # the settings row exists from the first read on
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Problem, ProblemEvent, RoutingRule, Category, LedgerConfig)
    }


@pytest.fixture
def triage(cast):
    """Two new reports in Zhongshan, waiting in the office's queue."""
    return [
        report(cast.office, region=cast.zhongshan_community, title="一"),
        report(cast.office, region=cast.zhongshan_community, title="二"),
    ]


BACK = "/problems/?status=new"


@pytest.mark.parametrize(
    ("change", "status", "says"),
    [
        ({"codes": []}, 400, "请勾选要派遣的问题"),
        ({"unit": ""}, 400, "请选择派遣给哪个成员单位"),  # the page's form offers a unit
        ({"region": "210202"}, 400, "成员单位和属地只能选择其一"),  # unit and region
        ({"unit": "NOPE"}, 400, "成员单位"),  # unknown unit: the field is named
        ({"deadline": "31.02.2027"}, 400, "整改期限"),
        ({"deadline": "2020-01-01"}, 400, "整改期限早于今天"),
        ({"codes": ["WM1999-000001"]}, 404, "WM1999-000001"),
    ],
)
def test_bulk_dispatch_refusals_are_4xx_with_the_reason(
    cast, page_as, triage, change, status, says
):
    post = {"codes": [p.code for p in triage], "unit": "URBAN", "next": BACK, **change}
    before = _snapshot()
    response = page_as(cast.office).post("/problems/bulk-dispatch/", post)
    assert response.status_code == status
    html = response.content.decode()
    assert 'data-testid="ledger-error"' in html and says in html, html[:3000]
    assert 'data-testid="ledger-table"' in html  # the ledger again, not an error page
    assert _snapshot() == before


def test_bulk_dispatch_is_all_or_none(cast, page_as, triage):
    already = rectified(cast, title="已整改待核查")
    codes = [triage[0].code, already.code, triage[1].code]
    before = _snapshot()
    response = page_as(cast.office).post(
        "/problems/bulk-dispatch/", {"codes": codes, "unit": "PSB", "next": BACK}
    )
    assert response.status_code == 409  # the one refusal is "not possible now"
    html = response.content.decode()
    assert "未派遣任何问题" in html and already.code in html
    assert _snapshot() == before  # the two new reports were not dispatched either
    # The ledger it came from, with the choice kept for a second try.
    assert f'name="next" value="{BACK}"' in html
    assert f'value="{triage[0].code}" aria-label="{triage[0].code}" checked' in html
    assert '<option value="PSB" selected>' in html


def test_bulk_dispatch_by_anyone_but_the_office_is_403(cast, page_as, triage):
    before = _snapshot()
    response = page_as(cast.zhongshan).post(
        "/problems/bulk-dispatch/", {"codes": [triage[0].code], "unit": "URBAN"}
    )
    assert response.status_code == 403
    assert "只有文明办可以执行此操作" in response.content.decode()
    assert _snapshot() == before


def test_bulk_dispatch_success_still_redirects_back(cast, page_as, triage):
    response = page_as(cast.office).post(
        "/problems/bulk-dispatch/",
        {"codes": [p.code for p in triage], "unit": "URBAN", "next": BACK},
    )
    assert response.status_code == 302 and response["Location"] == BACK
    response = page_as(cast.office).post(
        "/problems/bulk-dispatch/", {"codes": [], "unit": "URBAN", "next": "https://evil.example/"}
    )
    assert response.status_code == 400 and "evil.example" not in response.content.decode()


CONFIG = {
    "form": "config",
    "auto_dispatch": "on",
    "duplicate_radius_m": 50,
    "recurrence_days": 30,
    "reopen_window_days": 30,
    "escalation_working_days": 3,
    "far_photo_m": 200,
    "near_copy_distance": 3,
}


@pytest.mark.parametrize(
    ("post", "status", "says"),
    [
        ({**CONFIG, "duplicate_radius_m": 0}, 400, "未保存任何内容"),
        ({**CONFIG, "far_photo_m": "many"}, 400, "未保存任何内容"),
        # Neither a unit nor a locality: the service refuses.
        ({"form": "rule", "category": "chaotic.parking", "region": "210202"}, 400, "成员单位"),
        ({"form": "rule", "unit": "NOPE"}, 400, "未保存任何内容"),
        ({"form": "category", "code": "poor.lamps", "name": ""}, 400, "未保存任何内容"),
        ({"form": "rule_toggle", "rule": "abc", "active": "1"}, 400, "请选择一条派遣规则"),
        ({"form": "rule_delete", "rule": "9" * 30}, 400, "请选择一条派遣规则"),
        ({"form": "rule_delete", "rule": "999999"}, 404, "没有这条派遣规则"),
        ({"form": "rule_toggle", "rule": "999999", "active": "0"}, 404, "没有这条派遣规则"),
        ({"form": "teleport"}, 400, "请求无效"),
        ({}, 400, "请求无效"),
    ],
)
def test_settings_refusals_are_4xx_with_the_reason(cast, page_as, post, status, says):
    before = _snapshot()
    response = page_as(cast.office).post("/problems/settings/", post)
    assert response.status_code == status
    html = response.content.decode()
    assert 'data-testid="settings-error"' in html and says in html, html[:3000]
    assert 'data-testid="routing-rules"' in html  # the settings page again
    assert _snapshot() == before


def test_settings_keep_the_rejected_input_and_name_the_field(cast, page_as):
    response = page_as(cast.office).post("/problems/settings/", {**CONFIG, "far_photo_m": 5})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="5"' in html and "text-danger" in html


def test_settings_changes_by_anyone_but_the_office_are_403(cast, page_as):
    before = _snapshot()
    for person in (cast.zhongshan, cast.leader, cast.urban):
        response = page_as(person).post(
            "/problems/settings/",
            {"form": "rule", "category": "chaotic.parking", "region": "210202", "unit": "PSB"},
        )
        assert response.status_code == 403
    assert _snapshot() == before


def test_settings_rule_toggle_and_delete_still_redirect(cast, page_as):
    client = page_as(cast.office)
    client.post("/problems/settings/", {"form": "rule", "region": "210202", "unit": "PSB"})
    rule = RoutingRule.objects.get()
    response = client.post(
        "/problems/settings/", {"form": "rule_toggle", "rule": rule.pk, "active": "0"}
    )
    assert response.status_code == 302
    assert not RoutingRule.objects.get().is_active
    response = client.post("/problems/settings/", {"form": "rule_delete", "rule": rule.pk})
    assert response.status_code == 302 and not RoutingRule.objects.exists()
