"""The dashboards' share of the demo city (run last): the aggregates counted from the demo
ledger, two problems on the exposure board, and one generated monthly briefing."""

import time
from datetime import timedelta

from django.utils import timezone

from wenming.core.jobs import job_run
from wenming.core.models import Job
from wenming.org.models import Person
from wenming.problems.models import PhotoKind, Problem, ProblemPhoto

from . import briefing, exposure
from .aggregates import aggregates_rebuild
from .models import Exposure


def _say(stdout, text):
    if stdout is not None:
        stdout.write(text)


def load(*, scale: str = "small", stdout=None) -> None:
    started = time.monotonic()
    facts = aggregates_rebuild()
    _say(stdout, f"dashboards: aggregates of {facts} problems counted")
    office = Person.objects.filter(username="office").first()
    if office is None:
        return
    if not Exposure.objects.filter(is_demo=True).exists():
        with_before = ProblemPhoto.objects.filter(kind=PhotoKind.BEFORE, problem__is_demo=True)
        fixed = with_before.filter(problem__photos__kind=PhotoKind.AFTER)
        codes = list(
            Problem.objects.filter(pk__in=fixed.values("problem_id")[:2]).values_list(
                "code", flat=True
            )
        )
        for code in codes:
            exposure.exposure_publish(actor=office, problem_code=code, summary="示范：整改前后对比")
    # One briefing of the month just ended, made as the worker makes it.
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    if not Job.objects.filter(kind=briefing.DOCX, owner=office).exists():
        job = briefing.briefing_start(actor=office, month=f"{last_month:%Y-%m}", kind="docx")
        job_run(job_id=job.pk)
    _say(stdout, f"dashboards: demo in {time.monotonic() - started:.1f} s")


__all__ = ["load"]
