"""Every read of material review, scope-aware (a unit officer sees their own unit's
submissions only), and the material score the scoring app reads (`material_scores`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Case, Count, DecimalField, F, Q, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from wenming.core.dates import day_in_range, period_in_order
from wenming.core.errors import NotFound
from wenming.core.roles import Role
from wenming.core.scope import scope_queryset
from wenming.standards.models import Clause

from . import lifecycle
from .models import AssessmentWindow, EvidenceFile, Submission, SubmissionStatus, WindowStatus

_AMOUNT = DecimalField(max_digits=14, decimal_places=6)


# Material evidence is a member unit's duty, reviewed by the office and read by leaders.
MATERIAL_ROLES = frozenset({Role.OFFICE_ADMIN, Role.LEADER, Role.UNIT_OFFICER})


def reads_material(actor) -> bool:
    """Whether the material pages are for `actor`: a region's officer, an inspector or an
    evaluator has no material to submit and may not read the units' (403, as the API)."""
    return getattr(actor, "role", None) in MATERIAL_ROLES


def windows_visible(*, actor):
    return scope_queryset(AssessmentWindow.objects.select_related("system"), actor)


def window_get(*, actor, window_id: int) -> AssessmentWindow:
    window = windows_visible(actor=actor).filter(pk=window_id).first()
    if window is None:
        raise NotFound(code="window_not_found")
    return window


def current_window(*, actor) -> AssessmentWindow | None:
    """The open window with the nearest assessment date (the newest when none is open)."""
    windows = windows_visible(actor=actor)
    return (
        windows.filter(status=WindowStatus.OPEN).order_by("assessment_date", "id").first()
        or windows.first()
    )


def submissions_visible(*, actor):
    return scope_queryset(
        Submission.objects.select_related("window", "clause", "clause__standard", "unit"), actor
    )


def submission_get(*, actor, submission_id: int) -> Submission:
    submission = submissions_visible(actor=actor).filter(pk=submission_id).first()
    if submission is None:
        raise NotFound(code="submission_not_found")
    return submission


def evidence_get(*, actor, submission_id: int, file_id: int) -> EvidenceFile:
    submission = submission_get(actor=actor, submission_id=submission_id)
    evidence = submission.files.filter(pk=file_id).first()
    if evidence is None:
        raise NotFound(code="file_not_found")
    return evidence


def due_for(*, actor):
    """What waits for the reader's unit: drafts and returned submissions of open windows,
    the earliest deadline first."""
    return (
        submissions_visible(actor=actor)
        .filter(status__in=lifecycle.AWAITING_UNIT, window__status=WindowStatus.OPEN)
        .annotate(n_files=Count("files"))
        .order_by("return_deadline", "window__submit_by", "clause__code", "unit__code")
    )


@dataclass
class Queue:
    rows: object  # a queryset of submissions
    counts: dict[str, int] = field(default_factory=dict)
    total: int = 0


def review_queue(
    *,
    actor,
    window: AssessmentWindow | None = None,
    status: str | None = None,
    unit_id: int | None = None,
    standard_id: int | None = None,
) -> Queue:
    """The office's queue with its filters; counts per status under the other filters (one
    GROUP BY), so the tabs show what each would list."""
    qs = submissions_visible(actor=actor)
    if window is not None:
        qs = qs.filter(window=window)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if standard_id:
        qs = qs.filter(clause__standard_id=standard_id)
    counts = dict.fromkeys(SubmissionStatus.values, 0)
    for row in qs.order_by().values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    if status:
        qs = qs.filter(status=status)
    qs = qs.annotate(n_files=Count("files")).order_by("submitted_at", "clause__code", "unit__code")
    return Queue(rows=qs, counts=counts, total=sum(counts.values()))


def outside_window_files(*, actor, window: AssessmentWindow):
    """Evidence dated outside the window's period, in the reader's scope."""
    return (
        scope_queryset(EvidenceFile.objects.all(), actor)
        .filter(submission__window=window)
        .filter(Q(document_date__lt=window.starts_on) | Q(document_date__gt=window.ends_on))
        .select_related("submission", "submission__clause", "submission__unit")
        .order_by("submission__unit__code", "submission__clause__code", "id")
    )


@dataclass
class UnitGaps:
    unit_id: int
    unit: object
    missing: list = field(default_factory=list)  # submissions not (re)submitted
    outside: list = field(default_factory=list)  # files dated outside the window


def gaps(*, actor, window: AssessmentWindow) -> list[UnitGaps]:
    """Per unit, before the pre-review: the clauses whose material is missing (not submitted,
    or returned and not resubmitted) and the files dated outside the window."""
    by_unit: dict[int, UnitGaps] = {}
    missing = (
        submissions_visible(actor=actor)
        .filter(window=window, status__in=lifecycle.AWAITING_UNIT)
        .order_by("unit__code", "clause__code")
    )
    for submission in missing:
        by_unit.setdefault(
            submission.unit_id, UnitGaps(submission.unit_id, submission.unit)
        ).missing.append(submission)
    for evidence in outside_window_files(actor=actor, window=window):
        unit = evidence.submission.unit
        by_unit.setdefault(unit.pk, UnitGaps(unit.pk, unit)).outside.append(evidence)
    return sorted(by_unit.values(), key=lambda g: g.unit.code)


def gap_counts(*, actor, window: AssessmentWindow) -> dict[str, int]:
    """How many clauses lack material and how many files are out of the window (for panels)."""
    missing = (
        submissions_visible(actor=actor)
        .filter(window=window, status__in=lifecycle.AWAITING_UNIT)
        .count()
    )
    return {"missing": missing, "outside": outside_window_files(actor=actor, window=window).count()}


# --- the material score ----------------------------------------------------------------------


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _windows_between(start: date | None, end: date | None):
    """Windows whose span (evidence start → assessment date) meets [start, end]."""
    windows = AssessmentWindow.objects.all()
    if start is not None:
        windows = windows.filter(assessment_date__gte=start)
    if end is not None:
        windows = windows.filter(starts_on__lte=end)
    return windows


def _ratio(earned, due) -> float:
    return round(float(earned) / float(due), 6) if due else 0.0


def _check_period(start: date | None, end: date | None) -> None:
    """400 for a period outside the campaign calendar or ending before it starts."""
    label = _("Period")
    for day in (start, end):
        if day is not None:
            day_in_range(day, field=label)
    period_in_order(start, end, field=label)


def material_scores(*, start: date | None = None, end: date | None = None) -> dict:
    """The material score (0 … 1: points earned ÷ material points due) per unit, content line
    ("standard"), clause and for the city, from the pre-scored submissions reviewed in
    [start, end] (every one when None).

    The submissions of the windows whose span meets [start, end] are what is due. A unit is
    due each material clause it owns (lead or supporting) with the clause's material points,
    and earns share × points for it; an unscored, returned or missing submission earns 0.
    A clause's score is the mean share of its owning units; a content line's and the city's
    are the clauses' scores weighted by their material points. A material clause nobody owns
    counts 0 for the city. `n` counts the scored submissions behind each figure. All sums run
    in SQL (two GROUP BY queries); Python only combines per-clause rows.
    """
    _check_period(start, end)
    windows = _windows_between(start, end)
    rows = Submission.objects.filter(window__in=windows, clause__points_material__gt=0)
    counted = Q(status=SubmissionStatus.SCORED, score__isnull=False)
    if start is not None:
        counted &= Q(reviewed_at__gte=_day_start(start))
    if end is not None:
        counted &= Q(reviewed_at__lt=_day_start(end + timedelta(days=1)))
    earned = Case(
        When(counted, then=F("score") * F("clause__points_material")),
        default=Value(0),
        output_field=_AMOUNT,
    )
    share = Case(When(counted, then=F("score")), default=Value(0), output_field=_AMOUNT)
    units = {
        row["unit_id"]: {"score": _ratio(row["earned"], row["due"]), "n": row["n"]}
        for row in rows.order_by()
        .values("unit_id")
        .annotate(
            due=Sum("clause__points_material"),
            earned=Sum(earned),
            n=Count("pk", filter=counted),
        )
    }
    clause_rows = list(
        rows.order_by()
        .values("clause_id", "clause__standard_id", "clause__points_material")
        .annotate(k=Count("pk"), shares=Sum(share), n=Count("pk", filter=counted))
    )
    # A material clause of a system in play that has no owner (so no submission) counts 0.
    seen = {row["clause_id"] for row in clause_rows}
    for clause_id, standard_id, points in (
        Clause.objects.filter(system_id__in=windows.values("system_id"), points_material__gt=0)
        .exclude(pk__in=seen)
        .values_list("pk", "standard_id", "points_material")
    ):
        clause_rows.append(
            {
                "clause_id": clause_id,
                "clause__standard_id": standard_id,
                "clause__points_material": points,
                "k": 0,
                "shares": 0,
                "n": 0,
            }
        )
    clauses: dict[int, dict] = {}
    standards: dict[int, dict] = {}
    city = {"earned": 0.0, "due": 0.0, "n": 0}
    for row in clause_rows:
        mean = float(row["shares"]) / row["k"] if row["k"] else 0.0
        clauses[row["clause_id"]] = {"score": round(mean, 6), "n": row["n"]}
        points = float(row["clause__points_material"])
        line = standards.setdefault(row["clause__standard_id"], {"earned": 0.0, "due": 0.0, "n": 0})
        for total in (line, city):
            total["earned"] += points * mean
            total["due"] += points
            total["n"] += row["n"]
    return {
        "units": units,
        "standards": {
            pk: {"score": _ratio(t["earned"], t["due"]), "n": t["n"]} for pk, t in standards.items()
        },
        "clauses": clauses,
        "city": {"score": _ratio(city["earned"], city["due"]), "n": city["n"]},
    }
