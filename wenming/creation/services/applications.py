"""The application cycle's writes: apply (self-assessment and evidence) and every move of the
state table in `lifecycle.py`, each an event with its actor, time, reason and documents, and
an audit entry. The entry's current honour (status, level, validity) follows each move, so the
registry and coverage read one row per entry.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from wenming.core.audit import audit_record
from wenming.core.documents import document_delete, document_store, validate_document
from wenming.core.errors import Conflict, InvalidInput, NotAllowed
from wenming.core.roles import is_office
from wenming.standards.models import Standard

from .. import levels, lifecycle
from ..models import (
    LEVEL_ORDER,
    Application,
    ApplicationDocument,
    ApplicationEvent,
    ApplicationStatus,
    Entry,
    EntryStatus,
    Objection,
    SelfAssessment,
)
from .registry import _decimal, may_register

A = ApplicationStatus
MAX_DOCUMENTS = 10
DOCUMENT_FOLDER = "creation/evidence"


def _stored(files) -> list[tuple[str, str]]:
    """Validate every file first (nothing is stored if one is refused), then store them."""
    files = list(files or [])
    if len(files) > MAX_DOCUMENTS:
        raise InvalidInput(
            _("At most %(n)s documents with one step.") % {"n": MAX_DOCUMENTS}, code="too_many"
        )
    checked = [validate_document(f) for f in files]
    stored = []
    try:
        for doc in checked:
            stored.append((document_store(doc, folder=DOCUMENT_FOLDER), doc.name))
    except Exception:
        for name, _filename in stored:
            document_delete(name)
        raise
    return stored


def _event(application, actor, action, *, before, note="", data=None, stored=()) -> None:
    event = ApplicationEvent.objects.create(
        application=application,
        actor=actor,
        action=action,
        from_status=before,
        to_status=application.status,
        note=note,
        data=data or {},
    )
    ApplicationDocument.objects.bulk_create(
        ApplicationDocument(
            application=application, event=event, file=name, filename=filename, uploaded_by=actor
        )
        for name, filename in stored
    )
    audit_record(
        action=f"creation.{action}",
        actor=actor,
        target=application,
        data={
            "entry": application.entry_id,
            "from": before,
            "to": application.status,
            "note": note[:500],
            "documents": [filename for _name, filename in stored],
            **(data or {}),
        },
    )


def _criteria(entry: Entry) -> dict[str, Standard]:
    return {s.code: s for s in Standard.objects.filter(system_id=entry.system_id)}


def _self_assessment(entry: Entry, lines) -> list[tuple[Standard, Decimal, str]]:
    criteria = _criteria(entry)
    if not criteria:
        raise InvalidInput(_("This type's scheme has no criteria yet."), code="no_scheme")
    result, seen = [], set()
    for line in lines or []:
        code = str(line.get("criterion", "")).strip()
        standard = criteria.get(code)
        if standard is None:
            raise InvalidInput(
                _("%(code)s is not a criterion of the scheme.") % {"code": code or "—"},
                code="bad_criterion",
            )
        if code in seen:
            raise InvalidInput(_("%(code)s is assessed twice.") % {"code": code})
        seen.add(code)
        points = _decimal(
            line.get("points", 0), _("Points for %(code)s") % {"code": code}, high=standard.points
        )
        result.append((standard, points, str(line.get("note", ""))[:2000]))
    if not result:
        raise InvalidInput(
            _("Assess yourself against at least one criterion."), code="no_self_assessment"
        )
    return result


def scheme_total(entry: Entry) -> Decimal:
    return Standard.objects.filter(system_id=entry.system_id).aggregate(t=Sum("points"))[
        "t"
    ] or Decimal("0")


def application_create(
    *,
    actor,
    entry: Entry,
    year: int,
    level: str,
    self_assessment: list[dict],
    statement: str = "",
    documents=(),
    is_demo: bool = False,
    at=None,
) -> Application:
    """Apply for `level` in `year`: the self-assessment against the entry's scheme, with
    evidence. Outside the actor's scope: 404; a second one for the entry and year: 409."""
    may_register(actor, entry.region, entry.unit)
    kind = entry.type
    if level not in kind.level_list:
        raise InvalidInput(
            _("%(type)s is not honoured at that level.") % {"type": kind.display_name},
            code="bad_level",
        )
    if not 2000 <= int(year) <= 2100:
        raise InvalidInput(_("The year is out of range."), code="bad_year")
    lines = _self_assessment(entry, self_assessment)
    if Application.objects.filter(entry=entry, year=year).exists():
        raise _duplicate(entry, year)
    stored = _stored(documents)
    total = sum((points for _s, points, _n in lines), Decimal("0"))
    try:
        with transaction.atomic():
            entry = Entry.objects.select_for_update().get(pk=entry.pk)
            if Application.objects.filter(entry=entry, year=year).exists():
                raise _duplicate(entry, year)
            application = Application.objects.create(
                entry=entry,
                type_id=entry.type_id,
                region_id=entry.region_id,
                district_id=entry.district_id,
                unit_id=entry.unit_id,
                reviewer_region=levels.reviewer_region(entry.region),
                system_id=entry.system_id,
                year=int(year),
                level=level,
                applicant=actor,
                statement=statement[:5000],
                self_score=total,
                submitted_at=at or timezone.now(),
                is_demo=is_demo,
            )
            SelfAssessment.objects.bulk_create(
                SelfAssessment(application=application, standard=s, points=p, note=n)
                for s, p, n in lines
            )
            entry.stage = application.status
            if not entry.holds_title:
                entry.score = total
            entry.save(update_fields=["stage", "score"])
            _event(
                application,
                actor,
                "apply",
                before="",
                note=statement[:2000],
                data={"year": int(year), "level": level, "self_score": str(total)},
                stored=stored,
            )
    except IntegrityError:
        for name, _filename in stored:
            document_delete(name)
        raise _duplicate(entry, year) from None
    except Exception:
        for name, _filename in stored:
            document_delete(name)
        raise
    return application


def _duplicate(entry: Entry, year: int) -> Conflict:
    return Conflict(
        _("%(name)s has already applied for %(type)s in %(year)s.")
        % {"name": entry.name, "type": entry.type.display_name, "year": year},
        code="duplicate_application",
    )


def _may(actor, application: Application, who: str) -> bool:
    if who == lifecycle.APPLICANT:
        return application.applicant_id == getattr(actor, "pk", None)
    if who == lifecycle.OFFICE:
        return is_office(actor)
    first = levels.may_review_first(actor, application.reviewer_region)
    if who == lifecycle.FIRST:
        return first
    return first or is_office(actor)  # CHECKER


def _check_move(actor, application: Application, action: str) -> str:
    if action not in lifecycle.ACTIONS:
        raise InvalidInput(_("Unknown step."), code="bad_action")
    move = lifecycle.move(application.status, action)
    if move is None:
        raise Conflict(
            _("This application is %(status)s; that step is not possible now.")
            % {"status": application.get_status_display()},
            code="application_state",
        )
    to, who = move
    if not _may(actor, application, who):
        if who == lifecycle.FIRST:
            raise NotAllowed(
                _("This step is for %(region)s, which reviews this applicant.")
                % {"region": application.reviewer_region.display_name},
                code="wrong_review_level",
            )
        if who == lifecycle.APPLICANT:
            raise NotAllowed(_("Only the applicant may withdraw it."))
        raise NotAllowed(_("This step is for the Civilization Office."), code="wrong_review_level")
    return to


def _today(at) -> date:
    return timezone.localdate(at) if at is not None else timezone.localdate()


def application_transition(
    *,
    actor,
    application: Application,
    action: str,
    note: str = "",
    score=None,
    objection: int | None = None,
    upheld: bool | None = None,
    source: str = "",
    documents=(),
    at=None,
) -> Application:
    """Make one move of the state table (see `lifecycle.py`) with its reason and documents."""
    note = (note or "").strip()
    stored = _stored(documents)
    try:
        with transaction.atomic():
            application = (
                Application.objects.select_for_update()
                .select_related("entry", "type", "reviewer_region")
                .get(pk=application.pk)
            )
            before = application.status
            application.status = _check_move(actor, application, action)
            # After the state and the actor are checked (409, 403), the step's own input (400).
            if action in lifecycle.NEED_REASON and not note:
                raise InvalidInput(_("Give the reason for this step."), code="reason_required")
            data = _apply(actor, application, action, note, score, objection, upheld, source, at)
            application.version += 1
            application.save()
            _entry_follow(application, action, _today(at))
            _event(application, actor, action, before=before, note=note, data=data, stored=stored)
    except Exception:
        for name, _filename in stored:
            document_delete(name)
        raise
    return application


def _apply(actor, application, action, note, score, objection, upheld, source, at) -> dict:
    """The move's own rules and fields; returns the event's details."""
    today = _today(at)
    kind = application.type
    if action in lifecycle.SCORED:
        if score in (None, ""):
            raise InvalidInput(_("Give the review's score."), code="score_required")
        value = _decimal(score, _("The score"), high=scheme_total(application.entry))
        setattr(application, lifecycle.SCORED[action], value)
        if action == lifecycle.REGION_PASS:
            application.region_comment = note
        else:
            application.office_comment = note
            application.notice_starts = today
            application.notice_ends = today + timedelta(days=kind.notice_days)
        return {"score": str(value)}
    if action == lifecycle.OBJECT:
        if not note:
            raise InvalidInput(_("Write down the objection."), code="reason_required")
        row = Objection.objects.create(
            application=application,
            text=note,
            source=source[:200],
            received_at=at or timezone.now(),
            recorded_by=actor,
        )
        return {"objection": row.pk}
    if action == lifecycle.ANSWER:
        row = (
            Objection.objects.select_for_update()
            .filter(application=application, pk=objection or 0)
            .first()
        )
        if row is None:
            raise InvalidInput(_("Name the objection you answer."), code="bad_objection")
        if not row.is_open:
            raise Conflict(_("This objection has been answered already."), code="answered")
        if not note or upheld is None:
            raise InvalidInput(
                _("Answer the objection and say whether it is upheld."), code="reason_required"
            )
        row.answer, row.upheld = note, bool(upheld)
        row.answered_at, row.answered_by = at or timezone.now(), actor
        row.save()
        return {"objection": row.pk, "upheld": bool(upheld)}
    if action == lifecycle.APPROVE:
        if application.notice_ends is not None and today <= application.notice_ends:
            raise Conflict(
                _("The public notice runs until %(day)s; approve after it ends.")
                % {"day": application.notice_ends.isoformat()},
                code="notice_period",
            )
        still_open = application.objections.filter(answered_at__isnull=True).count()
        if still_open:
            raise Conflict(
                _("%(n)s objection(s) are still open; answer them before approving.")
                % {"n": still_open},
                code="objections_open",
            )
        application.approved_on = today
        application.valid_until = _years_later(today, kind.validity_years)
        application.office_comment = application.office_comment or note
        return {"valid_until": application.valid_until.isoformat()}
    if action == lifecycle.RECHECK:
        application.rechecked_year = today.year
        return {"year": today.year}
    if action in lifecycle.NEED_REASON:
        application.closed_reason = note
    return {}


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _entry_follow(application: Application, action: str, today: date) -> None:
    """Bring the entry's current honour in line with the move just made."""
    entry = Entry.objects.select_for_update().get(pk=application.entry_id)
    fields = ["stage"]
    entry.stage = application.status if application.status in lifecycle.OPEN else ""
    if action == lifecycle.REGION_PASS and not entry.holds_title:
        entry.score = application.region_score
        fields.append("score")
    elif action == lifecycle.OFFICE_PASS and not entry.holds_title:
        entry.score = application.office_score
        fields.append("score")
    elif action == lifecycle.APPROVE:
        held = entry.holds_title and entry.level
        if not held:
            entry.honoured_since = today
        if not held or LEVEL_ORDER.index(application.level) >= LEVEL_ORDER.index(entry.level):
            entry.level = application.level
        entry.valid_until = max(
            filter(None, [entry.valid_until if held else None, application.valid_until])
        )
        entry.status, entry.lost_on = EntryStatus.HONOURED, None
        entry.score = application.office_score or entry.score
        fields += ["honoured_since", "level", "valid_until", "status", "lost_on", "score"]
    elif action == lifecycle.WARN:
        entry.status = EntryStatus.WARNED
        fields.append("status")
    elif action == lifecycle.RECHECK and entry.status == EntryStatus.WARNED:
        entry.status = EntryStatus.HONOURED
        fields.append("status")
    elif action == lifecycle.REVOKE:
        entry.status, entry.level, entry.valid_until = EntryStatus.REVOKED, "", None
        entry.lost_on = today
        fields += ["status", "level", "valid_until", "lost_on"]
    entry.save(update_fields=fields)


def application_evidence_add(*, actor, application: Application, documents, note: str = ""):
    """File more evidence with an application still under way (submitted, passed by the
    region, in notice): an event of its own with the documents, the state unchanged. Who may:
    as for applying (read-only roles 403); a closed application 409; no file or a file whose
    content is not its type 400, nothing stored."""
    entry = application.entry
    may_register(actor, entry.region, entry.unit)
    if application.status not in lifecycle.OPEN:
        raise Conflict(
            _("The application is “%(status)s”; evidence can no longer be added.")
            % {"status": ApplicationStatus(application.status).label},
            code="application_state",
        )
    if not documents:
        raise InvalidInput(_("Attach at least one document."), code="no_documents")
    stored = _stored(documents)
    try:
        with transaction.atomic():
            application = Application.objects.select_for_update().get(pk=application.pk)
            if application.status not in lifecycle.OPEN:
                raise Conflict(
                    _("The application is “%(status)s”; evidence can no longer be added.")
                    % {"status": ApplicationStatus(application.status).label},
                    code="application_state",
                )
            _event(
                application,
                actor,
                lifecycle.EVIDENCE,
                before=application.status,
                note=(note or "").strip()[:2000],
                stored=stored,
            )
    except Exception:
        for name, _filename in stored:
            document_delete(name)
        raise
    return list(application.documents.filter(file__in=[name for name, _f in stored]))
