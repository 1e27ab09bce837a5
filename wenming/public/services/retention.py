"""Erasing reporters' personal data once the retention period after closing has passed.

The tick (`wenming tick`) erases, for citizen reports whose problem was closed or rejected
more than `PortalSettings.retention_days` ago, the reporter's name and phone on the ledger
problem, and the GPS position and EXIF of the citizen's own photos: the office's copy (`path`,
which kept camera, time and GPS as evidence) is replaced by the public copy's bytes (the same
picture with no metadata) and the photo row's `lat`/`lon` are cleared. Each erasure is one
audit entry naming the problem and what was erased (never the erased values). Idempotent: an
erased report is not looked at again. A file store that fails leaves that report for the next
tick (nothing is marked erased that was not).

Apps that keep more of a reporter's data beside the report (Open311's contact fields) register
an eraser here from their AppConfig.ready() (`register_personal_data_eraser`), so the portal
does not import them and works without them; each runs in the report's transaction and its
fields join the report's one audit entry.
"""

import logging
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from wenming.core.audit import audit_record
from wenming.problems.models import PhotoKind, Problem, ProblemPhoto, Status

from .. import selectors
from ..models import CitizenReport

BATCH = 500
logger = logging.getLogger(__name__)

# Callables `eraser(*, problem_id) -> list[str]`: blank what the app keeps of the reporter of
# that problem and return the names of the fields erased (for the audit entry; [] if none).
_ERASERS: list = []


def register_personal_data_eraser(eraser) -> None:
    """Called from an AppConfig.ready(): `eraser` also runs for every report erased."""
    if eraser not in _ERASERS:
        _ERASERS.append(eraser)


def _citizen_photos(problem_id) -> list:
    """The citizen's own photos of the report (before-photos no officer uploaded)."""
    return list(
        ProblemPhoto.objects.filter(
            problem_id=problem_id, kind=PhotoKind.BEFORE, uploaded_by__isnull=True
        ).values_list("pk", "path", "public_path")
    )


def _metadata_free_copies(photos) -> dict:
    """{photo id: new office-copy name}: the public copy's bytes stored beside the original.

    Raises when the store fails (the caller leaves the report for the next tick)."""
    written = {}
    try:
        for pk, path, public_path in photos:
            if not path or path == public_path:
                continue
            with default_storage.open(public_path, "rb") as handle:
                data = handle.read()
            stem, _dot, ext = path.rpartition(".")
            written[pk] = default_storage.save(f"{stem}.erased.{ext}", ContentFile(data))
    except Exception:
        for name in written.values():
            default_storage.delete(name)
        raise
    return written


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
    erased = 0
    for report_id, problem_id, code in due:
        photos = _citizen_photos(problem_id)
        try:
            copies = _metadata_free_copies(photos)
        except Exception as exc:  # the store is down: try again at the next tick
            logger.warning("erasing the photos of %s failed: %r", code, exc)
            continue
        old = {pk: path for pk, path, _public in photos if pk in copies}
        with transaction.atomic():
            Problem.objects.filter(pk=problem_id).update(reporter_name="", reporter_phone="")
            fields = ["reporter_name", "reporter_phone"]
            for eraser in _ERASERS:
                fields += eraser(problem_id=problem_id)
            for pk, name in copies.items():
                ProblemPhoto.objects.filter(pk=pk).update(path=name)
            ProblemPhoto.objects.filter(pk__in=[row[0] for row in photos]).update(
                lat=None, lon=None
            )
            updated = CitizenReport.objects.filter(
                pk=report_id, personal_data_erased_at__isnull=True
            ).update(personal_data_erased_at=now)
            if updated:
                erased += 1
                report = CitizenReport(pk=report_id)
                audit_record(
                    action="public.personal_data_erase",
                    target=report,
                    data={
                        "problem": code,
                        "fields": fields,
                        "photos_stripped": len(photos),
                    },
                )
        # The originals go once the rows point at the clean copies (a failed delete only
        # leaves an unreferenced file, which the log names).
        for name in old.values():
            try:
                default_storage.delete(name)
            except Exception as exc:
                logger.warning("could not delete %s: %r", name, exc)
    return erased


def public_tick(*, now) -> dict:
    """The portal's share of `wenming tick`."""
    return {"personal_data_erased": personal_data_erase_due(now=now)}
