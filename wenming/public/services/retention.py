"""Erasing reporters' personal data once the retention period after closing has passed.

The tick (`wenming tick`) erases, for citizen reports whose problem was closed or rejected
more than `PortalSettings.retention_days` ago, the reporter's name and phone on the ledger
problem, and marks the report; each erasure is one audit entry naming the problem (never the
erased values). Idempotent: an erased report is not looked at again.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from wenming.core.audit import audit_record
from wenming.problems.models import Problem, Status

from .. import selectors
from ..models import CitizenReport

BATCH = 500


def personal_data_erase_due(*, now=None, limit: int = BATCH) -> int:
    """Erase the personal data of reports past retention; return how many were erased."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=selectors.portal_settings().retention_days)
    due = list(
        CitizenReport.objects.filter(personal_data_erased_at__isnull=True)
        .filter(
            Q(problem__status=Status.CLOSED, problem__closed_at__lt=cutoff)
            | Q(problem__status=Status.REJECTED, problem__rejected_at__lt=cutoff)
        )
        .values_list("pk", "problem_id", "problem__code")[:limit]
    )
    for report_id, problem_id, code in due:
        with transaction.atomic():
            Problem.objects.filter(pk=problem_id).update(reporter_name="", reporter_phone="")
            updated = CitizenReport.objects.filter(
                pk=report_id, personal_data_erased_at__isnull=True
            ).update(personal_data_erased_at=now)
            if updated:
                report = CitizenReport(pk=report_id)
                audit_record(
                    action="public.personal_data_erase",
                    target=report,
                    data={"problem": code, "fields": ["reporter_name", "reporter_phone"]},
                )
    return len(due)


def public_tick(*, now) -> dict:
    """The portal's share of `wenming tick`."""
    return {"personal_data_erased": personal_data_erase_due(now=now)}
