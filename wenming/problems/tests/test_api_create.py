"""`POST /api/v1/problems` on its fast path: the 201 answer is built from what the service wrote,
so it must equal what `GET /api/v1/problems/{code}` then shows the same persona; duplicate
suggestions come from raw SQL for the office and from the scoped ORM for everyone else, and
must agree; and a report costs a fixed number of queries."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pydantic import TypeAdapter

from wenming.problems import listing, selectors, services
from wenming.problems.models import Problem, Source

from .factories import HERE, category, closed, dispatched, report, report_payload

CATEGORY = "chaotic.street_order"
NEAR = (HERE[0] + 0.0002, HERE[1])  # about 22 m north: inside the 50 m radius
FAR_200 = (HERE[0] + 0.0018, HERE[1])  # about 200 m north: outside it


def payload(**extra):
    return report_payload(**{"source": "hotline", "description": "早市摊位占用人行道", **extra})


def created_and_read(client, body):
    created = client.post("problems", body)
    assert created.status_code == 201, created.content
    answer = created.json()
    read = client.get(f"problems/{answer['code']}")
    assert read.status_code == 200, read.content
    return answer, read.json()


def assert_same_answer(created: dict, read: dict) -> None:
    """Key for key; no field of the 201 answer may legitimately differ from the GET."""
    assert created.keys() == read.keys()
    differing = {k: (created[k], read[k]) for k in created if created[k] != read[k]}
    assert differing == {}


@pytest.fixture
def auto_route(cast):
    services.routing_rule_create(
        actor=cast.office, category=None, region=cast.zhongshan_district, unit=cast.urban_unit
    )


def test_the_office_hotline_report_answers_what_get_shows(cast, api_as):
    created, read = created_and_read(api_as(cast.office), payload(source="hotline"))
    assert_same_answer(created, read)
    assert created["status"] == "new" and created["source"] == "hotline"
    assert created["reporter_phone"] == "13900000000"  # the office sees the contact
    assert created["allowed_actions"] == ["register", "reject", "dispatch"]
    assert [(e["action"], e["actor"]) for e in created["events"]] == [("create", "office")]
    assert created["events"][0]["label"] and created["events"][0]["to_status"] == "new"
    assert created["handler_name"] == read["handler_name"]


def test_an_auto_dispatched_inspection_shows_both_events_as_get_does(cast, api_as, auto_route):
    created, read = created_and_read(api_as(cast.inspector), payload(source="inspection"))
    assert_same_answer(created, read)
    assert created["status"] == "dispatched" and created["responsible_unit"] == "URBAN"
    assert created["handler_name"] != "" and created["deadline"] is not None
    assert [e["action"] for e in created["events"]] == ["create", "dispatch"]
    assert [e["to_status"] for e in created["events"]] == ["new", "dispatched"]
    create, dispatch = created["events"]
    assert create["actor"] == "inspector" and dispatch["actor"] is None  # the system acted
    assert dispatch["note"]  # "Dispatched automatically (…)"
    # The name is the office's only; the phone reads masked outside the office (privacy.py).
    assert created["reporter_name"] is None and created["reporter_phone"] == "139****0000"
    assert created["dispatched_at"] is not None and created["version"] == read["version"]


def test_an_auto_dispatch_does_not_read_back_the_problem_it_just_inserted(cast, api_as, auto_route):
    """Inside the report's own transaction the new row is current and nobody else sees it:
    the dispatch updates it without a SELECT of the problem (and its answer still equals GET)."""
    client = api_as(cast.inspector)
    client.post("problems", payload(source="inspection", title="热身"))
    with CaptureQueriesContext(connection) as queries:
        created = client.post("problems", payload(source="inspection"))
    assert created.status_code == 201 and created.json()["status"] == "dispatched"
    reads = [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith("SELECT") and 'FROM "problems_problem"' in q["sql"]
    ]
    assert reads == []
    code = created.json()["code"]
    assert_same_answer(created.json(), client.get(f"problems/{code}").json())


def test_after_its_report_a_problem_is_read_under_lock_again(cast, auto_route):
    from wenming.problems.services import _common

    problem = services.problem_create(
        actor=cast.inspector,
        title="井盖缺失",
        category=category(CATEGORY),
        source=Source.INSPECTION,
        region=cast.zhongshan_community,
    )
    assert problem.status == "dispatched"
    assert _common._INSERTED_HERE not in problem.__dict__
    assert _common.lock_problem(problem) is not problem


def test_an_inspection_with_auto_dispatch_off_stays_new(cast, api_as, auto_route):
    services.ledger_config_update(actor=cast.office, auto_dispatch=False)
    created, read = created_and_read(api_as(cast.inspector), payload(source="inspection"))
    assert_same_answer(created, read)
    assert created["status"] == "new" and [e["action"] for e in created["events"]] == ["create"]


def test_a_district_officers_report_answers_what_get_shows(cast, api_as):
    created, read = created_and_read(
        api_as(cast.zhongshan), payload(source="self_found", region="210202001")
    )
    assert_same_answer(created, read)
    assert created["region"] == "210202001" and created["district"] == "210202"
    assert [(e["action"], e["actor"]) for e in created["events"]] == [("create", "zhongshan")]
    assert created["reporter_phone"] == "139****0000"  # masked outside the office


def test_a_unit_officers_report_with_their_unit_as_co_unit_answers_what_get_shows(cast, api_as):
    # A bureau officer names only their own unit (other units are outside their scope).
    created, read = created_and_read(
        api_as(cast.urban), payload(source="self_found", co_units=["URBAN"])
    )
    assert_same_answer(created, read)
    assert created["co_units"] == ["URBAN"]
    assert [(e["action"], e["actor"]) for e in created["events"]] == [("create", "urban")]


def test_a_unit_officers_report_outside_their_scope_hides_what_get_would_refuse(cast, api_as):
    """A bureau officer may report a problem that is not theirs to handle: the 201 gives the
    code and the fields they sent, but no timeline (the GET answers 404 — not their problem)."""
    client = api_as(cast.urban)
    created = client.post("problems", payload(source="self_found"))
    assert created.status_code == 201, created.content
    assert created.json()["events"] == []
    assert client.get(f"problems/{created.json()['code']}").status_code == 404


def test_a_co_unit_list_is_answered_sorted_and_stored(cast, api_as):
    created, read = created_and_read(api_as(cast.office), payload(co_units=["PSB", "EDU"]))
    assert created["co_units"] == read["co_units"] == ["EDU", "PSB"]
    problem = Problem.objects.get(code=created["code"])
    assert sorted(problem.co_units.values_list("code", flat=True)) == ["EDU", "PSB"]


# --- duplicate suggestions ------------------------------------------------------------------


@pytest.fixture
def neighbours(cast):
    """Around Tianjin Street: two open problems of the category, a closed one, one of another
    category, one 200 m away; and an open one of the category in Ganjingzi at the same spot."""
    place = cast.zhongshan_community
    open_here = report(
        cast.office, region=place, cat=CATEGORY, title="近处一", lat=HERE[0], lon=HERE[1]
    )
    open_near = report(
        cast.office, region=place, cat=CATEGORY, title="近处二", lat=NEAR[0], lon=NEAR[1]
    )
    done = closed(cast, cat=CATEGORY, title="已办结", lat=HERE[0], lon=HERE[1])
    other = report(
        cast.office,
        region=place,
        cat="dirty.sanitation",
        title="别的类别",
        lat=HERE[0],
        lon=HERE[1],
    )
    far = report(
        cast.office, region=place, cat=CATEGORY, title="两百米外", lat=FAR_200[0], lon=FAR_200[1]
    )
    ganjingzi = report(
        cast.office,
        region=cast.ganjingzi_community,
        cat=CATEGORY,
        title="甘井子同地点",
        lat=HERE[0],
        lon=HERE[1],
    )
    assert done.status == "closed"
    return {
        "here": open_here,
        "near": open_near,
        "closed": done,
        "other": other,
        "far": far,
        "ganjingzi": ganjingzi,
    }


def candidates(body):
    return [
        (c["code"], c["title"], c["status"], c["distance_m"]) for c in body["duplicate_candidates"]
    ]


def test_the_office_and_a_zhongshan_officer_get_the_same_candidates(cast, api_as, neighbours):
    office = api_as(cast.office).post("problems", payload(source="hotline")).json()
    zhongshan = api_as(cast.zhongshan).post("problems", payload(source="self_found")).json()
    expected_office = {
        neighbours["here"].code,
        neighbours["near"].code,
        neighbours["ganjingzi"].code,
    }
    assert {c[0] for c in candidates(office)} == expected_office
    # Zhongshan's officer: the same, minus Ganjingzi's, plus the office's report just made.
    expected_zs = {neighbours["here"].code, neighbours["near"].code, office["code"]}
    assert {c[0] for c in candidates(zhongshan)} == expected_zs
    # Nearest first, with distances.
    assert [c[3] for c in candidates(office)] == sorted(c[3] for c in candidates(office))
    near = next(c for c in candidates(office) if c[0] == neighbours["near"].code)
    assert 15 < near[3] < 30 and near[2] == "new"


def test_the_raw_and_the_orm_paths_answer_alike_for_one_problem(cast, neighbours):
    """The same problem asked by the office (raw SQL) and by Zhongshan's officer (ORM)."""
    problem = report(
        cast.zhongshan,
        region=cast.zhongshan_community,
        cat=CATEGORY,
        source=Source.SELF_FOUND,
        lat=HERE[0],
        lon=HERE[1],
    )
    raw = selectors.duplicate_candidates(actor=cast.office, problem=problem)
    orm = selectors.duplicate_candidates(actor=cast.zhongshan, problem=problem)
    as_rows = [(o.pk, o.code, o.title, o.status, o.lat, o.lon, d) for o, d in raw]
    zhongshan_codes = {neighbours["here"].code, neighbours["near"].code}
    assert [r for r in as_rows if r[1] in zhongshan_codes] == [
        (o.pk, o.code, o.title, o.status, o.lat, o.lon, d) for o, d in orm
    ]
    assert {o.code for o, _d in raw} == zhongshan_codes | {neighbours["ganjingzi"].code}
    for excluded in ("closed", "other", "far"):
        assert neighbours[excluded].code not in {o.code for o, _d in raw}


def test_a_ganjingzi_officer_sees_no_zhongshan_candidates(cast, api_as, neighbours):
    body = (
        api_as(cast.ganjingzi)
        .post("problems", payload(source="self_found", region="210211001001"))
        .json()
    )
    assert {c[0] for c in candidates(body)} == {neighbours["ganjingzi"].code}


def test_a_report_without_coordinates_has_no_candidates(cast, api_as, neighbours):
    body = api_as(cast.office).post("problems", payload(lat=None, lon=None)).json()
    assert body["duplicate_candidates"] == [] and body["lat"] is None


# --- cost -----------------------------------------------------------------------------------

# Measured on this commit (the second report of a client, caches warm, token already touched):
# 13 queries on SQLite, 12 on PostgreSQL. Token join; savepoint; counter UPDATE … RETURNING;
# problem INSERT; (SQLite only: the full-text backlog mark); event INSERT; savepoint; audit head
# read, entry INSERT, head UPDATE; two releases; duplicate candidates. (In a test the atomic
# blocks are savepoints; in production the outer one is BEGIN/COMMIT.) A regression that adds
# a query fails here.
MAX_QUERIES_OF_A_REPORT = {"sqlite": 13, "postgresql": 12}


def test_an_office_report_costs_at_most_a_fixed_number_of_queries(cast, api_as, neighbours):
    client = api_as(cast.office)
    client.post("problems", payload(title="热身"))  # loads the caches, touches the token
    with CaptureQueriesContext(connection) as queries:
        response = client.post("problems", payload())
    assert response.status_code == 201
    assert len(response.json()["duplicate_candidates"]) >= 2
    most = MAX_QUERIES_OF_A_REPORT[connection.vendor]
    assert len(queries) <= most, "\n".join(q["sql"][:120] for q in queries)


def test_a_report_through_the_real_wsgi_entry_answers_what_get_shows(cast):
    """gunicorn calls `wenming.wsgi.application`, where bearer calls take the API's own stack."""
    import json

    from wenming.core.services import token_create
    from wenming.testing.client import call_wsgi, wsgi_environ

    _token, raw = token_create(person=cast.office, name="wsgi")
    body = json.dumps(payload()).encode()
    status, headers, created = call_wsgi(
        wsgi_environ("/api/v1/problems", method="POST", token=raw, body=body)
    )
    assert status == 201, created
    assert headers["Content-Length"] == str(len(created))
    answer = json.loads(created)
    status, _headers, shown = call_wsgi(
        wsgi_environ(f"/api/v1/problems/{answer['code']}", token=raw)
    )
    assert status == 200
    assert json.loads(shown) == answer


# --- times: the 201 (rendered directly) and the GET (validated) write them alike ------------


@pytest.mark.parametrize("microsecond", [0, 1, 456, 999, 1000, 123456, 999999])
def test_a_time_rendered_directly_reads_as_after_validation(microsecond):
    """The 201 and the list render times without validation (`listing.iso`); the GET detail
    validates its dict, which parses those strings again. Both must write the same text: a
    time under a millisecond past the second once read "…:09.000Z" in the 201 and "…:09Z" in
    the GET (the encoder drops the fraction of a whole second, and keeps only milliseconds)."""
    at = datetime(2026, 12, 2, 0, 10, 9, microsecond, tzinfo=UTC)
    direct = listing.iso(at)
    revalidated = listing.iso(TypeAdapter(datetime).validate_python(direct))
    assert direct == revalidated
    assert TypeAdapter(datetime).validate_python(direct) == at.replace(
        microsecond=microsecond // 1000 * 1000
    )


def test_a_report_made_under_a_millisecond_past_the_second_answers_what_get_shows(
    cast, api_as, monkeypatch
):
    """What made test_a_unit_officers_report_… fail about once in a thousand runs."""
    at = datetime(2026, 12, 2, 0, 10, 9, 456, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: at)
    created, read = created_and_read(
        api_as(cast.urban), payload(source="self_found", co_units=["URBAN"])
    )
    assert created["created_at"] == "2026-12-02T00:10:09Z"
    assert_same_answer(created, read)


def test_only_the_office_brings_member_units_in_as_co_units(cast, api_as):
    """A district officer's report named the Education Bureau as co-unit and so put a
    Zhongshan problem into that bureau's ledger."""
    refused = api_as(cast.zhongshan).post(
        "problems", payload(source="self_found", co_units=["EDU"])
    )
    assert refused.status_code == 403 and refused.json()["error"] == "co_units_office_only"
    assert not Problem.objects.exists()
    problem = dispatched(cast, region=cast.zhongshan_district)  # the district passes it down
    dispatch = api_as(cast.zhongshan).post(
        f"problems/{problem.code}/transitions",
        {"action": "dispatch", "region": "210202001", "co_units": ["EDU"]},
    )
    assert dispatch.status_code == 403 and dispatch.json()["error"] == "co_units_office_only"
    assert not problem.co_units.exists()
    assert api_as(cast.office).post("problems", payload(co_units=["EDU"])).status_code == 201


@pytest.mark.parametrize(
    ("place", "error"),
    [
        ({"point": "ZS-MKT-1", "checklist_item": "SCHOOL-02"}, "item_not_on_point"),
        ({"point": "GJZ-MKT-1", "region": "210202001001"}, "point_outside_region"),
    ],
)
def test_a_point_must_agree_with_its_item_and_its_region(cast, place, error):
    """The API took a school's checklist item on a market and a Ganjingzi market reported in
    a Zhongshan community."""
    from wenming.core.errors import InvalidInput
    from wenming.org.models import Region
    from wenming.points.models import Point
    from wenming.standards.models import ChecklistItem
    from wenming.standards.tests.factories import small_system

    small_system()
    point = Point.objects.get(code=place["point"])
    item = ChecklistItem.objects.filter(code=place.get("checklist_item", "")).first()
    region = Region.objects.filter(code=place.get("region", "")).first()
    with pytest.raises(InvalidInput) as refused:
        services.problem_create(
            actor=cast.office,
            title="x",
            category=category(),
            source=Source.HOTLINE,
            point=point,
            checklist_item=item,
            region=region,
        )
    assert refused.value.code == error
    assert not Problem.objects.exists()
