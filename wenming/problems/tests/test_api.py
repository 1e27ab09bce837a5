"""The ledger's JSON API, persona by persona: scope, transitions, uploads, idempotency."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wenming.problems import services
from wenming.problems.models import Problem, ProblemEvent, Source

from .factories import accepted, dispatched, photo, report
from .factories import report_payload as create_payload


def test_office_reports_a_problem_and_gets_201_with_its_code(cast, api_as):
    response = api_as(cast.office).post("problems", create_payload())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["code"].startswith(f"WM{timezone.localdate().year}-")
    assert body["status"] == "new" and body["district"] == "210202"
    assert body["reporter_phone"] == "13900000000"
    assert body["allowed_actions"] == ["register", "reject", "dispatch"]
    assert [e["action"] for e in body["events"]] == ["create"]


def test_an_inspection_problem_with_one_route_is_dispatched_at_once(cast, api_as):
    services.routing_rule_create(
        actor=cast.office, category=None, region=cast.zhongshan_district, unit=cast.urban_unit
    )
    body = api_as(cast.inspector).post("problems", create_payload(source="inspection")).json()
    assert body["status"] == "dispatched" and body["responsible_unit"] == "URBAN"
    assert body["deadline"] is not None
    assert [e["action"] for e in body["events"]] == ["create", "dispatch"]
    # The inspector sees their own report; the reporter's name is the office's only, the
    # phone whole for the office and masked for everyone else (privacy.py).
    seen = api_as(cast.inspector).get(f"problems/{body['code']}").json()
    assert seen["reporter_name"] is None and seen["reporter_phone"] == "139****0000"


@pytest.mark.parametrize(
    "change, code",
    [
        ({"category": "no.such"}, "unknown_category"),
        ({"region": "999999"}, "unknown_region"),
        ({"title": ""}, "title_required"),
        ({"lat": 38.9, "lon": None}, "invalid"),
        ({"source": "gossip"}, "bad_source"),
        ({"point": "NOPE"}, "unknown_point"),
    ],
)
def test_bad_reports_answer_400_and_create_nothing(cast, api_as, change, code):
    response = api_as(cast.office).post("problems", create_payload(**change))
    assert response.status_code == 400, response.content
    assert response.json()["error"] == code
    assert Problem.objects.count() == 0


def test_zhongshan_cannot_report_in_ganjingzi(cast, api_as):
    response = api_as(cast.zhongshan).post(
        "problems", create_payload(region="210211001001", source="self_found")
    )
    assert response.status_code == 400
    assert Problem.objects.count() == 0


def test_leaders_do_not_report(cast, api_as):
    assert api_as(cast.leader).post("problems", create_payload()).status_code == 403


@pytest.fixture
def city(cast):
    """Problems in both districts, handled by two units."""
    zs = dispatched(cast, title="中山区垃圾桶满溢")
    zs_street = dispatched(
        cast,
        title="青泥洼桥街道井盖缺失",
        place=cast.zhongshan_street,
        cat="poor.facilities",
        unit=cast.education_unit,
    )
    gjz = dispatched(
        cast, title="甘井子区乱停车", place=cast.ganjingzi_community, cat="chaotic.parking"
    )
    new = report(cast.office, region=cast.ganjingzi_street, title="机场社区广告牌破损")
    mine = report(
        cast.inspector,
        region=cast.ganjingzi_community,
        title="督查发现乱贴广告",
        source=Source.INSPECTION,
        cat="chaotic.advertising",
        auto_dispatch=False,
    )
    return {"zs": zs, "zs_street": zs_street, "gjz": gjz, "new": new, "mine": mine}


def codes(response):
    assert response.status_code == 200, response.content
    return {item["code"] for item in response.json()["items"]}


def test_each_persona_lists_exactly_their_scope(cast, api_as, city):
    everything = {p.code for p in city.values()}
    assert codes(api_as(cast.office).get("problems")) == everything
    assert codes(api_as(cast.leader).get("problems")) == everything
    assert codes(api_as(cast.zhongshan).get("problems")) == {
        city["zs"].code,
        city["zs_street"].code,
    }
    assert codes(api_as(cast.ganjingzi).get("problems")) == {
        city["gjz"].code,
        city["new"].code,
        city["mine"].code,
    }
    assert codes(api_as(cast.urban).get("problems")) == {city["zs"].code, city["gjz"].code}
    assert codes(api_as(cast.education).get("problems")) == {city["zs_street"].code}
    assert codes(api_as(cast.inspector).get("problems")) == {city["mine"].code}
    assert codes(api_as(cast.evaluator).get("problems")) == set()


def test_out_of_scope_problems_answer_404_everywhere(cast, api_as, city):
    code = city["zs"].code
    client = api_as(cast.ganjingzi)
    assert client.get(f"problems/{code}").status_code == 404
    assert client.post(f"problems/{code}/transitions", {"action": "accept"}).status_code == 404
    assert (
        client.post_multipart(
            f"problems/{code}/attachments", {"kind": "after", "file": photo()}
        ).status_code
        == 404
    )
    # Filtering by a region outside one's scope is refused, not silently widened.
    assert client.get("problems", region="210202").status_code == 400
    assert client.get("problems", q=code).json()["count"] == 0


def test_a_co_unit_sees_the_problem(cast, api_as, city):
    problem = city["gjz"]
    problem.co_units.add(cast.education_unit)
    assert problem.code in codes(api_as(cast.education).get("problems"))
    assert api_as(cast.education).get(f"problems/{problem.code}").status_code == 200


def test_filters(cast, api_as, city):
    office = api_as(cast.office)
    assert codes(office.get("problems", region="210202001")) == {
        city["zs"].code,
        city["zs_street"].code,
    }
    assert codes(office.get("problems", region="210202001001")) == {city["zs"].code}
    assert codes(office.get("problems", unit="EDU")) == {city["zs_street"].code}
    assert codes(office.get("problems", category="chaotic.parking")) == {city["gjz"].code}
    assert codes(office.get("problems", status="new")) == {city["new"].code, city["mine"].code}
    assert codes(office.get("problems", status="new,dispatched")) == {p.code for p in city.values()}
    assert codes(office.get("problems", source="inspection")) == {city["mine"].code}
    assert codes(office.get("problems", q="井盖")) == {city["zs_street"].code}
    assert codes(office.get("problems", q="垃圾桶满溢")) == {city["zs"].code}
    assert codes(office.get("problems", q="广告")) == {city["new"].code, city["mine"].code}
    assert codes(office.get("problems", q="停车场")) == set()
    assert codes(office.get("problems", q=city["gjz"].code)) == {city["gjz"].code}
    assert codes(office.get("problems", code=city["gjz"].code[:9])) == {
        p.code for p in city.values()
    }
    today = timezone.localdate()
    assert (
        len(
            codes(
                office.get("problems", created_from=today.isoformat(), created_to=today.isoformat())
            )
        )
        == 5
    )
    assert (
        codes(office.get("problems", created_to=(today - timedelta(days=1)).isoformat())) == set()
    )


def test_overdue_and_due_soon(cast, api_as, city):
    today = timezone.localdate()
    Problem.objects.filter(pk=city["zs"].pk).update(deadline=today - timedelta(days=2))
    Problem.objects.filter(pk=city["gjz"].pk).update(deadline=today)
    office = api_as(cast.office)
    assert codes(office.get("problems", overdue="1")) == {city["zs"].code}
    assert codes(office.get("problems", due_soon="1")) == {city["gjz"].code}
    items = office.get("problems", sort="deadline").json()["items"]
    assert items[0]["code"] == city["zs"].code and items[0]["overdue"] is True
    assert codes(api_as(cast.urban).get("problems", mine="1", overdue="1")) == {city["zs"].code}


@pytest.mark.parametrize(
    "params",
    [
        {"status": "lost"},
        {"sort": "title"},
        {"cursor": "!!!"},
        {"created_from": "yesterday"},
        {"unit": "NOPE"},
        {"category": "x.y"},
        {"source": "rumour"},
        {"code": "XX2026"},
        {"created_from": "2026-05-02", "created_to": "2026-05-01"},
    ],
)
def test_bad_filters_answer_400(cast, api_as, params):
    response = api_as(cast.office).get("problems", **params)
    assert response.status_code == 400, response.content
    assert response.json()["error"]


def test_cursor_pages_walk_the_whole_ledger_once(cast, api_as):
    for i in range(7):
        report(cast.office, region=cast.zhongshan_community, title=f"问题{i}")
    office = api_as(cast.office)
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        body = office.get("problems", **params).json()
        seen += [item["code"] for item in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert pages == 3 and len(seen) == 7 == len(set(seen)) and body["count"] == 7
    assert seen == sorted(seen, reverse=True)  # newest first


def test_counts_by_status_in_one_answer(cast, api_as, city):
    body = api_as(cast.office).get("problems", counts="1", status="new").json()
    assert body["count"] == 2
    assert body["counts_by_status"]["dispatched"] == 3
    assert body["counts_by_status"]["new"] == 2


# --- transitions --------------------------------------------------------------------------


def test_transition_returns_the_new_state(cast, api_as):
    problem = dispatched(cast)
    response = api_as(cast.urban).post(
        f"problems/{problem.code}/transitions", {"action": "accept", "note": "收到"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "in_progress" and body["version"] == problem.version + 1
    assert "rectify" in body["allowed_actions"]


def test_illegal_transition_is_409_with_the_current_state(cast, api_as):
    problem = dispatched(cast)
    response = api_as(cast.office).post(
        f"problems/{problem.code}/transitions", {"action": "verify_pass"}
    )
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "conflict"
    assert body["details"]["status"] == "dispatched"
    assert "dispatch" in body["details"]["allowed_actions"]
    assert "return" in body["message"] or "退回" in body["message"] or "Return" in body["message"]


def test_no_right_is_403_and_unknown_action_or_unit_is_400(cast, api_as):
    problem = dispatched(cast)
    assert (
        api_as(cast.leader)
        .post(f"problems/{problem.code}/transitions", {"action": "verify_pass"})
        .status_code
        == 403
    )
    assert (
        api_as(cast.urban)
        .post(f"problems/{problem.code}/transitions", {"action": "dispatch", "unit": "EDU"})
        .status_code
        == 403
    )
    assert (
        api_as(cast.office)
        .post(f"problems/{problem.code}/transitions", {"action": "fly"})
        .status_code
        == 400
    )
    fresh = report(cast.office, region=cast.zhongshan_community)
    response = api_as(cast.office).post(
        f"problems/{fresh.code}/transitions", {"action": "dispatch", "unit": "NOPE"}
    )
    assert response.status_code == 400 and response.json()["error"] == "unknown_unit"
    response = api_as(cast.office).post(
        f"problems/{fresh.code}/transitions",
        {
            "action": "dispatch",
            "unit": "URBAN",
            "deadline": (timezone.localdate() - timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 400 and response.json()["error"] == "date_in_past"
    assert Problem.objects.get(pk=fresh.pk).status == "new"


def test_a_stale_version_is_409(cast, api_as):
    problem = dispatched(cast)
    response = api_as(cast.urban).post(
        f"problems/{problem.code}/transitions", {"action": "accept", "version": problem.version - 1}
    )
    assert response.status_code == 409
    assert response.json()["details"]["version"] == problem.version


def test_the_handler_who_returns_a_problem_still_gets_its_state(cast, api_as):
    problem = dispatched(cast)
    response = api_as(cast.urban).post(
        f"problems/{problem.code}/transitions", {"action": "return", "note": "属交警职责"}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "registered"
    assert api_as(cast.urban).get(f"problems/{problem.code}").status_code == 404


# --- attachments --------------------------------------------------------------------------


@pytest.mark.storage
def test_after_photo_upload_answers_201_with_flags(cast, api_as):
    problem = accepted(cast)
    response = api_as(cast.urban).post_multipart(
        f"problems/{problem.code}/attachments",
        {"kind": "after", "file": photo(3, taken="2020:01:01 08:00:00", gps=(38.95, 121.64))},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body["flags"]) == {"before_dispatch", "far"}
    assert body["distance_m"] > 3000
    assert body["lat"] is None  # GPS of evidence is for the office


@pytest.mark.storage
@pytest.mark.parametrize(
    "upload, code",
    [
        ("text", "not_an_image"),
        ("big", "too_large"),
        ("kind", "bad_kind"),
        ("bomb", "too_many_pixels"),
    ],
)
def test_bad_uploads_answer_400_and_store_nothing(cast, api_as, settings, upload, code):
    from django.core.files.uploadedfile import SimpleUploadedFile

    problem = accepted(cast)
    data = {"kind": "after", "file": photo()}
    if upload == "text":
        data["file"] = SimpleUploadedFile("evil.jpg", b"GIF89a not really", "image/jpeg")
    if upload == "big":
        settings.WENMING_MAX_UPLOAD_MB = 0
    if upload == "kind":
        data["kind"] = "during"
    if upload == "bomb":  # more pixels than allowed: refused before decoding
        settings.WENMING_MAX_IMAGE_PIXELS = 100 * 100
    response = api_as(cast.urban).post_multipart(f"problems/{problem.code}/attachments", data)
    assert response.status_code == 400, response.content
    assert response.json()["error"] == code
    assert problem.photos.count() == 0


@pytest.mark.storage
def test_only_the_handler_adds_after_photos(cast, api_as):
    problem = accepted(cast)
    response = api_as(cast.office).post_multipart(
        f"problems/{problem.code}/attachments", {"kind": "after", "file": photo()}
    )
    assert response.status_code == 403


# --- idempotency --------------------------------------------------------------------------


def test_a_retried_create_returns_the_first_answer_and_creates_nothing(cast, api_as):
    client = api_as(cast.office)
    first = client.post("problems", create_payload(), headers={"Idempotency-Key": "k-1"})
    again = client.post("problems", create_payload(), headers={"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert first.json()["code"] == again.json()["code"]
    assert Problem.objects.count() == 1
    other = client.post(
        "problems", create_payload(title="另一个"), headers={"Idempotency-Key": "k-1"}
    )
    assert other.status_code == 409 and other.json()["error"] == "idempotency_key_reused"
    # Another person's identical key is theirs alone.
    theirs = api_as(cast.inspector).post(
        "problems", create_payload(source="inspection"), headers={"Idempotency-Key": "k-1"}
    )
    assert theirs.status_code == 201 and Problem.objects.count() == 2


def test_a_retried_transition_does_not_act_twice(cast, api_as):
    problem = dispatched(cast)
    client = api_as(cast.urban)
    path = f"problems/{problem.code}/transitions"
    first = client.post(path, {"action": "accept"}, headers={"Idempotency-Key": "acc"})
    again = client.post(path, {"action": "accept"}, headers={"Idempotency-Key": "acc"})
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert ProblemEvent.objects.filter(problem=problem, action="accept").count() == 1


def test_a_refused_request_is_not_remembered(cast, api_as):
    client = api_as(cast.office)
    bad = client.post(
        "problems", create_payload(category="no.such"), headers={"Idempotency-Key": "k-2"}
    )
    assert bad.status_code == 400
    good = client.post(
        "problems", create_payload(category="no.such"), headers={"Idempotency-Key": "k-2"}
    )
    assert good.status_code == 400  # same body, run again, still refused; nothing stored


def test_categories_are_listed(cast, api_as):
    body = api_as(cast.zhongshan).get("problem-categories").json()
    codes_ = {c["code"] for c in body}
    assert {"dirty.appearance", "poor.facilities", "civil.behaviour"} <= codes_


def test_the_list_costs_the_same_queries_for_5_or_50_problems(
    cast, api_as, django_assert_max_num_queries
):
    client = api_as(cast.office)
    for i in range(5):
        dispatched(cast, title=f"问题{i}")
    client.get("problems")  # warm the token's last-used stamp
    with django_assert_max_num_queries(14) as few:  # page, 6 look-ups, count, counts, token
        client.get("problems", counts="1")
    for i in range(45):
        dispatched(cast, title=f"问题{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get("problems", counts="1", limit=50).json()["items"]) == 50


def test_an_inspectors_failed_check_reaches_its_owner_at_once(cast, api_as):
    """The inspection journey: a failed checklist item at a point becomes a routed problem."""
    from wenming.core.calendar import add_working_days
    from wenming.standards.models import ChecklistItem
    from wenming.standards.tests.factories import small_system

    system = small_system()
    dirty = ChecklistItem.objects.get(code="MARKET-01")
    lacking = ChecklistItem.objects.get(code="MARKET-03")
    client = api_as(cast.inspector)
    # An inspector reports at the points of their visits, not at every point of the city.
    unassigned = {"title": "地面有积水污物", "source": "inspection", "point": "ZS-MKT-1"}
    assert client.post("problems", unassigned).status_code == 400
    from wenming.testing.inspections import drawn_round

    drawn_round(office=cast.office, system=system, regions=[cast.city], team=[cast.inspector])
    event = client.post(
        "problems",
        {
            "title": "地面有积水污物",
            "source": "inspection",
            "point": "ZS-MKT-1",
            "checklist_item": dirty.pk,
        },
    ).json()
    assert event["category"] == "dirty.sanitation" and event["point"] == "ZS-MKT-1"
    assert event["standard"] == "1.1.1" and event["region"] == "210202001001"
    # An event goes to the locality first: the market's street.
    assert event["status"] == "dispatched" and event["handling_region"] == "210202001"
    assert event["deadline"] == add_working_days(timezone.localdate(), 2).isoformat()
    facility = client.post(
        "problems",
        {
            "title": "公益广告不足",
            "source": "inspection",
            "point": "ZS-MKT-1",
            "checklist_item": lacking.pk,
        },
    ).json()
    # A facility goes to its owner first: the Urban Management Bureau answers for the market.
    assert facility["category"] == "lacking.psa" and facility["responsible_unit"] == "URBAN"
    bad = client.post(
        "problems",
        {"title": "x", "source": "inspection", "point": "ZS-MKT-1", "checklist_item": 999999},
    )
    assert bad.status_code == 400 and bad.json()["error"] == "unknown_checklist_item"


def test_counts_stop_at_the_cap_and_say_so(cast, api_as, monkeypatch):
    from wenming.problems import selectors

    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 2)
    for i in range(5):
        report(cast.office, region=cast.zhongshan_community, title=f"垃圾桶满溢{i}")
    body = api_as(cast.office).get("problems").json()
    assert (body["count"], body["count_exact"]) == (3, False)
    body = api_as(cast.office).get("problems", q="垃圾桶").json()
    assert (body["count"], body["count_exact"]) == (2, False)
    body = api_as(cast.office).get("problems", q="垃圾桶满溢4").json()
    assert (body["count"], body["count_exact"]) == (1, True)


def test_text_search_pages_newest_first_through_the_index(cast, api_as):
    made = [
        report(cast.office, region=cast.zhongshan_community, title=f"井盖缺失{i}").code
        for i in range(5)
    ]
    client = api_as(cast.office)
    first = client.get("problems", q="井盖", limit=2).json()
    second = client.get("problems", q="井盖", limit=2, cursor=first["next_cursor"]).json()
    third = client.get("problems", q="井盖", limit=2, cursor=second["next_cursor"]).json()
    seen = [i["code"] for page in (first, second, third) for i in page["items"]]
    assert seen == list(reversed(made)) and third["next_cursor"] is None
