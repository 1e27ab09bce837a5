"""The demo surveys: a completed survey with about 5,000 responses over the districts whose
rates differ by district, linked to the demo system's questionnaire lines; an open one."""

import pytest

from wenming.org.models import Region, RegionLevel
from wenming.surveys import demo, selectors
from wenming.surveys.models import Answer, QuestionKind, Response, Survey, SurveyStatus


@pytest.fixture
def demo_city(db):
    from wenming.org import demo as org_demo
    from wenming.standards import demo as standards_demo

    org_demo.load(scale="small")
    standards_demo.load(scale="small")
    demo.load(scale="small")


def test_the_demo_survey_is_complete_and_reaches_the_scores(demo_city):
    done = Survey.objects.get(code=demo.DONE_CODE)
    assert done.status == SurveyStatus.CLOSED and done.is_demo
    assert Response.objects.filter(survey=done).count() == 5000
    kinds = set(done.questions.values_list("kind", flat=True))
    assert kinds == set(QuestionKind.values)
    assert done.questions.filter(standards__isnull=False).exists()
    districts = list(Region.objects.filter(level=RegionLevel.DISTRICT))
    assert done.quotas.count() == len(districts)
    # Every answer lies in the survey's window, under its response's district and day.
    assert not Answer.objects.exclude(submitted_on__range=(done.opens_on, done.closes_on)).exists()
    rates = selectors.satisfaction_by_region(start=done.opens_on, end=done.closes_on)
    city = selectors.city_root()
    assert city.pk in rates and rates[city.pk]["n"] == 5000
    per_district = [rates[d.pk]["rate"] for d in districts]
    assert len(per_district) == len(districts)
    assert 0.55 < min(per_district) < max(per_district) < 0.97
    assert max(per_district) - min(per_district) > 0.05  # the districts differ
    assert all(0 < rates[d.pk]["margin"] < 0.1 for d in districts)
    by_standard = selectors.questionnaire_by_standard(start=done.opens_on, end=done.closes_on)
    assert by_standard and all(0 < v["rate"] < 1 for v in by_standard.values())
    pulse = Survey.objects.get(code=demo.OPEN_CODE)
    assert pulse.status == SurveyStatus.OPEN


def test_the_demo_loads_once_and_resets(demo_city):
    demo.load(scale="small")
    assert Survey.objects.filter(is_demo=True).count() == 2
    demo.reset()
    assert not Survey.objects.exists() and not Answer.objects.exists()
