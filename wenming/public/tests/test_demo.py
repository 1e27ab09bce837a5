"""The portal's demo: citizen reports among the demo problems, some rated, some to triage."""

import pytest

from wenming.problems.models import Status
from wenming.public import demo, selectors
from wenming.public.models import CitizenReport, Rating
from wenming.public.testing import ensure_public_categories

pytestmark = pytest.mark.django_db


def test_demo_reports_are_rated_and_triageable(cast, settings):
    from wenming.problems.tests.factories import dispatched, report

    ensure_public_categories()
    citizen = [report(cast.office, region=cast.zhongshan_community) for _ in range(3)]
    from wenming.problems.models import Problem

    Problem.objects.filter(pk__in=[p.pk for p in citizen]).update(is_demo=True)
    dispatched(cast)
    demo.load(scale="small")
    assert CitizenReport.objects.filter(problem__in=citizen).count() == 3
    assert CitizenReport.objects.filter(problem__status=Status.NEW).count() >= demo.FRESH
    assert len(selectors.triage_queue(actor=cast.office)) >= demo.FRESH
    assert all(r.is_demo for r in CitizenReport.objects.all())
    demo.load(scale="small")  # a second run adds nothing
    assert CitizenReport.objects.filter(problem__in=citizen).count() == 3
    demo.reset()
    assert not CitizenReport.objects.exists()
    assert Rating.SATISFIED  # the choices the demo writes exist
