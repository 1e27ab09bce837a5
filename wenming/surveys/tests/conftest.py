"""A small open survey for the surveys tests: one question of each kind, standards linked."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wenming.standards.models import Standard
from wenming.standards.tests.factories import small_system
from wenming.surveys import services
from wenming.surveys.models import Measure, QuestionKind


def yes_no(positive_first=True):
    return [
        {"text": "满意", "text_en": "Satisfied", "is_positive": True},
        {"text": "不满意", "text_en": "Not satisfied", "is_positive": False},
    ]


def build_survey(office, *, code="S-2026", open_=True, standards=()):
    today = timezone.localdate()
    survey = services.survey_create(
        actor=office,
        code=code,
        title="市民满意度调查",
        title_en="Citizens' satisfaction survey",
        opens_on=today - timedelta(days=30),
        closes_on=today + timedelta(days=30),
    )
    std = list(standards)
    q = {}
    q["single"] = services.question_save(
        actor=office,
        survey=survey,
        kind=QuestionKind.SINGLE,
        text="您对市容环境满意吗?",
        text_en="Are you satisfied with the city's look?",
        measure=Measure.SATISFACTION,
        choices=yes_no(),
        standards=std[:1],
    )
    q["rating"] = services.question_save(
        actor=office,
        survey=survey,
        kind=QuestionKind.RATING,
        text="请为公共秩序打分",
        measure=Measure.SATISFACTION,
        scale_min=1,
        scale_max=5,
        positive_min=4,
        standards=std[1:2],
    )
    q["multiple"] = services.question_save(
        actor=office,
        survey=survey,
        kind=QuestionKind.MULTIPLE,
        text="您知道哪些创建活动?",
        measure=Measure.AWARENESS,
        required=False,
        standards=std[:1],
        choices=[
            {"text": "文明交通", "is_positive": True},
            {"text": "垃圾分类", "is_positive": True},
            {"text": "都不知道", "is_positive": False},
        ],
    )
    q["text"] = services.question_save(
        actor=office,
        survey=survey,
        kind=QuestionKind.TEXT,
        text="您的建议",
        measure=Measure.SATISFACTION,
        required=False,
    )
    if open_:
        services.survey_transition(actor=office, survey=survey, action="open")
        survey.refresh_from_db()
    return survey, q


def answers(q, *, single=True, rating=5, multiple=None, text=""):
    """A full answer list: `single` picks the positive (True) or negative option."""
    options = list(q["single"].choices.all())
    rows = [
        {"question": q["single"].pk, "choice": options[0 if single else 1].pk},
        {"question": q["rating"].pk, "value": rating},
    ]
    if multiple is not None:
        multi = list(q["multiple"].choices.all())
        rows.append({"question": q["multiple"].pk, "choices": [multi[i].pk for i in multiple]})
    if text:
        rows.append({"question": q["text"].pk, "text": text})
    return rows


@pytest.fixture
def system(cast):
    return small_system()


@pytest.fixture
def standards(system):
    return list(Standard.objects.filter(system=system).order_by("code")[:2])


@pytest.fixture
def survey_q(cast, standards):
    return build_survey(cast.office, standards=standards)
