"""Long generated documents: made by the worker, their progress shown to the person who asked.

An app registers a kind in its `AppConfig.ready()`:

    register_job("standards.workbook", make_workbook)

    def make_workbook(*, job, out, progress) -> str:   # returns the file name to offer
        progress.total(rows)                           # how much there is to do
        ...write to the binary file `out`, calling progress() per row...

A page starts one with `job_start(owner=…, kind=…, params=…, title=…)` and sends the person to
`/jobs/<id>/`, which shows the bar until the file is ready and then offers it. The request
only writes the Job row and its task (one transaction); the worker runs it (`run_job`), writes
progress at most every `PROGRESS_EVERY_S`, and saves the file through Django's storage API
(local folder or object store). Only the owner sees the page or downloads the file (404 for
anyone else, so a job's existence does not leak). A job whose maker fails ends "failed", with a
message; the error itself goes to the log. Jobs older than `WENMING_JOB_KEEP_DAYS` are removed
with their files by `wenming tick` (`jobs_cleanup_tick`).

Every job is made in the language of the person who asked, the one of the page they asked from
(`job_start` keeps it in the job's parameters, `job_run` makes the file and any failure message
in it): an English user's workbook has English headers, whatever the worker's own language."""

import logging
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from .errors import InvalidInput, NotFound
from .models import Job, JobStatus

logger = logging.getLogger(__name__)

PROGRESS_EVERY_S = 0.5
# The parameter a job keeps its asker's language in (the Job table has no column for it).
LANGUAGE_PARAM = "lang"

JobMaker = Callable[..., str]
_KINDS: dict[str, JobMaker] = {}


def register_job(kind: str, make: JobMaker) -> None:
    """Let `job_start(kind=…)` run `make(*, job, out, progress) -> file name` in the worker."""
    _KINDS[kind] = make


class Progress:
    """What a maker reports: `total(n)` once, then `progress(k)` as it goes (saved now and then)."""

    def __init__(self, job: Job):
        self.job = job
        self._saved_at = 0.0

    def total(self, n: int) -> None:
        self.job.total = max(0, int(n))
        self._save(force=True)

    def __call__(self, n: int = 1) -> None:
        self.job.done += n
        self._save()

    def _save(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._saved_at < PROGRESS_EVERY_S:
            return
        self._saved_at = now
        with transaction.atomic():
            Job.objects.filter(pk=self.job.pk).update(done=self.job.done, total=self.job.total)


def job_start(*, owner, kind: str, params: dict, title: str) -> Job:
    """Record a job for `owner` and queue it for the worker (in one transaction)."""
    if kind not in _KINDS:
        raise InvalidInput(_("Unknown kind of document."), code="job_kind")
    params = {**params, LANGUAGE_PARAM: _asker_language(owner)}
    with transaction.atomic():
        job = Job.objects.create(owner=owner, kind=kind, params=params, title=title[:200])
        # In the same transaction: the task exists exactly when the job does.
        run_job.enqueue(job.pk)
    return job


def _asker_language(owner) -> str:
    """The language the owner is reading as they ask (a request's, from their choice), else the
    one they chose last."""
    return translation.get_language() or getattr(owner, "language", "") or settings.LANGUAGE_CODE


def job_language(job) -> str:
    """The language a job is made in: its asker's (the site's for a job queued before jobs
    kept one)."""
    return job.params.get(LANGUAGE_PARAM) or settings.LANGUAGE_CODE


@task()
def run_job(job_id: int) -> str:
    """The worker's side of a job (see the module docstring)."""
    return job_run(job_id=job_id)


def job_run(*, job_id: int) -> str:
    """Make the job's document; returns its final status (a job not waiting is left alone)."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != JobStatus.QUEUED:
            return "skipped"
        job.status = JobStatus.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at"])
    make = _KINDS.get(job.kind)
    progress = Progress(job)
    try:
        if make is None:
            raise LookupError(f"no job kind {job.kind!r} registered")
        with tempfile.TemporaryFile() as out, translation.override(job_language(job)):
            name = make(job=job, out=out, progress=progress)
            out.seek(0)
            job.result.save(name, File(out), save=False)
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        with translation.override(job_language(job)):
            message = _("The document could not be made. Try again, or tell the office.")
        _finish(job, JobStatus.FAILED, message=message)
        return JobStatus.FAILED
    job.result_name = name
    _finish(job, JobStatus.DONE)
    return JobStatus.DONE


def _finish(job: Job, status: str, *, message: str = "") -> None:
    with transaction.atomic():
        Job.objects.filter(pk=job.pk).update(
            status=status,
            message=message,
            result=job.result.name or "",
            result_name=job.result_name,
            done=job.total if status == JobStatus.DONE else job.done,
            total=job.total,
            finished_at=timezone.now(),
        )


def job_get(*, actor, job_id: int) -> Job:
    """One of the actor's own jobs, or NotFound (another person's job is not there)."""
    job = Job.objects.filter(pk=job_id, owner_id=getattr(actor, "pk", None)).first()
    if job is None:
        raise NotFound(_("No such document."), code="job_not_found")
    return job


# The list shows the latest documents: older ones are cleaned up after WENMING_JOB_KEEP_DAYS.
JOBS_LISTED = 50


def jobs_of(*, actor) -> list[Job]:
    """The actor's own latest documents, newest first (the owner index serves it)."""
    return list(
        Job.objects.filter(owner_id=getattr(actor, "pk", None)).order_by("-created_at", "-pk")[
            :JOBS_LISTED
        ]
    )


# Rows read per round of the clean-up: a week of many exports never loads all at once.
CLEANUP_BATCH = 500


def jobs_cleanup_tick(*, now: datetime) -> dict[str, int]:
    """Remove the jobs made more than `WENMING_JOB_KEEP_DAYS` ago, and their files.

    The file goes first, through the storage API (local folder or object store), then the row:
    if the tick dies between the two, the next one finds the row and finishes (deleting a
    missing file is harmless), so no file is ever left without a row. A job the worker is
    making right now (it waited long for a worker) is left to finish."""
    cutoff = now - timedelta(days=settings.WENMING_JOB_KEEP_DAYS)
    old = Job.objects.filter(created_at__lt=cutoff).exclude(
        Q(status=JobStatus.RUNNING) & Q(started_at__gte=cutoff)
    )
    removed = files = 0
    while batch := list(old.order_by("pk").values_list("pk", "result")[:CLEANUP_BATCH]):
        for _pk, name in batch:
            if name:
                Job.result.field.storage.delete(name)
                files += 1
        removed += Job.objects.filter(pk__in=[pk for pk, _name in batch]).delete()[0]
    return {"jobs_removed": removed, "job_files_removed": files}


jobs_cleanup_tick.tick_name = "jobs"
