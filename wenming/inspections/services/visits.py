"""A visit's writes: start, answers, photos, submit (score and problems), review.

Offline phones resend what they could not confirm, so every write the team makes is
idempotent: answers and photos carry the client's id, a second submit answers as the first.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wenming.core.errors import Conflict, InvalidInput, NotAllowed
from wenming.core.roles import is_office
from wenming.core.uploads import haversine_m, validate_image
from wenming.problems.models import Category, Problem, Source
from wenming.problems.services.creation import problem_create
from wenming.standards.models import ChecklistItem

from .. import lifecycle, scoring
from ..models import Answer, Visit, VisitAnswer, VisitPhoto, VisitStatus
from .rounds import _event

# A start this far from the point is accepted and flagged (phones drift; the flag is for the
# reviewer and the inspector-performance page, never a refusal).
FAR_START_M = 200
DONE = (VisitStatus.SUBMITTED, VisitStatus.APPROVED, VisitStatus.HAS_ISSUES)


def checklist_of(visit: Visit) -> list[ChecklistItem]:
    """The items an inspector answers at this visit's point: its type's checklist in the
    round's evaluation system."""
    return list(
        ChecklistItem.objects.filter(
            system_id=visit.round.system_id, point_type_id=visit.point_type_id
        ).order_by("order", "code")
    )


def _is_team(actor, visit: Visit) -> bool:
    return visit.team.filter(pk=getattr(actor, "pk", None)).exists()


def _check_move(actor, visit: Visit, action: str) -> str:
    move = lifecycle.move(visit.status, action)
    if move is None:
        raise Conflict(
            _("This visit is %(status)s; that is not possible now.")
            % {"status": visit.get_status_display()},
            code="visit_state",
        )
    to, who = move
    allowed = (
        _is_team(actor, visit)
        if who == lifecycle.TEAM
        else is_office(actor) or visit.round.owner_id == getattr(actor, "pk", None)
    )
    if not allowed:
        raise NotAllowed(_("This visit is not yours to do that."))
    return to


def _locked(visit: Visit) -> Visit:
    return Visit.objects.select_for_update().select_related("round", "point").get(pk=visit.pk)


def visit_start(*, actor, visit: Visit, lat=None, lon=None, at: datetime | None = None) -> Visit:
    """Start the visit: the time and the browser's position (a far start is flagged)."""
    with transaction.atomic():
        visit = _locked(visit)
        if visit.status != VisitStatus.ASSIGNED and _is_team(actor, visit):
            return visit  # a resend of the start: the first one stands
        visit.status = _check_move(actor, visit, lifecycle.START)
        visit.started_at = at or timezone.now()
        if lat is not None and lon is not None:
            visit.start_lat, visit.start_lon = float(lat), float(lon)
            visit.start_distance_m = round(
                haversine_m(visit.start_lat, visit.start_lon, visit.point.lat, visit.point.lon), 1
            )
        visit.version += 1
        visit.save()
        _event(
            visit.round,
            actor,
            "visit_start",
            {"point": visit.point.code, "distance_m": visit.start_distance_m, "far": is_far(visit)},
            visit=visit,
        )
    return visit


def is_far(visit: Visit) -> bool:
    return visit.start_distance_m is not None and visit.start_distance_m > FAR_START_M


def _int_or_none(value, what: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidInput(_("%(what)s must be a whole number.") % {"what": what}) from None
    if number < 0 or number > 100000:
        raise InvalidInput(_("%(what)s is out of range.") % {"what": what})
    return number


def visit_answers_save(*, actor, visit: Visit, answers: list[dict]) -> list[VisitAnswer]:
    """Save answers (`{"item": code, "answer", "note", "places_observed", "places_failed",
    "client_id"}`), each replacing the item's earlier answer. A resend of answers already
    saved (same client ids) changes nothing, also after the visit was submitted."""
    items = {i.code: i for i in checklist_of(visit)}
    with transaction.atomic():
        visit = _locked(visit)
        # Only the team answers, and only the team gets the resend's answer: someone else who
        # sent nothing new was answered 200 with the visit's saved answers.
        if not _is_team(actor, visit):
            raise NotAllowed(_("This visit is not yours to do that."))
        saved = {a.item.code: a for a in visit.answers.select_related("item")}
        fresh = [a for a in answers if not _already(saved, a)]
        if not fresh:
            return list(saved.values())
        _check_move(actor, visit, lifecycle.ANSWER)
        now = timezone.now()
        for given in fresh:
            row = _answer_row(visit, items, given, now)
            VisitAnswer.objects.update_or_create(visit=visit, item=row.pop("item"), defaults=row)
        visit.version += 1
        visit.save(update_fields=["version"])
        _event(visit.round, actor, "visit_answers", {"items": len(fresh)}, visit=visit)
    return list(visit.answers.select_related("item"))


def _already(saved: dict, given: dict) -> bool:
    existing = saved.get(str(given.get("item", "")))
    client_id = str(given.get("client_id") or "")
    return existing is not None and bool(client_id) and existing.client_id == client_id


def _answer_row(visit, items: dict, given: dict, now) -> dict:
    code = str(given.get("item") or "")
    item = items.get(code)
    if item is None:
        raise InvalidInput(
            _("%(code)s is not on this point's checklist.") % {"code": code[:40]},
            code="bad_item",
        )
    answer = str(given.get("answer") or "")
    if answer not in Answer.values:
        raise InvalidInput(
            _("%(code)s: answer pass, fail or not applicable.") % {"code": code},
            code="bad_answer",
        )
    observed = _int_or_none(given.get("places_observed"), _("Places observed"))
    failed = _int_or_none(given.get("places_failed"), _("Places failed"))
    if observed is not None and failed is not None and failed > observed:
        raise InvalidInput(
            _("%(code)s: more places failed than observed.") % {"code": code},
            code="bad_places",
        )
    return {
        "item": item,
        "answer": answer,
        "note": str(given.get("note") or "")[:2000],
        "sampling_rule": sampling_rule_text(item),
        "places_observed": observed,
        "places_failed": failed,
        "client_id": str(given.get("client_id") or "")[:64],
        "answered_at": now,
    }


def sampling_rule_text(item: ChecklistItem) -> str:
    """The sampling rule as shown to the inspector (kept with the answer as it was shown)."""
    parts = []
    for field, label in (
        ("sample_route_m", _("walk %(n)s m")),
        ("sample_spacing_m", _("every %(n)s m is one place")),
        ("sample_minutes", _("watch %(n)s minutes")),
        ("sample_count", _("%(n)s observations")),
    ):
        value = getattr(item, field, None)
        if value:
            parts.append(label % {"n": value})
    note = getattr(item, "sampling_note", "") or ""
    return ("; ".join(parts) + (f" ({note})" if note else ""))[:300]


def visit_photo_add(*, actor, visit: Visit, item_code: str, upload, client_id: str) -> VisitPhoto:
    """Keep a photo for one item; a resend with the same client id returns the first."""
    client_id = str(client_id or "")[:64]
    if not client_id:
        raise InvalidInput(_("A photo needs its client id."), code="client_id")
    visit = Visit.objects.select_related("round", "point").get(pk=visit.pk)  # its state now
    existing = VisitPhoto.objects.filter(visit=visit, client_id=client_id).first()
    if existing is not None:
        return existing
    item = next((i for i in checklist_of(visit) if i.code == item_code), None)
    if item is None:
        raise InvalidInput(
            _("%(code)s is not on this point's checklist.") % {"code": str(item_code)[:40]},
            code="bad_item",
        )
    validated = validate_image(upload)  # 400 for anything that is not a real photo
    if visit.status not in (VisitStatus.STARTED, VisitStatus.REJECTED) or not _is_team(
        actor, visit
    ):
        _check_move(actor, visit, lifecycle.ANSWER)
    flags = photo_flags(visit, validated.info)
    stamp = timezone.now()
    name = default_storage.save(
        f"visits/{stamp:%Y/%m}/{visit.pk}-{validated.sha256[:16]}.{validated.info.format.lower()}",
        ContentFile(validated.data),
    )
    try:
        with transaction.atomic():
            photo = VisitPhoto.objects.create(
                visit=visit,
                item=item,
                file=name,
                client_id=client_id,
                sha256=validated.sha256,
                taken_at=validated.info.taken_at,
                lat=validated.info.lat,
                lon=validated.info.lon,
                flags=flags,
            )
            _event(
                visit.round, actor, "visit_photo", {"item": item.code, "flags": flags}, visit=visit
            )
    except Exception:
        default_storage.delete(name)  # nothing half-written: no file without its row
        raise
    return photo


# A photo taken this long before the visit started was not taken on this visit.
EARLY_PHOTO = timedelta(hours=1)


def photo_flags(visit: Visit, info) -> list[str]:
    """What is odd about a visit photo: `no_metadata` (no camera time or position), `far`
    (taken more than FAR_START_M from the point), `before_start` (taken over an hour before
    the visit started). Flags are for the reviewer; the photo is kept either way."""
    flags = []
    if info.taken_at is None or info.lat is None:
        flags.append("no_metadata")
    away = (
        haversine_m(info.lat, info.lon, visit.point.lat, visit.point.lon)
        if info.lat is not None
        else 0.0
    )
    if away > FAR_START_M:
        flags.append("far")
    if info.taken_at and visit.started_at and info.taken_at < visit.started_at - EARLY_PHOTO:
        flags.append("before_start")
    return flags


def visit_submit(*, actor, visit: Visit, today=None) -> Visit:
    """Submit: every item answered, failures photographed where required, within the window
    (or late submission on); computes the score and turns failures into problems. A second
    submit changes nothing and answers as the first did."""
    with transaction.atomic():
        visit = _locked(visit)
        if visit.status in DONE and _is_team(actor, visit):
            return visit
        _check_move(actor, visit, lifecycle.SUBMIT)
        _check_window(visit, today or timezone.localdate())
        items = checklist_of(visit)
        answers = {a.item_id: a for a in visit.answers.select_related("item")}
        _check_complete(items, answers, visit)
        sums = scoring.visit_sums(
            scoring.Answer(
                possible=a.item.deduction,
                answer=a.answer,
                places_observed=a.places_observed,
                places_failed=a.places_failed,
            )
            for a in answers.values()
        )
        visit.earned, visit.possible, visit.score = sums.earned, sums.possible, sums.score
        visit.places_observed, visit.places_passed = sums.places_observed, sums.places_passed
        visit.status = VisitStatus.SUBMITTED
        visit.submitted_at = timezone.now()
        visit.version += 1
        visit.save()
        created, linked = _failures_to_problems(actor, visit, answers.values())
        _event(
            visit.round,
            actor,
            "visit_submit",
            {"score": str(visit.score), "problems": created, "linked": linked},
            visit=visit,
        )
    return visit


def _check_window(visit: Visit, today) -> None:
    if today > visit.round.closes_on and not visit.round.late_submission:
        raise Conflict(
            _("The round closed on %(day)s and takes no late submissions.")
            % {"day": visit.round.closes_on.isoformat()},
            code="round_closed",
        )


def _check_complete(items, answers: dict, visit: Visit) -> None:
    missing = [i.code for i in items if i.pk not in answers]
    if missing:
        raise InvalidInput(
            _("Answer every item before submitting: %(codes)s.") % {"codes": ", ".join(missing)},
            code="unanswered",
            details={"unanswered": missing},
        )
    with_photo = set(visit.photos.values_list("item_id", flat=True))
    for answer in answers.values():
        needs_photo = answer.answer == Answer.FAIL and answer.item.photo_required
        if needs_photo and answer.item_id not in with_photo:
            raise InvalidInput(
                _("%(code)s failed: take its photo before submitting.")
                % {"code": answer.item.code},
                code="photo_required",
                details={"item": answer.item.code},
            )


def _failures_to_problems(actor, visit: Visit, answers) -> tuple[int, int]:
    """Each failed item becomes a problem through the ledger's own service; an item that
    already has an open problem at this point is linked to it, not duplicated (a problem
    closed lately is found by the ledger as a recurrence)."""
    created = linked = 0
    for answer in answers:
        if answer.answer != Answer.FAIL or answer.problem_id:
            continue
        open_problem = (
            Problem.objects.filter(point=visit.point, checklist_item=answer.item, is_open=True)
            .order_by("-id")
            .first()
        )
        if open_problem is not None:
            answer.problem = open_problem
            linked += 1
        else:
            answer.problem = problem_create(
                actor=actor,
                title=answer.item.text[:200],
                category=_category_for(answer.item),
                source=Source.INSPECTION,
                region=visit.point.region,
                point=visit.point,
                checklist_item=answer.item,
                inspected_as=visit.point_type,
                lat=visit.point.lat,
                lon=visit.point.lon,
                address=visit.point.address,
                description=_visit_description(visit, answer),
                photos=_photos_of(visit, answer.item_id),
            )
            created += 1
        answer.save(update_fields=["problem"])
    return created, linked


def _category_for(item: ChecklistItem):
    """The problem category of a failed item: its own default when it names an active one;
    else the category most of its point type's checks name; else the first active category.
    A checklist without categories must not stop an inspector's submit: the office
    re-categorises when it registers the problem."""
    active = Category.objects.filter(is_active=True)
    if item.default_category_code:
        own = active.filter(code=item.default_category_code).first()
        if own is not None:
            return own
    codes = (
        ChecklistItem.objects.filter(system_id=item.system_id, point_type_id=item.point_type_id)
        .exclude(default_category_code="")
        .values_list("default_category_code", flat=True)
    )
    for code, _count in Counter(codes).most_common():
        found = active.filter(code=code).first()
        if found is not None:
            return found
    return active.order_by("sort_order", "code").first()


def _visit_description(visit: Visit, answer: VisitAnswer) -> str:
    text = _("Found in inspection round %(round)s at %(point)s.") % {
        "round": visit.round.code,
        "point": visit.point.name,
    }
    if answer.places_observed:
        text += " " + _("%(failed)s of %(observed)s places failed (%(rule)s).") % {
            "failed": answer.places_failed or 0,
            "observed": answer.places_observed,
            "rule": answer.sampling_rule or "—",
        }
    if answer.note:
        text += "\n" + answer.note
    return text[:4000]


def _photos_of(visit: Visit, item_id: int) -> list:
    photos = []
    for photo in visit.photos.filter(item_id=item_id)[:3]:
        with default_storage.open(photo.file.name, "rb") as handle:
            photos.append(validate_image(handle.read()))
    return photos


def visit_review(*, actor, visit: Visit, decision: str, note: str = "") -> Visit:
    """The round owner's (or the office's) review: approve, has issues, or reject with a
    reason (the visit goes back to its team)."""
    if decision not in lifecycle.REVIEWS:
        raise InvalidInput(_("Review with approve, has issues or reject."), code="bad_review")
    note = (note or "").strip()[:2000]
    if decision == lifecycle.REJECT and not note:
        raise InvalidInput(_("Say why the visit is rejected."), code="reason_required")
    with transaction.atomic():
        visit = _locked(visit)
        visit.status = _check_move(actor, visit, decision)
        visit.reviewed_at = timezone.now()
        visit.review_note = note
        visit.version += 1
        visit.save()
        _event(visit.round, actor, f"visit_{decision}", {"note": note}, visit=visit)
    return visit
