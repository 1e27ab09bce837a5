"""The creation API: scoped lists with cursors, applying, the moves, the refusals' statuses."""

import pytest

from wenming.creation.models import Application, Entry

from .conftest import FULL

pytestmark = pytest.mark.django_db


def apply_body(**extra):
    return {
        "type": "VILLAGE",
        "region": "210202009001",
        "year": 2026,
        "level": "county",
        "self_assessment": FULL,
        **extra,
    }


def test_types_list_the_schemes_criteria(cast, api_as, village_type, family_type):
    body = api_as(cast.zhongshan).get("creation/types").json()
    assert body["next"] is None
    village = next(t for t in body["items"] if t["code"] == "VILLAGE")
    assert village["scheme"] == "CR-VILLAGE" and len(village["criteria"]) == 3
    assert village["levels"] == ["county", "municipal", "provincial", "national"]


def test_a_village_applies_and_the_district_reviews_through_the_api(
    cast, api_as, village_type, villages, village_officer
):
    created = api_as(village_officer).post("creation/applications", apply_body())
    assert created.status_code == 201, created.content
    app = created.json()
    assert app["status"] == "submitted" and app["reviewer_region"] == "210202"
    assert app["self_score"] == 91 and app["actions"] == ["withdraw"]
    # Equal to what a GET of the list says about the entry.
    entries = api_as(village_officer).get("creation/entries", type="VILLAGE").json()["items"]
    assert [e["id"] for e in entries] == [app["entry"]] and entries[0]["stage"] == "submitted"
    moved = api_as(cast.zhongshan).post(
        f"creation/applications/{app['id']}/transitions",
        {"action": "region_pass", "score": 88, "note": "同意推荐"},
    )
    assert moved.status_code == 200 and moved.json()["status"] == "region_passed"
    assert moved.json()["region_score"] == 88


def test_bad_input_statuses(cast, api_as, village_type, villages, village_officer, town_officer):
    # Outside the applicant's scope: 404 (a Ganjingzi officer names a Zhongshan village).
    outside = api_as(cast.ganjingzi).post("creation/applications", apply_body())
    assert outside.status_code == 404
    app = api_as(village_officer).post("creation/applications", apply_body()).json()
    # A second application for the same entity, type and year: 409.
    again = api_as(village_officer).post("creation/applications", apply_body())
    assert again.status_code == 409 and again.json()["error"] == "duplicate_application"
    # A review by the wrong level (the town above the village): 403.
    wrong = api_as(town_officer).post(
        f"creation/applications/{app['id']}/transitions", {"action": "region_pass", "score": 80}
    )
    assert wrong.status_code == 403 and wrong.json()["error"] == "wrong_review_level"
    # Another district does not see it at all: 404.
    hidden = api_as(cast.ganjingzi).post(
        f"creation/applications/{app['id']}/transitions", {"action": "region_pass", "score": 80}
    )
    assert hidden.status_code == 404
    api_as(cast.zhongshan).post(
        f"creation/applications/{app['id']}/transitions", {"action": "region_pass", "score": 80}
    )
    api_as(cast.office).post(
        f"creation/applications/{app['id']}/transitions", {"action": "office_pass", "score": 85}
    )
    # Approving during the notice period: 409 with the reason.
    early = api_as(cast.office).post(
        f"creation/applications/{app['id']}/transitions", {"action": "approve"}
    )
    assert early.status_code == 409 and early.json()["error"] == "notice_period"
    assert "notice" in early.json()["message"] or "公示" in early.json()["message"]
    assert Application.objects.get(pk=app["id"]).status == "notice"
    unknown = api_as(cast.office).post(
        f"creation/applications/{app['id']}/transitions", {"action": "teleport"}
    )
    assert unknown.status_code == 400


def test_entries_are_scoped_and_paged_by_cursor(cast, api_as, village_type, villages):
    from wenming.creation import services

    for key in ("a", "b", "c"):
        services.entry_register(actor=cast.office, type=village_type, region=villages[key])
    zs = api_as(cast.zhongshan).get("creation/entries", type="VILLAGE").json()
    assert {e["region"] for e in zs["items"]} == {"210202009001", "210202009002"}
    gjz = api_as(cast.ganjingzi).get("creation/entries", type="VILLAGE").json()
    assert [e["region"] for e in gjz["items"]] == ["210211009001"]
    first = api_as(cast.office).get("creation/entries", type="VILLAGE", limit=2).json()
    assert len(first["items"]) == 2 and first["next"]
    rest = (
        api_as(cast.office)
        .get("creation/entries", type="VILLAGE", limit=2, after=first["next"])
        .json()
    )
    assert len(rest["items"]) == 1 and rest["next"] is None
    by_region = api_as(cast.office).get("creation/entries", region="210211").json()
    assert [e["region"] for e in by_region["items"]] == ["210211009001"]
    none = api_as(cast.office).get("creation/entries", status="honoured").json()
    assert none["items"] == []
    assert api_as(cast.office).get("creation/entries", status="bogus").status_code == 400
    assert Entry.objects.count() == 3


def test_coverage_api_is_scoped(cast, api_as, village_type, villages):
    office = api_as(cast.office).get("creation/coverage", type="VILLAGE").json()
    assert {r["district"] for r in office["items"]} == {"210202", "210211"}
    zs = api_as(cast.zhongshan).get("creation/coverage", type="VILLAGE").json()
    assert [r["district"] for r in zs["items"]] == ["210202"]
    assert zs["items"][0]["population"] == 2
    assert api_as(cast.zhongshan).get("creation/coverage", type="NOPE").status_code == 404
