"""Every read of the scoring app a person sees, scope-aware.

- a month's scores with their components: the office and leaders see every subject; a region
  officer the regions of their subtree; a unit officer their unit (`Score.SCOPE`);
- a breakdown outside the reader's scope is a 404, as if it did not exist;
- the ranking page shows a tier's names, composites and ranks: the whole tier to the office and
  leaders, and to everyone else once the month is published (a published list is public
  inside the campaign); drafts only to the office and leaders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from wenming.core.errors import InvalidInput, NotFound
from wenming.core.roles import is_office
from wenming.core.scope import SEE_ALL, scope_queryset
from wenming.inspections.models import Visit
from wenming.inspections.selectors import SCORED
from wenming.org.models import Region, Unit
from wenming.problems.metrics import DUE_STATUSES, Period
from wenming.problems.models import Problem

from .models import (
    RANKING_ORDER,
    Component,
    EscalationStep,
    Score,
    ScoringEvent,
    Snapshot,
    SnapshotStatus,
    Tier,
)
from .services.snapshots import current_snapshot, month_parse
from .sources import optional

LEVEL_TIERS = {
    "city": [Tier.CITY],
    "district": [Tier.DISTRICT],
    "street": [Tier.STREET],
    "community": [Tier.COMMUNITY],
    "unit": [Tier.MEMBER_UNIT, Tier.CENTRAL_UNIT, Tier.GUARANTOR],
}


def tiers_of_level(level: str) -> list[str]:
    """The tiers a `level` filter names: a level (`LEVEL_TIERS`) or a tier itself; 400 for
    anything else (an unknown level answered an empty list, as if nothing were scored)."""
    if level in LEVEL_TIERS:
        return LEVEL_TIERS[level]
    if level in Tier.values:
        return [level]
    raise InvalidInput(
        _("Unknown level %(level)s; use one of: %(levels)s.")
        % {"level": str(level)[:40], "levels": ", ".join([*LEVEL_TIERS, *Tier.values])},
        code="bad_level",
    )


RANKING_TIERS = (Tier.DISTRICT, Tier.STREET, Tier.MEMBER_UNIT, Tier.CENTRAL_UNIT, Tier.GUARANTOR)


def sees_all(actor) -> bool:
    return getattr(actor, "role", None) in SEE_ALL


def snapshot_for(*, actor, month: str | None) -> tuple[Period | None, Snapshot | None]:
    """The month asked for (400 when malformed or in the future) and its current snapshot,
    None when there is none or the reader may not see a draft; no month: the latest one."""
    visible = Snapshot.objects.exclude(status=SnapshotStatus.SUPERSEDED)
    if not sees_all(actor):
        visible = visible.filter(status=SnapshotStatus.PUBLISHED)
    if not month:
        latest = visible.order_by("-month").first()
        if latest is None:
            return None, None
        month = f"{latest.month:%Y-%m}"
    period = month_parse(month)
    return period, visible.filter(month=period.first).first()


def scores_visible(*, actor, snapshot: Snapshot, level: str | None = None) -> QuerySet:
    """The snapshot's scores the reader may see, with their subjects and components."""
    qs = scope_queryset(Score.objects.filter(snapshot=snapshot), actor)
    if level:
        qs = qs.filter(tier__in=tiers_of_level(level))
    return qs.select_related("region", "unit").prefetch_related("components")


def ranking(*, actor, snapshot: Snapshot, tier: str) -> QuerySet:
    """A tier's scores, best first (ranked), then the insufficient ones (see the module)."""
    if snapshot.status != SnapshotStatus.PUBLISHED and not sees_all(actor):
        return Score.objects.none()
    return (
        Score.objects.filter(snapshot=snapshot, tier=tier)
        .select_related("region", "unit")
        .order_by(*RANKING_ORDER)
    )


@dataclass
class Lists:
    tier: str
    red: list
    black: list
    insufficient: list
    rows: list = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(Tier(self.tier).label)


def _lists(tier: str, rows: list, size: int) -> Lists:
    ranked = [r for r in rows if r.rank is not None]
    insufficient = [r for r in rows if r.rank is None]
    # A small tier is split in halves, so that no subject is on both lists.
    k = min(size, len(ranked) // 2)
    red = ranked[:k]
    black = list(reversed(ranked[len(ranked) - k :])) if k else []
    return Lists(tier, red, black, insufficient, rows)


def red_and_black(*, actor, snapshot: Snapshot, tier: str, size: int) -> Lists:
    """The top and bottom `size` of a tier's ranked subjects (the red and black lists)."""
    return _lists(tier, list(ranking(actor=actor, snapshot=snapshot, tier=tier)), size)


def public_lists(*, snapshot: Snapshot, tier: str, size: int) -> Lists:
    """The same lists for the public page: published months only."""
    if snapshot.status != SnapshotStatus.PUBLISHED:
        return Lists(tier, [], [], [])
    rows = Score.objects.filter(snapshot=snapshot, tier=tier).select_related("region", "unit")
    return _lists(tier, list(rows.order_by(*RANKING_ORDER)), size)


def subject_parse(subject: str) -> tuple[str, str]:
    kind, _sep, code = (subject or "").partition("-")
    if kind not in ("region", "unit", "guarantor") or not code:
        raise NotFound(_("No such subject."), code="subject_not_found")
    return kind, code


def score_get(*, actor, subject: str, snapshot: Snapshot) -> Score:
    """One subject's score in the snapshot, or 404 (also when outside the reader's scope)."""
    subject_parse(subject)
    score = scores_visible(actor=actor, snapshot=snapshot).filter(subject=subject).first()
    if score is None:
        raise NotFound(_("No score for this subject in that month."), code="score_not_found")
    return score


def subject_name(score: Score) -> str:
    obj = score.region if score.region_id else score.unit
    return obj.display_name if obj is not None else score.subject


def components_of(score: Score) -> list:
    order = {key: i for i, key in enumerate(Component.values)}
    return sorted(score.components.all(), key=lambda c: order.get(c.key, 99))


def history(*, score: Score, months: int = 12) -> list[Score]:
    """The subject's scores in the current snapshots of the last months (for its page)."""
    return list(
        Score.objects.filter(subject=score.subject, month__lte=score.month)
        .exclude(snapshot__status=SnapshotStatus.SUPERSEDED)
        .order_by("-month")[:months]
    )


def ladder_state(*, subject: str, month: date) -> EscalationStep | None:
    """The ladder step of the subject in that month (None: not at the bottom then)."""
    return (
        EscalationStep.objects.filter(subject=subject, month=month)
        .exclude(snapshot__status=SnapshotStatus.SUPERSEDED)
        .first()
    )


def ladder_history(*, subject: str) -> list[EscalationStep]:
    return list(
        EscalationStep.objects.filter(subject=subject)
        .exclude(snapshot__status=SnapshotStatus.SUPERSEDED)
        .order_by("-month")[:12]
    )


def evidence(*, actor, score: Score, limit: int = 30) -> dict:
    """What lies behind a score: the month's due problems and scored visits of the subject
    (as the ledger stands now, within the reader's scope) and links to the full lists."""
    period = month_parse(f"{score.month:%Y-%m}")
    start, end = period.bounds()
    problems = scope_queryset(Problem.objects.all(), actor).filter(
        deadline__gte=period.first, deadline__lte=period.last, status__in=DUE_STATUSES
    )
    visits = scope_queryset(Visit.objects.all(), actor).filter(
        status__in=SCORED, submitted_at__gte=start, submitted_at__lt=end
    )
    ledger = reverse("problems:ledger")
    if score.region_id:
        region = score.region
        if region.level != "city":
            problems = problems.filter(**{_problem_column(region): region.pk})
            visits = visits.filter(region_id__in=region.subtree_ids())
        ledger_link = f"{ledger}?region={region.code}" if region.level != "city" else ledger
    else:
        problems = problems.filter(responsible_unit_id=score.unit_id)
        visits = visits.filter(point__responsible_units=score.unit_id)
        ledger_link = f"{ledger}?unit={score.unit.code}"
    tasks, tasks_link = _tasks_behind(actor, score, period, limit)
    return {
        "problems": list(
            problems.order_by("deadline", "code").values("code", "title", "status", "deadline")[
                :limit
            ]
        ),
        "visits": list(
            visits.order_by("-submitted_at").values(
                "pk", "point__code", "point__name", "score", "status"
            )[:limit]
        ),
        "ledger_link": ledger_link,
        "tasks": tasks,
        "tasks_link": tasks_link,
    }


def _tasks_behind(actor, score: Score, period: Period, limit: int) -> tuple[list, str]:
    """The subject's tasks due in the month (plans app; scoped) and the filtered task ledger;
    nothing while the plans app does not provide its selector."""
    tasks_visible = optional("wenming.plans.selectors", "tasks_visible")
    if tasks_visible is None:
        return [], ""
    try:
        ledger = reverse("plans:ledger")
    except NoReverseMatch:
        return [], ""
    qs = tasks_visible(actor=actor).filter(deadline__gte=period.first, deadline__lte=period.last)
    if score.region_id:
        if score.region.level != "city":
            qs = qs.filter(regions=score.region_id)
        link = f"{ledger}?region={score.region_id}" if score.region.level != "city" else ledger
    else:
        qs = qs.filter(lead_unit_id=score.unit_id)
        link = f"{ledger}?unit={score.unit_id}"
    return list(
        qs.order_by("deadline", "id").values("pk", "title", "status", "deadline")[:limit]
    ), link


def _problem_column(region: Region) -> str:
    return {"district": "district_id", "street": "street_id"}.get(region.level, "region_id")


def events_of(*, snapshot: Snapshot) -> list[ScoringEvent]:
    return list(snapshot.events.select_related("actor").order_by("-at")[:50])


def snapshots_list(*, actor) -> QuerySet:
    qs = Snapshot.objects.all()
    if not sees_all(actor):
        qs = qs.filter(status=SnapshotStatus.PUBLISHED)
    return qs.order_by("-month", "-version")


def subject_readable(*, actor, region: Region | None, unit: Unit | None) -> bool:
    """Whether the reader may open a subject's breakdown: the region in their subtree, the unit
    their own (the office and leaders any). The red and black lists name subjects everyone may
    see ranked; only these are links."""
    if sees_all(actor) or is_office(actor):
        return True
    if region is not None:
        own = getattr(actor, "region", None)
        if getattr(actor, "role", "") != "region_officer" or own is None or not own.contains(region):
            return False
    return unit is None or getattr(actor, "unit_id", None) == unit.pk


def subject_scope_check(*, actor, region: Region | None, unit: Unit | None) -> None:
    """404 unless the reader may see the region (their subtree) or the unit (their own)."""
    if subject_readable(actor=actor, region=region, unit=unit):
        return
    if unit is not None and region is None:
        raise NotFound(_("No such unit, or outside the data you may see."))
    raise NotFound(_("No such region, or outside the data you may see."))


def current(month: date) -> Snapshot | None:
    return current_snapshot(month)
