"""The office's writes and the citizens' responses: what is refused writes nothing."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from wenming.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from wenming.surveys import services
from wenming.surveys.models import (
    Answer,
    Measure,
    QuestionKind,
    Response,
    Survey,
    SurveyEvent,
    SurveyStatus,
)

from .conftest import answers, build_survey, yes_no


def address():
    return f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"


def submit(survey, district, rows, **kwargs):
    return services.response_submit(
        survey=survey, region_code=district.code, answers=rows, **kwargs
    )


def test_a_response_and_its_answers(cast, survey_q):
    survey, q = survey_q
    response = submit(
        survey,
        cast.zhongshan_district,
        answers(q, single=False, rating=4, multiple=[1, 2], text="好"),
    )
    rows = {a.question_id: a for a in response.answers.all()}
    assert rows[q["single"].pk].positive is False
    assert rows[q["rating"].pk].value == 4 and rows[q["rating"].pk].positive is True
    assert rows[q["multiple"].pk].positive is True  # a positive option among those ticked
    assert rows[q["text"].pk].positive is None and rows[q["text"].pk].text == "好"
    assert {a.region_id for a in rows.values()} == {cast.zhongshan_district.pk}
    assert response.submitted_on == timezone.localdate()


def refused(survey, district, rows, error, **kwargs):
    before = (Response.objects.count(), Answer.objects.count())
    with pytest.raises(error) as caught:
        submit(survey, district, rows, **kwargs)
    assert (Response.objects.count(), Answer.objects.count()) == before
    return caught.value


def test_an_answer_to_an_unknown_question_is_refused(cast, survey_q):
    survey, q = survey_q
    other, q2 = build_survey(cast.office, code="S-2", standards=[])
    rows = [*answers(q), {"question": q2["single"].pk, "choice": q2["single"].choices.first().pk}]
    exc = refused(survey, cast.zhongshan_district, rows, InvalidInput)
    assert exc.code == "unknown_question"
    assert str(q2["single"].pk) in str(exc.message)
    exc = refused(
        survey, cast.zhongshan_district, [*answers(q), {"question": 999999}], InvalidInput
    )
    assert exc.code == "unknown_question"


@pytest.mark.parametrize("value", [0, 6, -1, 100, "x", None, True])
def test_a_rating_out_of_range_is_refused(cast, survey_q, value):
    survey, q = survey_q
    rows = answers(q)
    rows[1] = {"question": q["rating"].pk, "value": value}
    exc = refused(survey, cast.zhongshan_district, rows, InvalidInput)
    if value is None:
        assert exc.code == "missing_answer"  # a blank rating of a required question
    else:
        assert exc.code in ("rating_out_of_range", "bad_answer")
        assert "1" in str(exc.message) and "5" in str(exc.message)


def test_other_bad_answers_are_refused(cast, survey_q):
    survey, q = survey_q
    zs = cast.zhongshan_district
    foreign = q["multiple"].choices.first().pk  # an option of another question
    bad = answers(q)
    bad[0] = {"question": q["single"].pk, "choice": foreign}
    assert refused(survey, zs, bad, InvalidInput).code == "bad_choice"
    bad = [*answers(q), {"question": q["multiple"].pk, "choices": [q["single"].choices.first().pk]}]
    assert refused(survey, zs, bad, InvalidInput).code == "bad_choice"
    assert refused(survey, zs, [answers(q)[0]], InvalidInput).code == "missing_answer"
    twice = [*answers(q), answers(q)[0]]
    assert refused(survey, zs, twice, InvalidInput).code == "duplicate_answer"
    long_text = [*answers(q), {"question": q["text"].pk, "text": "字" * 2001}]
    assert refused(survey, zs, long_text, InvalidInput).code == "text_too_long"
    assert refused(survey, cast.zhongshan_street, answers(q), NotFound).code == "district_not_found"


def test_a_closed_or_draft_survey_takes_no_answer(cast, survey_q, standards):
    survey, q = survey_q
    services.survey_transition(actor=cast.office, survey=survey, action="close")
    survey.refresh_from_db()
    assert refused(survey, cast.zhongshan_district, answers(q), Conflict).code == "survey_closed"
    draft, dq = build_survey(cast.office, code="S-D", open_=False, standards=standards)
    assert refused(draft, cast.zhongshan_district, answers(dq), Conflict).code == "survey_closed"


def test_one_response_per_device(cast, survey_q):
    survey, q = survey_q
    submit(survey, cast.zhongshan_district, answers(q), device="phone-1")
    exc = refused(survey, cast.zhongshan_district, answers(q), Conflict, device="phone-1")
    assert exc.code == "already_answered"
    submit(survey, cast.zhongshan_district, answers(q), device="phone-2")
    assert Response.objects.filter(survey=survey).exclude(device="").count() == 2
    assert "phone-1" not in set(Response.objects.values_list("device", flat=True))


def test_the_hourly_limit_per_address(cast, survey_q):
    survey, q = survey_q
    survey.per_address_hourly = 2
    survey.save()
    here, there = address(), address()
    submit(survey, cast.zhongshan_district, answers(q), address=here)
    # A refused answer costs the address nothing.
    refused(survey, cast.zhongshan_district, answers(q, rating=9), InvalidInput, address=here)
    submit(survey, cast.zhongshan_district, answers(q), address=here)
    exc = refused(survey, cast.zhongshan_district, answers(q), services.RateLimited, address=here)
    assert exc.status == 429
    submit(survey, cast.zhongshan_district, answers(q), address=there)
    # The next hour starts afresh.
    later = timezone.now() + timedelta(hours=1)
    submit(survey, cast.zhongshan_district, answers(q), address=here, now=later)


def test_only_the_office_edits(cast, survey_q):
    survey, _q = survey_q
    for persona in (cast.zhongshan, cast.leader, cast.urban):
        with pytest.raises(NotAllowed):
            services.survey_transition(actor=persona, survey=survey, action="close")
        with pytest.raises(NotAllowed):
            services.quotas_set(actor=persona, survey=survey, targets={})


def test_the_survey_lifecycle(cast, standards):
    survey = services.survey_create(
        actor=cast.office,
        code="S-L",
        title="调查",
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate(),
    )
    with pytest.raises(Conflict):  # no question yet
        services.survey_transition(actor=cast.office, survey=survey, action="open")
    services.question_save(
        actor=cast.office,
        survey=survey,
        kind=QuestionKind.SINGLE,
        text="满意吗",
        measure=Measure.SATISFACTION,
        choices=yes_no(),
    )
    for action, status in (("open", "open"), ("close", "closed"), ("reopen", "open")):
        survey = services.survey_transition(actor=cast.office, survey=survey, action=action)
        assert survey.status == status
    with pytest.raises(Conflict):
        services.survey_transition(actor=cast.office, survey=survey, action="open")
    with pytest.raises(Conflict):  # questions are fixed once answers may come
        services.question_save(
            actor=cast.office,
            survey=survey,
            kind=QuestionKind.TEXT,
            text="建议",
            measure=Measure.SATISFACTION,
        )
    actions = list(SurveyEvent.objects.filter(survey=survey).values_list("action", flat=True))
    assert actions == ["created", "question_added", "open", "close", "reopen"]
    assert Survey.objects.get(pk=survey.pk).status == SurveyStatus.OPEN


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (
            {"kind": QuestionKind.SINGLE, "choices": [{"text": "是", "is_positive": True}]},
            "two options",
        ),
        ({"kind": QuestionKind.SINGLE, "choices": [{"text": "是"}, {"text": "否"}]}, "positive"),
        ({"kind": QuestionKind.RATING, "scale_min": 5, "scale_max": 1}, "scale"),
        ({"kind": QuestionKind.RATING, "scale_min": 0, "scale_max": 20}, "scale"),
        ({"kind": QuestionKind.RATING, "positive_min": 9}, "positive"),
        ({"kind": QuestionKind.TEXT, "measure": "happiness"}, "measure"),
        ({"kind": "essay"}, "kind"),
    ],
)
def test_bad_questions_are_refused(cast, kwargs, message):
    survey = services.survey_create(
        actor=cast.office,
        code="S-Q",
        title="调查",
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate(),
    )
    args = {"measure": Measure.SATISFACTION, "text": "问题", **kwargs}
    with translation.override("en"), pytest.raises(InvalidInput) as caught:
        services.question_save(actor=cast.office, survey=survey, **args)
    assert message in str(caught.value.message)
    assert not survey.questions.exists()


def test_quotas_are_per_district(cast, survey_q):
    survey, _q = survey_q
    with pytest.raises(InvalidInput):
        services.quotas_set(
            actor=cast.office, survey=survey, targets={cast.zhongshan_street.pk: 10}
        )
    services.quotas_set(
        actor=cast.office,
        survey=survey,
        targets={cast.zhongshan_district.pk: 10, cast.ganjingzi_district.pk: 5},
    )
    services.quotas_set(actor=cast.office, survey=survey, targets={cast.ganjingzi_district.pk: 0})
    assert dict(survey.quotas.values_list("region__code", "target")) == {"210202": 10}


def test_a_window_that_ends_before_it_starts_is_refused(cast):
    today = timezone.localdate()
    with pytest.raises(InvalidInput):
        services.survey_create(
            actor=cast.office,
            code="S-W",
            title="调查",
            opens_on=today,
            closes_on=today - timedelta(days=1),
        )
