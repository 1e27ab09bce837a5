"""The surveys API: scoped lists, public questions and responses, results per district."""

import uuid

from django.test import Client

from wenming.surveys.models import Answer, Response

from .conftest import answers, build_survey


def public_post(path, payload):
    client = Client(REMOTE_ADDR=f"10.9.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}")
    return client.post(f"/api/v1/{path}", payload, content_type="application/json")


def test_surveys_list_is_scoped_and_paged(cast, api_as, standards):
    open_, _q = build_survey(cast.office, code="S-A", standards=standards)
    draft, _q2 = build_survey(cast.office, code="S-B", open_=False, standards=standards)
    page = api_as(cast.office).get("surveys", limit=1).json()
    assert len(page["items"]) == 1 and page["next"]
    rest = api_as(cast.office).get("surveys", limit=1, after=page["next"]).json()
    assert {page["items"][0]["code"], rest["items"][0]["code"]} == {"S-A", "S-B"}
    assert rest["next"] is None
    codes = [s["code"] for s in api_as(cast.zhongshan).get("surveys").json()["items"]]
    assert codes == ["S-A"]
    assert api_as(cast.urban).get("surveys").json()["items"] == []
    assert api_as(None).get("surveys").status_code == 401
    assert api_as(cast.office).get("surveys", after="x").status_code == 400


def test_questions_are_public_while_open(cast, api_as, survey_q):
    survey, q = survey_q
    got = api_as(None).get(f"surveys/{survey.pk}/questions").json()
    kinds = [item["kind"] for item in got["items"]]
    assert kinds == ["single", "rating", "multiple", "text"]
    rating = got["items"][1]
    assert (rating["scale_min"], rating["scale_max"], rating["positive_min"]) == (1, 5, 4)
    assert got["items"][0]["standards"] and got["next"] is None
    draft, _q = build_survey(cast.office, code="S-D", open_=False, standards=[])
    assert api_as(None).get(f"surveys/{draft.pk}/questions").status_code == 404
    assert api_as(cast.zhongshan).get(f"surveys/{draft.pk}/questions").status_code == 404
    assert api_as(cast.office).get(f"surveys/{draft.pk}/questions").status_code == 200


def test_a_public_response(cast, survey_q):
    survey, q = survey_q
    answered = public_post(
        f"surveys/{survey.pk}/responses",
        {"district": "210202", "answers": answers(q, rating=5, multiple=[0])},
    )
    assert answered.status_code == 201, answered.content
    body = answered.json()
    assert body["district"] == "210202"
    assert Response.objects.get(pk=body["id"]).answers.count() == 3


def test_bad_responses_get_a_clear_message_and_write_nothing(cast, survey_q):
    survey, q = survey_q
    cases = [
        (
            {"district": "210202", "answers": [*answers(q), {"question": 987654}]},
            400,
            "unknown_question",
        ),
        (
            {
                "district": "210202",
                "answers": [answers(q)[0], {"question": q["rating"].pk, "value": 7}],
            },
            400,
            "rating_out_of_range",
        ),
        ({"district": "999999", "answers": answers(q)}, 404, "district_not_found"),
        ({"district": "210202", "answers": "nope"}, 400, None),
    ]
    for payload, status, code in cases:
        got = public_post(f"surveys/{survey.pk}/responses", payload)
        assert got.status_code == status, got.content
        body = got.json()
        assert body["message"]
        if code:
            assert body["error"] == code
    assert Response.objects.count() == 0 and Answer.objects.count() == 0
    assert (
        public_post("surveys/987654/responses", {"district": "210202", "answers": []}).status_code
        == 404
    )


def test_results_per_district_are_scoped(cast, api_as, survey_q):
    survey, q = survey_q
    for single in (True, True, False):
        public_post(
            f"surveys/{survey.pk}/responses",
            {"district": "210202", "answers": answers(q, single=single)},
        )
    public_post(
        f"surveys/{survey.pk}/responses", {"district": "210211", "answers": answers(q, rating=1)}
    )
    office = api_as(cast.office).get(f"surveys/{survey.pk}/results").json()
    by = {row["district"]: row for row in office["items"]}
    assert set(by) == {"210202", "210211", None}
    zs = by["210202"]["measures"]["satisfaction"]
    # 2 of 3 single + 3 of 3 ratings of 5: 5 of 6; n = 3.
    assert zs["rate"] == round(5 / 6, 4) and zs["n"] == 3
    assert by[None]["responses"] == 4
    mine = api_as(cast.zhongshan).get(f"surveys/{survey.pk}/results").json()["items"]
    assert [row["district"] for row in mine] == ["210202"]
    assert api_as(cast.urban).get(f"surveys/{survey.pk}/results").status_code == 404
