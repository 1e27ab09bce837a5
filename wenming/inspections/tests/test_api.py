"""The inspections API: scoped lists, the phone's calls, replays that change nothing."""

import pytest

from wenming.inspections.models import Visit
from wenming.problems.models import Problem
from wenming.problems.tests.factories import photo


def _answers(visit, fail=()):
    return {
        "answers": [
            {"item": code, "answer": "fail" if code in fail else "pass", "client_id": f"k-{code}"}
            for code in visit.round.system.checklist_items.filter(
                point_type=visit.point_type
            ).values_list("code", flat=True)
        ]
    }


def test_the_phone_does_a_visit_through_the_api(cast, api_as, market_visit):
    api = api_as(cast.inspector)
    mine = api.get("visits", mine=1).json()
    assert market_visit.pk in [v["id"] for v in mine["items"]]
    started = api.post(f"visits/{market_visit.pk}/start", {"lat": 38.9183, "lon": 121.6405})
    assert started.status_code == 200 and started.json()["status"] == "started"
    body = _answers(market_visit, fail=("MARKET-01",))
    put = api.client.put(
        f"/api/v1/visits/{market_visit.pk}/results",
        body,
        content_type="application/json",
        headers=api.headers,
    )
    assert put.status_code == 200 and len(put.json()) == 3
    # Submitting without the failure's photo: 400 naming the item, nothing created.
    refused = api.post(f"visits/{market_visit.pk}/submit")
    assert refused.status_code == 400 and "MARKET-01" in refused.json()["message"]
    sent = api.post_multipart(
        f"visits/{market_visit.pk}/photos",
        {"item": "MARKET-01", "client_id": "ph-1", "file": photo(3)},
    )
    assert sent.status_code == 201
    bad = api.post_multipart(
        f"visits/{market_visit.pk}/photos",
        {"item": "MARKET-01", "client_id": "ph-2", "file": b"GIF89a not really"},
    )
    assert bad.status_code == 400
    done = api.post(f"visits/{market_visit.pk}/submit")
    assert done.status_code == 200 and done.json()["score"] == pytest.approx(61.54)
    again = api.post(f"visits/{market_visit.pk}/submit")
    assert again.json() == done.json()
    assert Problem.objects.filter(point=market_visit.point).count() == 1

    office = api_as(cast.office)
    round_ = office.get(f"rounds/{market_visit.round_id}").json()
    assert round_["by_status"]["submitted"] == 1 and round_["field_score"] == pytest.approx(61.54)
    assert round_["estimate"]["score"] == pytest.approx(61.54)
    assert {s["type"] for s in round_["sample_sizes"]} == {"MARKET"}
    review = office.post(f"visits/{market_visit.pk}/review", {"decision": "approve"})
    assert review.status_code == 200 and review.json()["status"] == "approved"


def test_a_visit_not_yours_is_not_there(cast, api_as, market_visit):
    evaluator = api_as(cast.evaluator)
    assert evaluator.get("visits", mine=1).json()["items"] == []
    assert evaluator.get("visits").json()["items"] == []
    assert evaluator.get(f"visits/{market_visit.pk}").status_code == 404
    assert evaluator.post(f"visits/{market_visit.pk}/start", {}).status_code == 404
    assert evaluator.get("rounds").json()["items"] == []
    assert evaluator.get(f"rounds/{market_visit.round_id}").status_code == 404


def test_a_district_officer_sees_their_subtrees_figures_only(cast, api_as, drawn):
    zs = api_as(cast.zhongshan)
    ids = {v["id"] for v in zs.get("visits").json()["items"]}
    expected = set(
        Visit.objects.filter(
            round=drawn, region__path__startswith=cast.zhongshan_district.path
        ).values_list("id", flat=True)
    )
    assert ids == expected and ids
    detail = zs.get(f"rounds/{drawn.pk}").json()
    assert detail["visits"] == len(expected) and detail["whole_round"] is False
    assert detail["estimate"] is None  # a city-level estimate is the office's


def test_bad_input_is_a_clear_4xx(cast, api_as, market_visit):
    api = api_as(cast.inspector)
    assert api.get("visits", after="x'; drop").status_code == 400
    assert api.post(f"visits/{market_visit.pk}/start", {"lat": 123}).status_code in (400, 422)
    api.post(f"visits/{market_visit.pk}/start", {})
    put = api.client.put(
        f"/api/v1/visits/{market_visit.pk}/results",
        {"answers": [{"item": "NOPE", "answer": "pass"}]},
        content_type="application/json",
        headers=api.headers,
    )
    assert put.status_code == 400 and "NOPE" in put.json()["message"]
