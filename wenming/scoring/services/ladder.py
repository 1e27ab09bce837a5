"""The escalation ladder (domain.md, "second reading"): a subject at the bottom of its tier in a
published month is marked for a talk with a city leader (约谈); at the bottom two months in a
row it goes to the organisation department; three in a row, accountability (问责). The counts
are the office's settings. Each step is a row, an event and an audit entry."""

from __future__ import annotations

from ..models import EscalationStep, LadderStep, Score, ScoreStatus, Snapshot, Tier
from .common import event, settings_get

LADDER_TIERS = (Tier.DISTRICT, Tier.STREET, Tier.MEMBER_UNIT, Tier.CENTRAL_UNIT, Tier.GUARANTOR)


def step_for(streak: int, settings) -> str | None:
    """The step a streak of months at the bottom reaches (the highest whose count it meets)."""
    for count, step in (
        (settings.ladder_accountability, LadderStep.ACCOUNTABILITY),
        (settings.ladder_organisation, LadderStep.ORGANISATION),
        (settings.ladder_talk, LadderStep.TALK),
    ):
        if count and streak >= count:
            return step
    return None


def ladder_climb(*, snapshot: Snapshot, actor=None) -> list[EscalationStep]:
    """Record the month's steps: the bottom of each tier (ties all count), with its streak."""
    from .snapshots import current_snapshot, previous_month

    settings = settings_get()
    previous = current_snapshot(previous_month(snapshot.month))
    streaks = {}
    if previous is not None:
        streaks = dict(
            EscalationStep.objects.filter(snapshot=previous).values_list("subject", "streak")
        )
    ranked = Score.objects.filter(
        snapshot=snapshot, tier__in=LADDER_TIERS, status=ScoreStatus.RANKED, rank__isnull=False
    )
    bottom: dict[str, int] = {}
    for tier, rank, peers in ranked.values_list("tier", "rank", "peers"):
        if peers >= 2:  # a tier of one has no bottom
            bottom[tier] = max(bottom.get(tier, 0), rank)
    steps = []
    for score in ranked.filter(tier__in=list(bottom)):
        if score.rank != bottom[score.tier]:
            continue
        streak = streaks.get(score.subject, 0) + 1
        step = step_for(streak, settings)
        if step is None:
            continue
        row = EscalationStep.objects.create(
            snapshot=snapshot,
            month=snapshot.month,
            subject=score.subject,
            region_id=score.region_id,
            unit_id=score.unit_id,
            tier=score.tier,
            streak=streak,
            step=step,
        )
        event(
            actor=actor,
            action="ladder_step",
            snapshot=snapshot,
            subject=score.subject,
            target=row,
            data={
                "month": f"{snapshot.month:%Y-%m}",
                "tier": score.tier,
                "streak": streak,
                "step": step,
            },
        )
        steps.append(row)
    return steps
