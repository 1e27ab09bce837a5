"""What the last check of the audit chain found, kept for the activity page, and the check as a job.

`wenming audit verify` and `wenming audit anchor` (cron) record their outcome here; the page
reads the latest of each and never recomputes the chain inside a request (at millions of
entries a verify takes minutes). When no verification is recorded, the office may ask the
worker for one (`audit_verify_start`), which shows its progress like any other job.
"""

import threading

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import Anchor, AuditVerdict, audit_verify
from .jobs import job_start
from .models import AuditCheck, AuditCheckKind, Job, JobStatus
from .roles import require_office

JOB_KIND = "core.audit_verify"


def audit_check_record_verify(*, verdict: AuditVerdict, via: str = "command", actor=None):
    """Keep the outcome of one verification (the chain itself is not written to)."""
    return AuditCheck.objects.create(
        kind=AuditCheckKind.VERIFY,
        ok=verdict.ok,
        key_mismatch=verdict.key_mismatch,
        checked=verdict.checked,
        broken_seq=verdict.broken_seq,
        reason=(verdict.reason or "")[:300],
        anchors_checked=verdict.anchors_checked,
        via=via,
        actor=actor if getattr(actor, "pk", None) else None,
    )


def audit_check_record_anchor(*, anchor: Anchor, via: str = "command", actor=None):
    """Keep the head that an anchor copied outside the database."""
    return AuditCheck.objects.create(
        kind=AuditCheckKind.ANCHOR,
        ok=True,
        checked=anchor.seq,
        anchor_hash=anchor.hash,
        via=via,
        actor=actor if getattr(actor, "pk", None) else None,
    )


def audit_checks_latest() -> dict:
    """{"verify": AuditCheck | None, "anchor": AuditCheck | None, "job": running Job | None}."""
    latest = {
        kind: AuditCheck.objects.filter(kind=kind).order_by("-finished_at", "-id").first()
        for kind in AuditCheckKind.values
    }
    # A verification someone asked for and the worker has not finished (whoever asked).
    latest["job"] = (
        Job.objects.filter(kind=JOB_KIND, status__in=(JobStatus.QUEUED, JobStatus.RUNNING))
        .order_by("-created_at")
        .first()
    )
    return latest


def audit_verify_start(*, actor) -> Job:
    """Queue a full verification for the worker (the office only); one at a time."""
    require_office(actor, _("Only the Civilization Office may verify the audit log."))
    with transaction.atomic():
        running = audit_checks_latest()["job"]
        if running is not None:
            return running
        return job_start(
            owner=actor,
            kind=JOB_KIND,
            params={},
            title=_("Audit log verification"),
        )


class _ProgressAside:
    """A job's progress written through another connection, from a short-lived thread.

    The check reads one snapshot (audit._snapshot: a read-only transaction on PostgreSQL, a
    deferred read on SQLite) that an UPDATE of the job row must not enter: PostgreSQL would
    refuse it and SQLite would roll it back with the snapshot. A thread has its own connection.
    """

    def __init__(self, progress):
        self.progress = progress

    def total(self, n: int) -> None:
        self._aside(self.progress.total, n)

    def __call__(self, n: int = 1) -> None:
        self._aside(self.progress, n)

    @staticmethod
    def _aside(write, n: int) -> None:
        failed = []

        def run():
            try:
                write(n)
            except Exception as exc:  # raised again below, in the check's own thread
                failed.append(exc)
            finally:
                connection.close()  # this thread's own connection

        thread = threading.Thread(target=run)
        thread.start()
        thread.join()
        if failed:
            raise failed[0]


def make_verify_report(*, job, out, progress) -> str:
    """The worker's side: verify the whole chain, record the outcome, offer a short report."""
    # Inside a caller's transaction (a test) that transaction is the snapshot and may write.
    verdict = audit_verify(
        progress=progress if connection.in_atomic_block else _ProgressAside(progress)
    )
    check = audit_check_record_verify(verdict=verdict, via="worker", actor=job.owner)
    lines = [
        f"audit verify at {timezone.localtime(check.finished_at).isoformat(timespec='seconds')}",
        f"ok: {verdict.ok}",
        f"entries verified: {verdict.checked}",
    ]
    if verdict.key_mismatch:
        lines.append("KEY MISMATCH: the configured key is not the key this log is written with")
    elif not verdict.ok:
        lines.append(f"broken at entry #{verdict.broken_seq}: {verdict.reason}")
    out.write(("\n".join(lines) + "\n").encode("utf-8"))
    return f"audit-verify-{timezone.localdate():%Y%m%d}.txt"
