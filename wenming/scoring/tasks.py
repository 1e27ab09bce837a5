"""Background work of the scoring app, run by `wenming worker` (django-tasks).

`snapshot_month` computes a month's snapshot (and publishes it when asked); `scoring_tick`
(run by `wenming tick`) queues it for the month just ended, once: a queued month is noted as
an event, so a tick every few minutes does not queue it again while the worker is busy.
`week_rank` computes and stores an ISO week's ranking (weeks.py, queued by `weeks_tick` and by
a reader of a week not stored yet).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .models import ScoringEvent

QUEUED = "snapshot_queued"


@task()
def snapshot_month(month: str, publish: bool = False) -> dict:
    """Compute (idempotent) and optionally publish the month's snapshot."""
    from .models import SnapshotStatus
    from .services import snapshot_compute, snapshot_publish

    snapshot = snapshot_compute(month=month)
    if publish and snapshot.status == SnapshotStatus.DRAFT:
        snapshot = snapshot_publish(snapshot=snapshot)
    return {"month": month, "version": snapshot.version, "status": snapshot.status}


@task()
def week_rank(week: str) -> dict:
    """Compute the ISO week's ranking ("2026-W45") and store its rows."""
    from .weeks import week_compute, week_parse

    ranking = week_compute(period=week_parse(week))
    return {"week": week, "computed_at": ranking.computed_at.isoformat()}


def month_just_ended(now: datetime) -> str:
    first = timezone.localtime(now).date().replace(day=1)
    return f"{first - timedelta(days=1):%Y-%m}"


def snapshot_queue(*, month: str, actor=None, publish: bool = False) -> bool:
    """Queue the month's snapshot for the worker unless one is queued or made already."""
    from .services import current_snapshot, month_parse

    period = month_parse(month)
    if current_snapshot(period.first) is not None:
        return False
    subject = f"month-{period.label}"
    recent = timezone.now() - timedelta(hours=6)
    with transaction.atomic():
        if ScoringEvent.objects.filter(action=QUEUED, subject=subject, at__gte=recent).exists():
            return False
        ScoringEvent.objects.create(
            actor=actor, action=QUEUED, subject=subject, data={"month": period.label}
        )
        snapshot_month.enqueue(period.label, publish)
    return True


def scoring_tick(*, now: datetime) -> dict:
    """Start the snapshot of the month just ended (once)."""
    return {"queued": int(snapshot_queue(month=month_just_ended(now)))}
