"""Issue 13 across its apps: a request posted through Open311 is an ordinary citizen report
(the office triages it, the portal follows it), and a merged report's Open311 answer follows
the surviving problem as the portal's follow page does."""

import json

import pytest
from django.test import Client

from wenming.open311.keys import api_key_issue
from wenming.problems.models import Problem, Source, Status
from wenming.problems.tests.factories import accepted
from wenming.public import selectors, services
from wenming.public.models import CitizenReport
from wenming.public.testing import HERE

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner_key(cast):
    _key, raw = api_key_issue(actor=cast.office, name="随手拍")
    return raw


def _post_open311(key, category, **extra):
    data = {
        "api_key": key,
        "service_code": category.code,
        "lat": HERE[0],
        "long": HERE[1],
        "description": "公交站旁的垃圾桶满了",
        "first_name": "陈",
        "phone": "13500000000",
        **extra,
    }
    response = Client().post("/open311/v2/requests.json", data)
    assert response.status_code == 200, response.content
    (answer,) = json.loads(response.content)
    return answer["service_request_id"]


def _open311_status(code) -> str:
    response = Client().get(f"/open311/v2/requests/{code}.json")
    assert response.status_code == 200, response.content
    (row,) = json.loads(response.content)
    return row["status"]


def test_an_open311_request_is_triaged_as_a_citizen_report_and_followed_on_the_portal(
    cast, public_cats, partner_key, page_as
):
    code = _post_open311(partner_key, public_cats[0])
    problem = Problem.objects.get(code=code)
    assert problem.source == Source.CITIZEN and problem.status == Status.NEW
    report = CitizenReport.objects.get(problem=problem)
    assert report.channel == "open311"
    # The office's triage queue lists it like any citizen report, with its duplicate check.
    assert report in selectors.triage_queue(actor=cast.office)
    office = page_as(cast.office)
    assert code in office.get("/report/office/").content.decode()
    assert office.get(f"/report/office/{report.pk}/").status_code == 200
    # The portal follows it by its tracking code: status, never the reporter's details.
    page = Client().get(f"/report/t/{report.tracking_code}/")
    html = page.content.decode()
    assert page.status_code == 200 and str(Status.NEW.label) in html
    assert "13500000000" not in html
    # Registered at triage: the portal and Open311 both say so.
    services.citizen_report_register(report=report, actor=cast.office)
    html = Client().get(f"/report/t/{report.tracking_code}/").content.decode()
    assert str(Status.REGISTERED.label) in html
    assert _open311_status(code) == "open"


def test_a_merged_reports_open311_status_is_the_surviving_problems(cast, public_cats, partner_key):
    survivor = accepted(cast)
    assert survivor.is_open
    code = _post_open311(partner_key, public_cats[0])
    report = CitizenReport.objects.get(problem__code=code)
    services.citizen_report_merge(report=report, actor=cast.office, into=survivor)
    # The portal follows the surviving (open) problem...
    followed = selectors.report_follow(report.tracking_code)
    assert followed.surviving.pk == survivor.pk and followed.surviving.is_open
    # ...and Open311 should report the same.
    assert _open311_status(code) == "open"


def test_survey_responses_reach_the_rankings_satisfaction(cast):
    """Issue 13 "done when": survey results reach the scores (the rankings' satisfaction
    component reads `surveys.selectors.satisfaction_by_region`)."""
    import uuid

    from django.utils import timezone

    from wenming.problems.metrics import Period
    from wenming.scoring.models import Component
    from wenming.scoring.sources import collect
    from wenming.surveys import services as surveys
    from wenming.surveys.tests.conftest import answers, build_survey

    survey, q = build_survey(cast.office)
    # Three respondents in Zhongshan: satisfied, satisfied, not (single), all rating 5/5/2.
    for single, rating in ((True, 5), (True, 5), (False, 2)):
        surveys.response_submit(
            survey=survey,
            region_code=cast.zhongshan_district.code,
            answers=answers(q, single=single, rating=rating),
            device=uuid.uuid4().hex,
            address=f"10.9.{uuid.uuid4().int % 250}.1",
        )
    today = timezone.localdate()
    subjects = collect(Period(first=today.replace(day=1), last=today))
    by_region = {s.obj_id: s for s in subjects if s.kind == "region"}
    figure = by_region[cast.zhongshan_district.pk].figures[Component.SATISFACTION]
    # Four positive answers of six satisfaction answers, from three respondents.
    assert round(float(figure.rate), 4) == round(4 / 6, 4) and figure.denominator == 3
    assert Component.SATISFACTION not in by_region[cast.ganjingzi_district.pk].figures


def test_survey_responses_reach_the_predicted_questionnaire_score(cast):
    """The predicted score's questionnaire part reads the survey's rate for a linked standard
    (`surveys.selectors.questionnaire_by_standard`) before any figure the office typed."""
    import uuid

    from wenming.inspections.models import Visit
    from wenming.scoring import prediction
    from wenming.scoring.models import QuestionnaireFigure
    from wenming.standards.models import Standard
    from wenming.standards.tests.factories import small_system
    from wenming.surveys import services as surveys
    from wenming.surveys.tests.conftest import answers, build_survey

    system = small_system()
    standard = Standard.objects.get(system=system, code="1.2.2")
    assert not QuestionnaireFigure.objects.filter(standard=standard).exists()
    survey, q = build_survey(cast.office, standards=[standard])
    for single in (True, True, False):
        surveys.response_submit(
            survey=survey,
            region_code=cast.zhongshan_district.code,
            answers=answers(q, single=single),
            device=uuid.uuid4().hex,
            address=f"10.8.{uuid.uuid4().int % 250}.1",
        )
    lines = {
        line.code: line
        for line in prediction.standard_lines(system=system, visits=Visit.objects.none())
    }
    got = lines["1.2.2"].achievement["questionnaire"]
    assert got.source == "survey" and got.n == 3
    assert round(float(got.rate), 4) == round(2 / 3, 4)
