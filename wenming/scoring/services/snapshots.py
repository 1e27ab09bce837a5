"""A month's snapshot: compute, publish, recompute (docs/scoring.md, "States").

- `snapshot_compute` is idempotent: a month without a snapshot gets a draft (version 1); a
  draft is computed again in place; a published snapshot is frozen and returned unchanged.
- `snapshot_publish` freezes a draft and climbs the escalation ladder (`ladder.py`).
- `snapshot_recompute` is the explicit way to change a published month: the office gives a
  reason, the old version is kept (superseded) beside the new one, which is published at once;
  both facts are audited.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wenming.core.errors import Conflict, InvalidInput
from wenming.core.roles import require_office
from wenming.problems.deadlines import local_today
from wenming.problems.metrics import Period, period_parse

from .. import composite as rules
from .. import sources
from ..models import (
    Component,
    Score,
    ScoreComponent,
    ScoreStatus,
    Snapshot,
    SnapshotStatus,
    SubjectKind,
    Tier,
)
from .common import DEFAULT_CENTRAL_UNIT_KINDS, event, settings_get
from .weights import WeightChooser

REGION_TIERS = {
    "city": Tier.CITY,
    "district": Tier.DISTRICT,
    "street": Tier.STREET,
    "community": Tier.COMMUNITY,
}


def month_parse(text: str) -> Period:
    """ "2026-10" → that month; 400 on a malformed month or one that has not begun."""
    period = period_parse(text)
    today = local_today()
    if period.first > today.replace(day=1):
        raise InvalidInput(
            _("%(month)s is in the future: there is nothing to score yet.")
            % {"month": period.label},
            code="future_month",
        )
    return period


def previous_month(first: date) -> date:
    return date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)


def current_snapshot(first: date) -> Snapshot | None:
    """The month's snapshot that counts (draft or published), or None."""
    return (
        Snapshot.objects.filter(month=first)
        .exclude(status=SnapshotStatus.SUPERSEDED)
        .order_by("-version")
        .first()
    )


def _tier(entry: sources.SubjectFigures, central_kinds) -> str:
    if entry.kind == "region":
        return REGION_TIERS.get(entry.level, Tier.COMMUNITY)
    if entry.level == "guarantor":
        return Tier.GUARANTOR
    return Tier.CENTRAL_UNIT if entry.unit_kind in central_kinds else Tier.MEMBER_UNIT


def score_rows(period: Period, *, before: dict, snapshot=None, progress=None):
    """Every subject's score for `period` as unsaved, ranked rows, and {subject: (figures,
    composite result)} for their components; `before` is {subject: (composite, rank)} of the
    period before. The months write them (`_write_scores`); a week is shown from them."""
    settings = settings_get()
    central = settings.central_unit_kinds or DEFAULT_CENTRAL_UNIT_KINDS
    chooser = WeightChooser()
    entries = sources.collect(period)
    if progress:
        progress.total(len(entries))
    rows, parts_of = [], {}
    for entry in entries:
        values = {
            key: rules.component_value(key, figure.rate) for key, figure in entry.figures.items()
        }
        own = chooser.for_region(entry.path) if entry.kind == "region" else chooser.units
        result = rules.composite(values, own)
        sufficient = (
            entry.problems_due >= settings.min_problems_due or entry.visits >= settings.min_visits
        )
        score = Score(
            snapshot=snapshot,
            month=period.first,
            subject_kind=SubjectKind.REGION if entry.kind == "region" else SubjectKind.UNIT,
            region_id=entry.obj_id if entry.kind == "region" else None,
            unit_id=entry.obj_id if entry.kind == "unit" else None,
            subject=entry.subject,
            tier=_tier(entry, central),
            status=ScoreStatus.RANKED if sufficient else ScoreStatus.INSUFFICIENT,
            composite=result.total,
            grade=rules.grade(result.total) if sufficient else "",
            redistributed=result.redistributed,
            problems_due=entry.problems_due,
            visits=entry.visits,
        )
        last = before.get(entry.subject)
        if last is not None:
            score.previous_composite, score.previous_rank = last
            if last[0] is not None and result.total is not None:
                score.change = result.total - last[0]
        rows.append(score)
        parts_of[entry.subject] = (entry, result)
        if progress:
            progress(1)
    _rank(rows)
    return rows, parts_of


def component_rows(row: Score, entry: sources.SubjectFigures, result) -> list[ScoreComponent]:
    """A score's components as unsaved rows (value, weight, contribution and their source)."""
    components = []
    for part in result.parts:
        figure = entry.figures.get(part.key)
        components.append(
            ScoreComponent(
                score_id=row.pk,
                key=part.key,
                rate=figure.rate if figure is not None else None,
                value=part.value,
                numerator=figure.numerator if figure is not None else None,
                denominator=figure.denominator if figure is not None else None,
                weight=part.weight,
                effective_weight=part.applied.quantize(rules.Decimal("0.0001")),
                contribution=part.contribution,
                has_data=part.value is not None,
            )
        )
    return components


def _write_scores(snapshot: Snapshot, period: Period, progress=None) -> None:
    """Compute every subject's score and write the rows (in the caller's transaction)."""
    settings = settings_get()
    central = settings.central_unit_kinds or DEFAULT_CENTRAL_UNIT_KINDS
    weights = WeightChooser().default
    previous = current_snapshot(previous_month(period.first))
    before = {}
    if previous is not None:
        before = {
            s: (c, r) for s, c, r in previous.scores.values_list("subject", "composite", "rank")
        }
    rows, parts_of = score_rows(period, before=before, snapshot=snapshot, progress=progress)
    Score.objects.bulk_create(rows, batch_size=500)
    if any(row.pk is None for row in rows):  # a backend that does not return ids
        ids = dict(snapshot.scores.values_list("subject", "pk"))
        for row in rows:
            row.pk = ids[row.subject]
    components = []
    for row in rows:
        components += component_rows(row, *parts_of[row.subject])
    ScoreComponent.objects.bulk_create(components, batch_size=1000)
    snapshot.subjects = len(rows)
    city = next((r for r in rows if r.tier == Tier.CITY), None)
    snapshot.problems_due = city.problems_due if city else 0
    snapshot.visits = city.visits if city else 0
    snapshot.weights = {k: f"{v.normalize():f}" for k, v in weights.items() if v}
    snapshot.rules = {
        "min_problems_due": settings.min_problems_due,
        "min_visits": settings.min_visits,
        "central_unit_kinds": central,
        "components": list(Component.values),
    }


def _rank(rows: list[Score]) -> None:
    """Rank the ranked subjects of each tier by composite (`composite.ranks`)."""
    tiers: dict[str, list[Score]] = {}
    for row in rows:
        if row.status == ScoreStatus.RANKED and row.composite is not None:
            tiers.setdefault(row.tier, []).append(row)
        elif row.status == ScoreStatus.RANKED:
            row.status = ScoreStatus.INSUFFICIENT  # nothing weighted has data
            row.grade = ""
    for members in tiers.values():
        ranks = rules.ranks((r.subject, r.composite) for r in members)
        for row in members:
            row.rank = ranks[row.subject]
            row.peers = len(members)


def snapshot_compute(*, month: str, actor=None, progress=None, is_demo: bool = False) -> Snapshot:
    """The month's snapshot, computed (idempotent; a published one is returned unchanged)."""
    if actor is not None:
        require_office(actor, _("Only the Civilization Office computes snapshots."))
    period = month_parse(month)
    with transaction.atomic():
        snapshot = current_snapshot(period.first)
        if snapshot is not None:
            snapshot = Snapshot.objects.select_for_update().get(pk=snapshot.pk)
            if snapshot.status == SnapshotStatus.PUBLISHED:
                return snapshot
            snapshot.scores.all().delete()
            snapshot.computed_at = timezone.now()
            snapshot.computed_by = actor
        else:
            snapshot = Snapshot.objects.create(
                month=period.first,
                version=1,
                computed_at=timezone.now(),
                computed_by=actor,
                is_demo=is_demo,
            )
        _write_scores(snapshot, period, progress)
        snapshot.save()
        event(
            actor=actor,
            action="snapshot_computed",
            snapshot=snapshot,
            data={
                "month": period.label,
                "version": snapshot.version,
                "subjects": snapshot.subjects,
            },
        )
    return snapshot


def snapshot_publish(*, snapshot: Snapshot, actor=None) -> Snapshot:
    """Freeze a draft and take the escalation ladder's steps for its month."""
    from .ladder import ladder_climb

    if actor is not None:
        require_office(actor, _("Only the Civilization Office publishes rankings."))
    with transaction.atomic():
        snapshot = Snapshot.objects.select_for_update().get(pk=snapshot.pk)
        if snapshot.status != SnapshotStatus.DRAFT:
            raise Conflict(
                _("Only a draft snapshot can be published; this one is %(status)s.")
                % {"status": snapshot.get_status_display()},
                code="not_draft",
            )
        snapshot.status = SnapshotStatus.PUBLISHED
        snapshot.published_at = timezone.now()
        snapshot.save(update_fields=["status", "published_at"])
        event(
            actor=actor,
            action="snapshot_published",
            snapshot=snapshot,
            data={"month": f"{snapshot.month:%Y-%m}", "version": snapshot.version},
        )
        ladder_climb(snapshot=snapshot, actor=actor)
    return snapshot


def snapshot_recompute(*, snapshot: Snapshot, actor, reason: str, progress=None) -> Snapshot:
    """Compute a month again on purpose: a draft in place; a published one as a new version,
    published, the old one kept as superseded (audited with the reason)."""
    if actor is not None:
        require_office(actor, _("Only the Civilization Office recomputes snapshots."))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the month is computed again."), code="reason_required")
    snapshot = Snapshot.objects.get(pk=snapshot.pk)  # the status now, not as the caller read it
    label = f"{snapshot.month:%Y-%m}"
    if snapshot.status == SnapshotStatus.DRAFT:
        return snapshot_compute(month=label, actor=actor, progress=progress)
    if snapshot.status != SnapshotStatus.PUBLISHED:
        raise Conflict(_("A superseded snapshot is kept as it was."), code="superseded")
    period = month_parse(label)
    with transaction.atomic():
        old = Snapshot.objects.select_for_update().get(pk=snapshot.pk)
        if old.status != SnapshotStatus.PUBLISHED:
            raise Conflict(_("Someone recomputed this month a moment ago."), code="superseded")
        old.status = SnapshotStatus.SUPERSEDED
        old.save(update_fields=["status"])
        new = Snapshot.objects.create(
            month=old.month,
            version=old.version + 1,
            status=SnapshotStatus.DRAFT,
            computed_at=timezone.now(),
            computed_by=actor,
            reason=reason,
            is_demo=old.is_demo,
        )
        _write_scores(new, period, progress)
        new.save()
        event(
            actor=actor,
            action="snapshot_recomputed",
            snapshot=new,
            data={
                "month": label,
                "old_version": old.version,
                "version": new.version,
                "reason": reason,
            },
        )
    return snapshot_publish(snapshot=new, actor=actor)
