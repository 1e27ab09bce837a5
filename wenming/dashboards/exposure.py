"""The exposure board (曝光台): the office publishes a problem for the public, with its before
and after photos, and withdraws it. Each publish and withdrawal is an `ExposureEvent` and an
audit entry.

The public sees the exposure's own title and summary (the office writes them; the reporter's
name and phone, the people who handled it and the photos' EXIF never leave the office), the
category, the district, and the photos' public copies, which have no EXIF, XMP or GPS
(core/uploads.py makes them when a photo is stored).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wenming.core.audit import audit_record
from wenming.core.errors import Conflict, InvalidInput, NotFound
from wenming.core.roles import require_office
from wenming.problems.models import PhotoKind, Problem, ProblemPhoto

from .models import Exposure, ExposureEvent, ExposureStatus

PUBLIC_LIMIT = 60


def _photo(problem, kind: str):
    return (
        ProblemPhoto.objects.filter(problem=problem, kind=kind)
        .order_by("-uploaded_at", "-pk")
        .first()
    )


def exposure_publish(
    *, actor, problem_code: str, title: str = "", summary: str = "", note: str = ""
) -> Exposure:
    """Publish (or publish again) a problem on the exposure board (office only)."""
    require_office(actor, _("Only the Civilization Office publishes on the exposure board."))
    title = (title or "").strip()
    if len(title) > 200 or len(summary or "") > 2000:
        raise InvalidInput(_("The title or the summary is too long."), code="exposure_too_long")
    with transaction.atomic():
        problem = Problem.objects.filter(code=(problem_code or "").strip()).first()
        if problem is None:
            raise NotFound(_("No problem has this code."), code="problem_not_found")
        before = _photo(problem, PhotoKind.BEFORE)
        if before is None:
            raise InvalidInput(
                _("A problem is published with its before-photo: this one has none."),
                code="exposure_no_photo",
            )
        exposure = Exposure.objects.select_for_update().filter(problem=problem).first()
        if exposure is not None and exposure.status == ExposureStatus.PUBLISHED:
            raise Conflict(
                _("This problem is already on the exposure board."), code="exposure_published"
            )
        if exposure is None:
            exposure = Exposure(problem=problem, is_demo=problem.is_demo)
        exposure.title = title or problem.title
        exposure.summary = summary or ""
        exposure.status = ExposureStatus.PUBLISHED
        exposure.before_photo = before
        exposure.after_photo = _photo(problem, PhotoKind.AFTER)
        exposure.published_at = timezone.now()
        exposure.withdrawn_at = None
        exposure.save()
        ExposureEvent.objects.create(exposure=exposure, action="publish", actor=actor, note=note)
        audit_record(
            action="exposure.publish",
            actor=actor,
            target=exposure,
            data={"problem": problem.code, "title": exposure.title},
        )
    return exposure


def exposure_withdraw(*, actor, exposure_id: int, note: str = "") -> Exposure:
    """Take a problem off the exposure board (office only); the reason is kept."""
    require_office(actor, _("Only the Civilization Office withdraws from the exposure board."))
    note = (note or "").strip()
    if not note:
        raise InvalidInput(_("Say why the problem is withdrawn."), code="exposure_note_required")
    with transaction.atomic():
        exposure = Exposure.objects.select_for_update().filter(pk=exposure_id).first()
        if exposure is None:
            raise NotFound(code="exposure_not_found")
        if exposure.status != ExposureStatus.PUBLISHED:
            raise Conflict(
                _("This problem is not on the exposure board."), code="exposure_withdrawn"
            )
        exposure.status = ExposureStatus.WITHDRAWN
        exposure.withdrawn_at = timezone.now()
        exposure.save(update_fields=["status", "withdrawn_at"])
        ExposureEvent.objects.create(exposure=exposure, action="withdraw", actor=actor, note=note)
        audit_record(
            action="exposure.withdraw",
            actor=actor,
            target=exposure,
            data={"problem": exposure.problem.code, "note": note},
        )
    return exposure


def exposures_public():
    """What the public board shows: published exposures, newest first."""
    return list(
        Exposure.objects.filter(status=ExposureStatus.PUBLISHED)
        .select_related("problem__category", "problem__district")
        .order_by("-published_at", "-pk")[:PUBLIC_LIMIT]
    )


def public_photo_path(*, exposure_id: int, which: str) -> str:
    """The stored name of a published exposure's photo copy without EXIF (404 otherwise)."""
    exposure = (
        Exposure.objects.filter(pk=exposure_id, status=ExposureStatus.PUBLISHED)
        .select_related("before_photo", "after_photo")
        .first()
    )
    photo = None
    if exposure is not None and which in ("before", "after"):
        photo = exposure.before_photo if which == "before" else exposure.after_photo
    if photo is None or not photo.public_path:
        raise NotFound(code="photo_not_found")
    return photo.public_path
