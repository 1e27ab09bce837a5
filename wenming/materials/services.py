"""Every write of material review: windows and their due rows, evidence files, submitting,
and the office's pre-review. Each change writes a MaterialEvent and an audit entry."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from wenming.core.audit import audit_record
from wenming.core.dates import day_in_range
from wenming.core.documents import document_delete, document_store, validate_document
from wenming.core.errors import Conflict, InvalidInput, NotAllowed
from wenming.core.roles import Role, is_office, require_office
from wenming.standards.models import Clause, EvaluationSystem, Standard

from . import lifecycle
from .models import (
    AssessmentWindow,
    EvidenceFile,
    EvidenceKind,
    MaterialEvent,
    OwnerRole,
    Submission,
    SubmissionStatus,
    WindowStatus,
)

FOLDER = "materials"


def _event(submission: Submission, actor, action: str, data: dict | None = None) -> None:
    data = data or {}
    MaterialEvent.objects.create(submission=submission, actor=actor, action=action, data=data)
    audit_record(
        action=f"materials.{action}",
        actor=actor,
        target=submission,
        data={"clause": submission.clause.code, "unit": submission.unit.code, **data},
    )


def default_period(assessment_date: date) -> tuple[date, date]:
    """The 12 months before the assessment date: from the same day a year earlier to the day
    before (domain.md: "material evidence covers the 12 months before the assessment")."""
    try:
        start = assessment_date.replace(year=assessment_date.year - 1)
    except ValueError:  # 29 February
        start = assessment_date.replace(year=assessment_date.year - 1, day=28)
    return start, assessment_date - timedelta(days=1)


def owner_pairs(system_id: int) -> dict[tuple[int, int], str]:
    """{(clause id, unit id): "lead" | "co"} for every clause of the system assessed by
    material: the clause's own lead unit and co-units, or its content line's when it names
    none. A unit that is both counts as lead."""
    material = Clause.objects.filter(system_id=system_id, points_material__gt=0)
    through = Clause.co_units.through
    line_through = Standard.co_units.through
    pairs: dict[tuple[int, int], str] = {}
    own = through.objects.filter(clause__in=material).values_list("clause_id", "unit_id")
    inherited = (
        material.annotate(has_own=Exists(through.objects.filter(clause_id=OuterRef("pk"))))
        .filter(has_own=False)
        .values("pk", "standard_id")
    )
    line_co = line_through.objects.filter(standard_id__in=inherited.values("standard_id"))
    by_line: dict[int, list[int]] = {}
    for standard_id, unit_id in line_co.values_list("standard_id", "unit_id"):
        by_line.setdefault(standard_id, []).append(unit_id)
    for clause_id, unit_id in own:
        pairs[(clause_id, unit_id)] = OwnerRole.CO
    for row in inherited:
        for unit_id in by_line.get(row["standard_id"], ()):
            pairs[(row["pk"], unit_id)] = OwnerRole.CO
    leads = (
        material.annotate(owner=Coalesce("lead_unit_id", "standard__lead_unit_id"))
        .exclude(owner=None)
        .values_list("pk", "owner")
    )
    for clause_id, unit_id in leads:
        pairs[(clause_id, unit_id)] = OwnerRole.LEAD
    return pairs


def _period(assessment_date, starts_on, ends_on, submit_by):
    default_start, default_end = default_period(assessment_date)
    starts_on = starts_on or default_start
    ends_on = ends_on or default_end
    if starts_on > ends_on:
        raise InvalidInput(
            _("The evidence period must start before it ends."), code="window_period"
        )
    return starts_on, ends_on, submit_by or assessment_date


def window_create(
    *,
    actor,
    system: EvaluationSystem,
    name: str,
    assessment_date: date,
    starts_on: date | None = None,
    ends_on: date | None = None,
    submit_by: date | None = None,
    campaign=None,
    is_demo: bool = False,
) -> AssessmentWindow:
    """Open a material assessment of `system` (the evidence period defaults to the 12 months
    before the assessment date) and write a draft submission for every clause owner."""
    require_office(actor)
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("Give the assessment window a name."), code="window_name")
    starts_on, ends_on, submit_by = _period(assessment_date, starts_on, ends_on, submit_by)
    if campaign is not None and campaign.system_id != system.pk:
        raise InvalidInput(
            _("The campaign runs on another evaluation system."), code="window_campaign"
        )
    with transaction.atomic():
        window = AssessmentWindow.objects.create(
            system=system,
            campaign=campaign,
            name=name[:200],
            assessment_date=assessment_date,
            starts_on=starts_on,
            ends_on=ends_on,
            submit_by=submit_by,
            created_by=actor,
            is_demo=is_demo,
        )
        added, _removed = _sync(window, is_demo=is_demo)
        audit_record(
            action="materials.window_create",
            actor=actor,
            target=window,
            data={
                "system": system.code,
                "starts_on": starts_on.isoformat(),
                "ends_on": ends_on.isoformat(),
                "submissions": added,
            },
        )
    return window


def window_update(
    *,
    actor,
    window: AssessmentWindow,
    starts_on: date,
    ends_on: date,
    submit_by: date,
    status: str | None = None,
) -> AssessmentWindow:
    """Change a window's evidence period, its submission date or close/reopen it."""
    require_office(actor)
    if starts_on > ends_on:
        raise InvalidInput(
            _("The evidence period must start before it ends."), code="window_period"
        )
    if status is not None and status not in WindowStatus.values:
        raise InvalidInput(_("Unknown window status."), code="window_status")
    with transaction.atomic():
        window = AssessmentWindow.objects.select_for_update().get(pk=window.pk)
        before = {
            "starts_on": window.starts_on.isoformat(),
            "ends_on": window.ends_on.isoformat(),
            "submit_by": window.submit_by.isoformat(),
            "status": window.status,
        }
        window.starts_on, window.ends_on, window.submit_by = starts_on, ends_on, submit_by
        if status is not None:
            window.status = status
        window.save()
        audit_record(
            action="materials.window_update",
            actor=actor,
            target=window,
            data={
                "before": before,
                "starts_on": starts_on.isoformat(),
                "ends_on": ends_on.isoformat(),
            },
        )
    return window


def _sync(window: AssessmentWindow, *, is_demo: bool = False) -> tuple[int, int]:
    """Write a draft for every owner pair the window lacks; remove empty drafts of units that
    no longer own their clause. Returns (added, removed)."""
    pairs = owner_pairs(window.system_id)
    rows = Submission.objects.filter(window=window)
    existing = set(rows.values_list("clause_id", "unit_id"))
    missing = [key for key in pairs if key not in existing]
    Submission.objects.bulk_create(
        [
            Submission(
                window=window,
                clause_id=clause_id,
                unit_id=unit_id,
                owner_role=pairs[(clause_id, unit_id)],
                is_demo=is_demo,
            )
            for clause_id, unit_id in missing
        ],
        batch_size=500,
    )
    stale = [
        pk
        for pk, clause_id, unit_id in rows.filter(
            status=SubmissionStatus.DRAFT, files__isnull=True
        ).values_list("pk", "clause_id", "unit_id")
        if (clause_id, unit_id) not in pairs
    ]
    if stale:
        MaterialEvent.objects.filter(submission_id__in=stale).delete()
        Submission.objects.filter(pk__in=stale).delete()
    return len(missing), len(stale)


def window_sync(*, actor, window: AssessmentWindow) -> tuple[int, int]:
    """Bring the window's submissions in line with the clauses' current owners (after the
    office changed lead or supporting units): (added, removed)."""
    require_office(actor)
    with transaction.atomic():
        window = AssessmentWindow.objects.select_for_update().get(pk=window.pk)
        added, removed = _sync(window, is_demo=window.is_demo)
        audit_record(
            action="materials.window_sync",
            actor=actor,
            target=window,
            data={"added": added, "removed": removed},
        )
    return added, removed


def _acts_for_unit(actor, submission: Submission) -> bool:
    """The unit's own officers act for it; the office may act on its behalf (it often files
    a unit's paper material itself)."""
    if is_office(actor):
        return True
    return (
        getattr(actor, "role", None) == Role.UNIT_OFFICER
        and actor.unit_id is not None
        and actor.unit_id == submission.unit_id
    )


def submission_open(*, actor, window: AssessmentWindow, clause: Clause, unit=None):
    """The submission of `unit` (the actor's own for a unit officer) for `clause` in
    `window`, written if missing: (submission, created). 400 unless the unit owns the clause
    and the clause is assessed by material in the window's system."""
    if unit is None:
        unit = getattr(actor, "unit", None)
    if unit is None:
        raise InvalidInput(_("Name the member unit whose material this is."), code="unit")
    if not is_office(actor) and getattr(actor, "unit_id", None) != unit.pk:
        raise NotAllowed(_("You may open material only for your own unit."))
    if clause.system_id != window.system_id or not clause.points_material > 0:
        raise InvalidInput(
            _("Clause %(code)s is not assessed by material in this window.")
            % {"code": clause.code},
            code="not_material",
        )
    role = owner_pairs(window.system_id).get((clause.pk, unit.pk))
    if role is None:
        raise InvalidInput(
            _("%(unit)s is neither the lead nor a supporting unit of clause %(code)s.")
            % {"unit": unit.display_name, "code": clause.code},
            code="not_owner",
        )
    with transaction.atomic():
        submission, created = Submission.objects.get_or_create(
            window=window,
            clause=clause,
            unit=unit,
            defaults={"owner_role": role, "is_demo": window.is_demo},
        )
        if created:
            _event(submission, actor, lifecycle.OPEN)
    return submission, created


def _locked(submission: Submission) -> Submission:
    return (
        Submission.objects.select_for_update()
        .select_related("window", "clause", "unit")
        .get(pk=submission.pk)
    )


def _check_move(actor, submission: Submission, action: str) -> str:
    move = lifecycle.move(submission.status, action)
    if move is None:
        raise Conflict(
            _("This submission is %(status)s; that is not possible now.")
            % {"status": submission.get_status_display()},
            code="submission_state",
        )
    to, who = move
    if who == lifecycle.OFFICE:
        require_office(actor, _("Only the Civilization Office pre-reviews material."))
    elif not _acts_for_unit(actor, submission):
        raise NotAllowed(_("Only the unit itself submits its material."))
    return to


def _check_editable(actor, submission: Submission) -> None:
    if submission.status not in lifecycle.EDITABLE:
        raise Conflict(
            _("This submission is %(status)s; its files cannot be changed now.")
            % {"status": submission.get_status_display()},
            code="submission_state",
        )
    if submission.window.status != WindowStatus.OPEN:
        raise Conflict(_("This assessment window is closed."), code="window_closed")
    if not _acts_for_unit(actor, submission):
        raise NotAllowed(_("Only the unit itself changes its material."))


def _parse_date(value, what: str) -> date:
    if isinstance(value, date):
        return day_in_range(value, field=what)
    try:
        day = date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise InvalidInput(
            _("%(what)s must be a date (YYYY-MM-DD).") % {"what": what}, code="date"
        ) from None
    return day_in_range(day, field=what)


def evidence_add(
    *, actor, submission: Submission, upload, kind: str, document_date
) -> EvidenceFile:
    """Add one file to a draft or returned submission: checked by content and size (400),
    stored, then recorded; the stored file is removed again if recording fails."""
    if kind not in EvidenceKind.values:
        raise InvalidInput(
            _(
                "Choose what the file is: official document, explanatory report, photo of "
                "the real scene or data table."
            ),
            code="evidence_kind",
        )
    day = _parse_date(document_date, _("The document date"))
    if day > timezone.localdate():
        raise InvalidInput(_("The document date lies in the future."), code="date")
    _check_editable(actor, submission)  # early, before a file is stored; again under lock
    validated = validate_document(upload)
    path = document_store(validated, folder=f"{FOLDER}/{submission.window_id}")
    try:
        with transaction.atomic():
            submission = _locked(submission)
            _check_editable(actor, submission)
            evidence = EvidenceFile.objects.create(
                submission=submission,
                kind=kind,
                file_kind=validated.kind,
                name=validated.name,
                path=path,
                content_type=validated.content_type,
                size=validated.size,
                sha256=validated.sha256,
                document_date=day,
                uploaded_by=actor,
            )
            _event(
                submission,
                actor,
                lifecycle.FILE_ADD,
                {
                    "file": validated.name,
                    "kind": kind,
                    "date": day.isoformat(),
                    "in_window": submission.window.covers(day),
                },
            )
    except BaseException:
        document_delete(path)
        raise
    return evidence


def evidence_remove(*, actor, evidence: EvidenceFile) -> None:
    """Remove a file from a draft or returned submission (the stored file goes with it)."""
    with transaction.atomic():
        submission = _locked(evidence.submission)
        _check_editable(actor, submission)
        path, name = evidence.path, evidence.name
        EvidenceFile.objects.filter(pk=evidence.pk).delete()
        _event(submission, actor, lifecycle.FILE_REMOVE, {"file": name})
    transaction.on_commit(lambda: document_delete(path))


def submission_submit(*, actor, submission: Submission) -> Submission:
    """Submit for the office's pre-review: at least one file; a returned submission by its
    deadline."""
    with transaction.atomic():
        submission = _locked(submission)
        if not submission.files.exists():
            raise InvalidInput(_("Add at least one file before submitting."), code="no_files")
        to = _check_move(actor, submission, lifecycle.SUBMIT)
        today = timezone.localdate()
        if (
            submission.status == SubmissionStatus.RETURNED
            and submission.return_deadline
            and today > submission.return_deadline
        ):
            raise Conflict(
                _(
                    "The deadline for resubmission (%(day)s) has passed; ask the office for a "
                    "new one."
                )
                % {"day": submission.return_deadline.isoformat()},
                code="deadline_passed",
            )
        if submission.window.status != WindowStatus.OPEN:
            raise Conflict(_("This assessment window is closed."), code="window_closed")
        before = submission.status
        submission.status = to
        submission.submitted_at = timezone.now()
        submission.submissions += 1
        submission.version += 1
        submission.save()
        outside = [
            f.name for f in submission.files.all() if not submission.window.covers(f.document_date)
        ]
        _event(
            submission,
            actor,
            lifecycle.SUBMIT,
            {"from": before, "to": to, "files": submission.files.count(), "outside": outside},
        )
    return submission


def _parse_share(value) -> Decimal:
    try:
        share = Decimal(str(value))
    except (InvalidOperation, ValueError):
        share = None
    if share is None or not share.is_finite() or share < 0 or share > 1:
        raise InvalidInput(
            _("The score is a share of the clause's material points, from 0 to 1 (0 % to 100 %)."),
            code="score",
        )
    return share.quantize(Decimal("0.0001"))


def submission_review(
    *,
    actor,
    submission: Submission,
    decision: str,
    score=None,
    comments: str = "",
    deadline=None,
) -> Submission:
    """The office's pre-review: `score` (a share 0 … 1 of the clause's material points, with
    comments) or `return` (comments and a resubmission deadline)."""
    comments = (comments or "").strip()[:4000]
    if decision == lifecycle.SCORE:
        if score is None or score == "":
            raise InvalidInput(_("Give the pre-score."), code="score")
        share = _parse_share(score)
        day = None
    elif decision == lifecycle.RETURN:
        if not comments:
            raise InvalidInput(
                _("Say what is missing or wrong when returning material."), code="comments"
            )
        if deadline in (None, ""):
            raise InvalidInput(_("Give the deadline for resubmission."), code="deadline")
        day = _parse_date(deadline, pgettext("resubmission", "The deadline"))
        if day < timezone.localdate():
            raise InvalidInput(_("The deadline lies in the past."), code="deadline")
        share = None
    else:
        raise InvalidInput(_("The decision is score or return."), code="decision")
    with transaction.atomic():
        submission = _locked(submission)
        to = _check_move(actor, submission, decision)
        before, old_score = submission.status, submission.score
        submission.status = to
        submission.score = share
        submission.comments = comments
        submission.return_deadline = day
        submission.reviewed_at = timezone.now()
        submission.reviewed_by = actor
        submission.version += 1
        submission.save()
        data = {"from": before, "to": to, "comments": comments}
        if decision == lifecycle.SCORE:
            data["score"] = str(share)
            if old_score is not None and before == SubmissionStatus.SCORED:
                data["previous_score"] = str(old_score)
        else:
            data["deadline"] = day.isoformat()
        _event(submission, actor, decision, data)
    return submission
