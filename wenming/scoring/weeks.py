"""A week's ranking (issue 16 §6: "the ranking page per period, week or month").

Months are snapshots, frozen when published. A week is a working view, not a published
result, computed from the same sources (`sources.collect` for the ISO week, the same weights,
minimum sample and tiers). Computing it takes seconds at a million problems, so it is never
computed on a request: the worker does it (`tasks.week_rank`) and stores the rows as plain
values (`WeekRanking`, one `WeekTier` per tier), noting the inputs' key it was made from
(`caching.inputs_key`). `wenming tick` (`weeks_tick`) queues the current week, and a past week
a reader asked for in the last `WANTED_FOR`, again when its inputs moved, at most every
`REFRESH_EVERY`. A reader gets the stored rows with their time ("as of"); when none are
stored yet the week is queued and the page shows that it is being computed. The change since
the week before is not shown (it would double the work of every computation)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wenming.core.errors import InvalidInput
from wenming.core.naming import bilingual
from wenming.core.roles import Role
from wenming.org.models import Region, Unit
from wenming.problems.deadlines import local_today
from wenming.problems.metrics import Period

from .caching import inputs_key
from .models import ScoreStatus, WeekRanking, WeekTier
from .selectors import sees_all, tiers_of_level
from .services.snapshots import component_rows, score_rows

# A stored week is computed again at most this often, and only when its inputs moved.
REFRESH_EVERY = timedelta(minutes=5)
# A past week a reader asked for is kept up to date this long after the last ask.
WANTED_FOR = timedelta(hours=1)
# A view notes that the week is still read at most this often (not a write per view).
ASKED_EVERY = timedelta(minutes=10)
# A queued computation that has not finished after this is queued again (a lost task).
QUEUED_FOR = timedelta(minutes=15)

# A component's values in the stored list, in this order (see WeekTier.parts).
PART_FIELDS = (
    "key",
    "has_data",
    "rate",
    "value",
    "numerator",
    "denominator",
    "weight",
    "effective_weight",
    "contribution",
)


def week_label(period: Period) -> str:
    year, week, _day = period.first.isocalendar()
    return f"{year}-W{week:02d}"


def week_parse(text: str) -> Period:
    """ "2026-W45" → Monday to Sunday of that ISO week; 400 when malformed or not yet begun."""
    try:
        year, week = str(text).upper().split("-W")
        first = date.fromisocalendar(int(year), int(week), 1)
    except (TypeError, ValueError):
        raise InvalidInput(
            _("The week is written YYYY-Www (an ISO week), e.g. 2026-W45."), code="bad_period"
        ) from None
    if not 2000 <= first.year <= 2100:
        raise InvalidInput(_("The period is out of range."), code="bad_period")
    period = Period(first=first, last=first + timedelta(days=6))
    today = local_today()
    if first > today - timedelta(days=today.weekday()):
        raise InvalidInput(
            _("%(week)s is in the future: there is nothing to score yet.")
            % {"week": week_label(period)},
            code="future_week",
        )
    return period


def this_week() -> str:
    return week_label(Period(first=local_today(), last=local_today()))


def _week_of(first: date) -> Period:
    return Period(first=first, last=first + timedelta(days=6))


@dataclass
class WeekRow:
    """A stored row, read back: what the page and the API show of a score."""

    subject: str
    subject_kind: str
    tier: str
    region_id: int | None
    unit_id: int | None
    name: str
    name_en: str
    status: str
    composite: Decimal | None
    grade: str
    rank: int | None
    peers: int
    redistributed: bool
    problems_due: int
    visits: int
    parts: list = field(default_factory=list)

    @property
    def display_name(self) -> str:
        return bilingual(self.name, self.name_en)

    def get_status_display(self) -> str:
        return str(ScoreStatus(self.status).label)


@dataclass
class WeekPart:
    key: str
    has_data: bool
    rate: Decimal | None
    value: Decimal | None
    numerator: int | None
    denominator: int | None
    weight: Decimal | None
    effective_weight: Decimal | None
    contribution: Decimal | None


def _text(value) -> str | None:
    return None if value is None else str(value)


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def _stored(score, names: dict) -> dict:
    name, name_en = names.get((score.subject_kind, score.region_id or score.unit_id), ("", ""))
    return {
        "subject": score.subject,
        "kind": score.subject_kind,
        "region": score.region_id,
        "unit": score.unit_id,
        "name": name or score.subject,
        "name_en": name_en,
        "status": score.status,
        "composite": _text(score.composite),
        "grade": score.grade,
        "rank": score.rank,
        "peers": score.peers,
        "redistributed": score.redistributed,
        "problems_due": score.problems_due,
        "visits": score.visits,
    }


def _stored_part(c) -> list:
    return [
        c.key,
        c.has_data,
        _text(c.rate),
        _text(c.value),
        c.numerator,
        c.denominator,
        _text(c.weight),
        _text(c.effective_weight),
        _text(c.contribution),
    ]


def week_compute(*, period: Period, now: datetime | None = None) -> WeekRanking:
    """Compute the week from the ledger and store its rows (the worker's task, `week_rank`)."""
    now = now or timezone.now()
    # The key is taken before the reads: an input that moves during them makes a new key,
    # so the tick computes the week again.
    key = inputs_key()
    scores, parts_of = score_rows(period, before={})
    names = {
        ("region", pk): pair
        for pk, *pair in Region.objects.filter(
            pk__in=[s.region_id for s in scores if s.region_id]
        ).values_list("pk", "name", "name_en")
    }
    names.update(
        {
            ("unit", pk): pair
            for pk, *pair in Unit.objects.filter(
                pk__in=[s.unit_id for s in scores if s.unit_id]
            ).values_list("pk", "name", "name_en")
        }
    )
    rows, parts = defaultdict(list), defaultdict(dict)
    for score in scores:
        rows[score.tier].append(_stored(score, names))
        parts[score.tier][score.subject] = [
            _stored_part(c) for c in component_rows(score, *parts_of[score.subject])
        ]
    with transaction.atomic():
        ranking, _created = WeekRanking.objects.get_or_create(
            week=period.first, defaults={"asked_at": now}
        )
        # Two computations of one week write one after the other (the row is locked).
        ranking = WeekRanking.objects.select_for_update().get(pk=ranking.pk)
        ranking.tiers.all().delete()
        WeekTier.objects.bulk_create(
            WeekTier(ranking=ranking, tier=tier, rows=rows[tier], parts=parts[tier])
            for tier in sorted(rows)
        )
        ranking.computed_at, ranking.inputs, ranking.queued_at = now, key, None
        ranking.save(update_fields=["computed_at", "inputs", "queued_at"])
    return ranking


def week_queue(*, period: Period, now: datetime | None = None) -> bool:
    """Queue the week's computation for the worker unless one is queued already."""
    from .tasks import week_rank

    now = now or timezone.now()
    with transaction.atomic():
        ranking, _created = WeekRanking.objects.get_or_create(
            week=period.first, defaults={"asked_at": now}
        )
        # One conditional UPDATE: of two requests at once, one queues.
        claimed = (
            WeekRanking.objects.filter(pk=ranking.pk)
            .filter(Q(queued_at__isnull=True) | Q(queued_at__lte=now - QUEUED_FOR))
            .update(queued_at=now)
        )
        if not claimed:
            return False
        week_rank.enqueue(week_label(period))
    return True


def weeks_tick(*, now: datetime) -> dict[str, int]:
    """`wenming tick`: queue the current week, and the past weeks read in the last
    `WANTED_FOR`, when none is stored or their inputs moved (at most every `REFRESH_EVERY`)."""
    today = timezone.localtime(now).date()
    firsts = {today - timedelta(days=today.weekday())}
    firsts.update(
        WeekRanking.objects.filter(asked_at__gte=now - WANTED_FOR).values_list("week", flat=True)
    )
    stored = {r.week: r for r in WeekRanking.objects.filter(week__in=firsts)}
    key, queued = None, 0
    for first in sorted(firsts):
        ranking = stored.get(first)
        if ranking is not None and ranking.computed_at is not None:
            if now - ranking.computed_at < REFRESH_EVERY:
                continue
            key = key or inputs_key()
            if ranking.inputs == key:
                continue
        queued += week_queue(period=_week_of(first), now=now)
    return {"weeks_queued": queued}


weeks_tick.tick_name = "weeks"


def _row(data: dict, tier: str, parts: dict | None) -> WeekRow:
    row = WeekRow(
        subject=data["subject"],
        subject_kind=data["kind"],
        tier=tier,
        region_id=data["region"],
        unit_id=data["unit"],
        name=data["name"],
        name_en=data["name_en"],
        status=data["status"],
        composite=_decimal(data["composite"]),
        grade=data["grade"],
        rank=data["rank"],
        peers=data["peers"],
        redistributed=data["redistributed"],
        problems_due=data["problems_due"],
        visits=data["visits"],
    )
    if parts is not None:
        row.parts = [
            WeekPart(
                key=p[0],
                has_data=p[1],
                rate=_decimal(p[2]),
                value=_decimal(p[3]),
                numerator=p[4],
                denominator=p[5],
                weight=_decimal(p[6]),
                effective_weight=_decimal(p[7]),
                contribution=_decimal(p[8]),
            )
            for p in parts.get(data["subject"], [])
        ]
    return row


def _visible(actor):
    """A predicate on a stored row's dict: `Score.SCOPE`'s rule (None: every row)."""
    if sees_all(actor):
        return None
    role = getattr(actor, "role", "")
    role_region = getattr(actor, "region", None)
    if role == Role.REGION_OFFICER and role_region is not None:
        ids = set(role_region.subtree_ids())
        return lambda d: d["region"] in ids
    if role == Role.UNIT_OFFICER and getattr(actor, "unit_id", None):
        return lambda d: d["unit"] == actor.unit_id
    return lambda d: False


def week_read(
    *,
    actor,
    period: Period,
    level: str | None = None,
    tier: str | None = None,
    components: bool = False,
) -> tuple[WeekRanking | None, list[WeekRow]]:
    """The stored week (None or not computed yet: queued now) and the rows the reader may
    see, of a level or a tier; `components` reads the components too (the API)."""
    wanted = tiers_of_level(level) if level else None  # a bad level is refused before queuing
    now = timezone.now()
    ranking = WeekRanking.objects.filter(week=period.first).first()
    if ranking is None or ranking.computed_at is None:
        week_queue(period=period, now=now)
        return WeekRanking.objects.filter(week=period.first).first(), []
    if now - ranking.asked_at >= ASKED_EVERY:
        WeekRanking.objects.filter(pk=ranking.pk).update(asked_at=now)
    tiers = ranking.tiers.all()
    if wanted:
        tiers = tiers.filter(tier__in=wanted)
    if tier:
        tiers = tiers.filter(tier=tier)
    if not components:
        tiers = tiers.defer("parts")
    visible = _visible(actor)
    rows = []
    for stored in tiers:
        parts = stored.parts if components else None
        rows.extend(
            _row(d, stored.tier, parts) for d in stored.rows if visible is None or visible(d)
        )
    rows.sort(key=lambda r: (r.tier, r.rank is None, r.rank or 0, r.subject))
    return ranking, rows
