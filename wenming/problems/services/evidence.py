"""Evidence photos: before-photos at report, after-photos at rectification, integrity checks.

The checks on every after-photo (issue 4, item 6), shown to the verifier and counted per unit:
- taken (EXIF time) before the problem was dispatched to its current handler;
- taken more than `far_photo_m` metres (default 200) from the problem's location (EXIF GPS);
- a near-copy (perceptual hash within `near_copy_distance` bits) of another problem's photo;
- a near-copy of this problem's own before-photo (nothing was fixed);
- no metadata: no camera time or no GPS, so neither check above could be made (a screenshot,
  a picture sent through a chat app that strips EXIF, an edited copy).

Files are encoded (at validation) and stored before the write transaction begins: the store
may be remote (S3), and SQLite's one writer would wait for it. Stored files the transaction
did not record (it rolled back, or failed) are deleted afterwards (`photos_kept_if_recorded`).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wenming.core.errors import DomainError, InvalidInput, NotAllowed
from wenming.core.uploads import (
    haversine_m,
    phash_distance,
    store_image,
    stored_files_kept_if,
    stored_image_delete,
    validate_image,
)
from wenming.org.roles import is_office

from ..lifecycle import is_handler
from ..models import EventKind, PhotoKind, Problem, ProblemPhoto, Status
from ._common import OPEN_FOR_BEFORE_PHOTOS, conflict, ledger_config, lock_problem, record_event

AFTER_PHOTO_STATUSES = (Status.DISPATCHED, Status.IN_PROGRESS)
CLOCK_TOLERANCE = timedelta(minutes=2)
# Photos on one report (before-photos of a problem) and on one rectification (after-photos of
# one round): more is refused with 400, never cut off silently.
MAX_PHOTOS = 6
# The near-copy check reads at most this many candidates per band match, newest first: a
# rectification is most likely copied from a recent one.
NEAR_COPY_CANDIDATES = 500


def phash_bands(phash: str) -> tuple[int, int, int, int]:
    """The four 16-bit bands of a 64-bit perceptual hash (bulk loaders fill ph0..ph3 with it)."""
    value = int(phash, 16) if phash else 0
    value &= (1 << 64) - 1
    return tuple((value >> shift) & 0xFFFF for shift in (48, 32, 16, 0))


def _near_copies(phash: str, *, limit: int, exclude_problem: int):
    """Photos of other problems whose hash is within `limit` bits of `phash`."""
    bands = phash_bands(phash)
    candidates = (
        ProblemPhoto.objects.filter(
            Q(ph0=bands[0]) | Q(ph1=bands[1]) | Q(ph2=bands[2]) | Q(ph3=bands[3])
        )
        .exclude(problem_id=exclude_problem)
        .only("pk", "phash", "problem_id")
        .order_by("-pk")[:NEAR_COPY_CANDIDATES]
    )
    return [c for c in candidates if phash_distance(c.phash, phash) <= limit]


def integrity_flags(problem: Problem, info, config=None) -> dict:
    """The integrity verdict on an after-photo of `problem` with image `info`."""
    config = config or ledger_config()
    flags = {
        "flag_before_dispatch": False,
        "flag_far": False,
        "flag_copy_other": False,
        "flag_copy_before": False,
        "distance_m": None,
        "copy_of": None,
        # Not a column: the row's empty taken_at or lat says it (ProblemPhoto.flags).
        "no_metadata": info.taken_at is None or info.lat is None,
    }
    # EXIF times have whole seconds and phone clocks drift a little: allow two minutes.
    if (
        info.taken_at
        and problem.dispatched_at
        and (info.taken_at < problem.dispatched_at - CLOCK_TOLERANCE)
    ):
        flags["flag_before_dispatch"] = True
    if info.lat is not None and problem.lat is not None:
        distance = haversine_m(problem.lat, problem.lon, info.lat, info.lon)
        flags["distance_m"] = round(distance, 1)
        flags["flag_far"] = distance > config.far_photo_m
    limit = config.near_copy_distance
    befores = problem.photos.filter(kind=PhotoKind.BEFORE).only("phash")
    flags["flag_copy_before"] = any(phash_distance(b.phash, info.phash) <= limit for b in befores)
    copies = _near_copies(info.phash, limit=limit, exclude_problem=problem.pk)
    if copies:
        flags["flag_copy_other"] = True
        flags["copy_of"] = copies[0]
    return flags


def photo_folder(problem: Problem) -> str:
    return f"problems/{problem.code_year}/{problem.code}"


def report_photo_folder() -> str:
    """Where a new report's photos go: they are stored before its code is allocated."""
    return f"problems/{timezone.localdate().year}/reports"


def photos_store(validated_photos, *, folder: str) -> list:
    """Store each photo's files (before any transaction); none is left behind if one fails."""
    validated_photos = list(validated_photos or ())
    if len(validated_photos) > MAX_PHOTOS:
        raise too_many_photos()
    stored = []
    try:
        for validated in validated_photos:
            stored.append(store_image(validated, folder=folder))
    except Exception:
        for image in stored:
            stored_image_delete(image)
        raise
    return stored


def _recorded_paths(paths) -> set[str]:
    return set(ProblemPhoto.objects.filter(path__in=paths).values_list("path", flat=True))


def photos_kept_if_recorded(stored):
    """Around a write transaction: delete the stored files it did not record."""
    return stored_files_kept_if(list(stored or ()), is_recorded=_recorded_paths)


FLAG_FIELDS = ("flag_before_dispatch", "flag_far", "flag_copy_other", "flag_copy_before")


def photo_row(
    problem: Problem,
    validated,
    stored,
    *,
    kind: str,
    round_: int,
    flags: dict,
    uploaded_by_id,
    uploaded_at,
    event_id=None,
) -> ProblemPhoto:
    """The unsaved evidence-photo row for a stored image and its integrity flags (the service
    and the demo loader write photos through this one builder)."""
    info = validated.info
    bands = phash_bands(info.phash)
    flags = dict(flags)
    no_metadata = flags.pop("no_metadata", False)
    return ProblemPhoto(
        problem=problem,
        kind=kind,
        round=round_,
        event_id=event_id,
        path=stored.path,
        thumb_path=stored.thumb_path,
        public_path=stored.public_path,
        width=stored.width,
        height=stored.height,
        sha256=stored.sha256,
        phash=info.phash,
        ph0=bands[0],
        ph1=bands[1],
        ph2=bands[2],
        ph3=bands[3],
        taken_at=info.taken_at,
        lat=info.lat,
        lon=info.lon,
        is_flagged=no_metadata or any(flags.get(k) for k in FLAG_FIELDS),
        uploaded_by_id=uploaded_by_id,
        uploaded_at=uploaded_at,
        unit_id=problem.responsible_unit_id,
        district_id=problem.district_id,
        **flags,
    )


def _store(problem: Problem, actor, validated, *, kind: str, stored, flags: dict | None = None):
    photo = photo_row(
        problem,
        validated,
        stored,
        kind=kind,
        round_=problem.rework_count,
        flags=flags or {},
        uploaded_by_id=actor.pk if getattr(actor, "is_authenticated", False) else None,
        uploaded_at=timezone.now(),
    )
    photo.save(force_insert=True)
    flagged = photo.is_flagged
    record_event(
        problem=problem,
        action=EventKind.ATTACH,
        actor=actor,
        data={"photo": photo.pk, "kind": kind, "flags": photo.flags},
    )
    if flagged:
        Problem.objects.filter(pk=problem.pk).update(
            flagged_photo_count=F("flagged_photo_count") + 1
        )
    return photo


def photo_store_before(*, problem, actor, validated, stored) -> ProblemPhoto:
    """Record a before-photo taken at report, its files already stored (inside the creating
    transaction)."""
    return _store(problem, actor, validated, kind=PhotoKind.BEFORE, stored=stored)


def _may_add_before(actor, problem) -> bool:
    return is_office(actor) or (
        problem.reported_by_id is not None and problem.reported_by_id == actor.pk
    )


@dataclass(frozen=True)
class PreparedPhoto:
    """A photo checked, encoded and stored, not yet recorded."""

    kind: str
    validated: object  # wenming.core.uploads.ValidatedImage
    stored: object  # wenming.core.uploads.StoredImage


def photo_prepare(*, problem, actor, kind: str, upload) -> PreparedPhoto:
    """Check, validate, encode and store a photo's files, before any write transaction: the
    store may be remote, and a transaction open meanwhile would hold SQLite's one writer.
    400 for anything but a real, sane image; 503 when the store is down (nothing written)."""
    if kind not in PhotoKind.values:
        raise InvalidInput(_("The photo kind must be “before” or “after”."), code="bad_kind")
    _check_allowed(problem, actor, kind)  # cheap refusals before any image work
    _check_count(problem, kind)
    validated = validate_image(upload)
    stored = store_image(validated, folder=photo_folder(problem))
    return PreparedPhoto(kind=kind, validated=validated, stored=stored)


def problem_photo_add(
    *, problem, actor, kind: str = "", upload=None, prepared: PreparedPhoto | None = None
) -> ProblemPhoto:
    """Add an evidence photo: before (office or reporter) or after (the handler, with checks)."""
    if prepared is None:
        prepared = photo_prepare(problem=problem, actor=actor, kind=kind, upload=upload)
    with photos_kept_if_recorded([prepared.stored]), transaction.atomic():
        return _add_locked(problem, actor, prepared.kind, prepared.validated, prepared.stored)


def _check_count(p: Problem, kind: str) -> None:
    """400 when the report (before) or this round's rectification (after) has its photos."""
    photos = p.photos.filter(kind=kind)
    if kind == PhotoKind.AFTER:
        photos = photos.filter(round=p.rework_count)
    if photos.count() >= MAX_PHOTOS:
        raise too_many_photos()


def too_many_photos_message() -> str:
    """What a reporter reads when they attach more photos than one place takes (form and API)."""
    return ngettext(
        "At most %(max)d photo may be attached here.",
        "At most %(max)d photos may be attached here.",
        MAX_PHOTOS,
    ) % {"max": MAX_PHOTOS}


def too_many_photos() -> InvalidInput:
    return InvalidInput(too_many_photos_message(), code="too_many_photos")


def _check_allowed(p: Problem, actor, kind: str) -> None:
    if kind == PhotoKind.BEFORE:
        if not _may_add_before(actor, p):
            raise NotAllowed(_("Only the reporter or the office adds before-photos."))
        if p.status not in OPEN_FOR_BEFORE_PHOTOS:
            raise conflict(
                p, _("Before-photos can no longer be added to %(code)s.") % {"code": p.code}
            )
        return
    if not is_handler(actor, p):
        raise NotAllowed(
            _("Only the unit or region handling %(code)s adds after-photos.") % {"code": p.code}
        )
    if p.status not in AFTER_PHOTO_STATUSES:
        raise conflict(
            p,
            _(
                "After-photos are added while the problem is being handled; "
                "%(code)s is “%(status)s”."
            )
            % {"code": p.code, "status": p.get_status_display()},
        )


def photo_allowed(*, actor, problem, kind: str) -> bool:
    """Whether `actor` may add a `kind` photo to `problem` now: the service's own check, which
    the pages ask before offering the upload (so they never restate it)."""
    try:
        _check_allowed(problem, actor, kind)
    except DomainError:
        return False
    return True


def _add_locked(problem, actor, kind, validated, stored) -> ProblemPhoto:
    p = lock_problem(problem)
    _check_allowed(p, actor, kind)  # again, under the lock: the status may have moved on
    _check_count(p, kind)  # and another upload may have taken the last place
    flags = integrity_flags(p, validated.info) if kind == PhotoKind.AFTER else None
    return _store(p, actor, validated, kind=kind, flags=flags, stored=stored)


def validate_photos(uploads) -> list:
    """Validate every upload first, so one bad file refuses the whole report (400 for more
    than MAX_PHOTOS)."""
    uploads = list(uploads or ())
    if len(uploads) > MAX_PHOTOS:
        raise too_many_photos()
    return [validate_image(upload) for upload in uploads]


def after_photos_pending(problem: Problem):
    """This round's after-photos not yet attached to a rectification (the next one takes them)."""
    return problem.photos.filter(
        kind=PhotoKind.AFTER, round=problem.rework_count, event__isnull=True
    )


def rectify_needs_photo(problem: Problem) -> bool:
    """True when reporting the rectification now needs an after-photo sent with it: the
    category asks for one and none is waiting (problem_rectify's refusal, asked by the page)."""
    return problem.category.after_photo_required and not after_photos_pending(problem).exists()


def has_after_photo(problem: Problem) -> bool:
    """True when this round's rectification has at least one after-photo (what the verifier
    judges the fix by)."""
    return problem.photos.filter(kind=PhotoKind.AFTER, round=problem.rework_count).exists()


def after_photo_check(*, problem: Problem, actor, upload) -> dict:
    """The integrity flags an after-photo would get, read without storing anything (the page
    shows them before the photo is sent); the same refusals as adding it."""
    _check_allowed(problem, actor, PhotoKind.AFTER)
    validated = validate_image(upload)
    return integrity_flags(problem, validated.info) | {"taken_at": validated.info.taken_at}


def problem_rectify_with_photos(
    *, problem, actor, note: str = "", version: int | None = None, uploads=()
) -> Problem:
    """Report the fix together with the after-photos sent with it (one form): the photos are
    recorded and the rectification made in one transaction, or nothing is (their files are
    removed again)."""
    from .transitions import problem_rectify

    uploads = list(uploads or ())
    if len(uploads) > MAX_PHOTOS:
        raise too_many_photos()
    prepared: list[PreparedPhoto] = []
    try:
        for upload in uploads:
            prepared.append(
                photo_prepare(problem=problem, actor=actor, kind=PhotoKind.AFTER, upload=upload)
            )
    except Exception:
        for item in prepared:
            stored_image_delete(item.stored)
        raise
    with photos_kept_if_recorded([item.stored for item in prepared]), transaction.atomic():
        for item in prepared:
            _add_locked(problem, actor, PhotoKind.AFTER, item.validated, item.stored)
        return problem_rectify(problem=problem, actor=actor, note=note, version=version)
