"""Coverage: per county-level region, the share of a type's candidates honoured at the target
level or above, the gap to the target, the trend over twelve months, and the candidates
closest to qualifying.

Who counts as a candidate (the denominator): for a village or town type, every region of the
kinds the type honours in the county (the regions tree); for the other types, the entries
registered. An entry counts as reached when it holds its title (honoured or warned), within
its term, at the target's level or above. A target is met when the share reached is more
than the target share ("more than half"). A county's target is its own, else the city's.
All counts are grouped queries read from indexes alone (`creation_entry_candidates` for the
entries per county, `creation_entry_coverage` for the titles held, `creation_entry_lost`), and
one per county for its closest candidates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Case, Count, F, IntegerField, Q, When
from django.utils import timezone

from wenming.core.scope import scope_queryset
from wenming.org.models import Region, RegionLevel

from . import selectors
from .models import (
    HOLDS_TITLE,
    CoverageTarget,
    CreationType,
    EntityKind,
    EntryStatus,
    levels_at_or_above,
)

CANDIDATES = 3
# Written as a list, not `exclude(HOLDS_TITLE)`: a NOT IN cannot walk the candidates index.
NOT_HOLDING = (EntryStatus.NONE, EntryStatus.REVOKED)


@dataclass
class CoverageRow:
    district: Region
    target: CoverageTarget | None
    population: int
    registered: int
    reached: int
    gained: int
    lost: int
    candidates: list = field(default_factory=list)

    @property
    def share(self) -> Decimal | None:
        if not self.population:
            return None
        return (Decimal(self.reached * 100) / self.population).quantize(Decimal("0.1"))

    @property
    def share_year_ago(self) -> Decimal | None:
        if not self.population:
            return None
        before = max(0, self.reached - self.gained + self.lost)
        return (Decimal(before * 100) / self.population).quantize(Decimal("0.1"))

    @property
    def needed(self) -> int | None:
        """How many more must be honoured for the share to be more than the target's."""
        if self.target is None:
            return None
        must = math.floor(self.target.share * self.population / 100) + 1
        return max(0, min(must, self.population) - self.reached) if self.population else 0

    @property
    def gap(self) -> Decimal | None:
        """Percentage points short of the target (0 when met)."""
        if self.target is None or self.share is None:
            return None
        return max(Decimal("0"), self.target.share - self.share) if self.needed else Decimal("0")

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.needed == 0

    @property
    def trend(self) -> int:
        return self.gained - self.lost

    @property
    def campaign(self):
        """The scheme edition of the county's own campaign, if it runs one."""
        return (
            self.target.system
            if self.target is not None and self.target.region_id == self.district.pk
            else None
        )


def _districts(actor) -> list[Region]:
    """County-level regions the reader sees (a street officer: their own county)."""
    qs = scope_queryset(Region.objects.filter(level=RegionLevel.DISTRICT), actor)
    found = list(qs.order_by("path"))
    region = getattr(actor, "region", None)
    if (
        not found
        and region is not None
        and region.level in (RegionLevel.STREET, RegionLevel.COMMUNITY)
    ):
        from .levels import district_of

        own = district_of(region)
        found = [own] if own is not None else []
    return found


def _population(actor, kind: CreationType) -> dict[int, int]:
    """Regions of the type's kinds per county (the candidates of a village or town type)."""
    qs = scope_queryset(Region.objects.filter(kind__in=kind.region_kind_list), actor)
    county = Case(
        When(level=RegionLevel.STREET, then=F("parent_id")),
        When(level=RegionLevel.COMMUNITY, then=F("parent__parent_id")),
        When(level=RegionLevel.DISTRICT, then=F("pk")),
        output_field=IntegerField(),
    )
    rows = qs.order_by().annotate(county=county).values("county").annotate(n=Count("id"))
    return {row["county"]: row["n"] for row in rows}


def coverage(
    *, actor, type: CreationType, today: date | None = None, candidates: int = CANDIDATES
) -> list[CoverageRow]:
    """One row per county-level region in the reader's scope (see the module docstring)."""
    today = today or timezone.localdate()
    year_ago = today - timedelta(days=365)
    districts = _districts(actor)
    targets = {
        t.region_id: t
        for t in CoverageTarget.objects.filter(type=type).select_related("system", "region")
    }
    city_target = next((t for t in targets.values() if t.region.level == RegionLevel.CITY), None)
    base = selectors.entries_by_county(actor=actor, type=type).order_by()
    # Three narrow aggregates rather than one with CASE per row: each reads one index alone
    # (a third of the time of the single query over 100,000 entries; docs/creation.md).
    registered = dict(base.values_list("district_id").annotate(n=Count("id")))
    holding: dict[int, dict[str, tuple[int, int]]] = {}
    for district_id, level, n, gained in (
        base.filter(status__in=HOLDS_TITLE, valid_until__gte=today)
        .values_list("district_id", "level")
        .annotate(n=Count("id"), gained=Count("id", filter=Q(honoured_since__gt=year_ago)))
    ):
        holding.setdefault(district_id, {})[level] = (n, gained)
    lost_by = dict(
        base.filter(lost_on__gt=year_ago).values_list("district_id").annotate(n=Count("id"))
    )
    population = _population(actor, type) if type.entity_kind == EntityKind.REGION else None
    result = []
    for district in districts:
        target = targets.get(district.pk) or city_target
        wanted = set(levels_at_or_above(target.min_level if target else "county"))
        held = holding.get(district.pk, {})
        reached = sum(n for lvl, (n, _g) in held.items() if lvl in wanted)
        gained = sum(g for lvl, (_n, g) in held.items() if lvl in wanted)
        count = registered.get(district.pk, 0)
        pop = population.get(district.pk, 0) if population is not None else count
        result.append(
            CoverageRow(
                district=district,
                target=target,
                population=max(pop, reached),
                registered=count,
                reached=reached,
                gained=gained,
                lost=lost_by.get(district.pk, 0),
            )
        )
    if candidates:
        for row in result:
            row.candidates = closest(
                actor=actor, type=type, district=row.district, limit=candidates
            )
    return result


def closest(*, actor, type: CreationType, district: Region, limit: int = CANDIDATES) -> list:
    """The entries of the county not holding the title, best latest score first."""
    return list(
        selectors.entries_by_county(actor=actor, type=type)
        .filter(district=district, score__isnull=False, status__in=NOT_HOLDING)
        .order_by("-score", "id")
        .values("id", "name", "score", "stage", "status")[:limit]
    )


def totals(rows: list[CoverageRow]) -> dict:
    """The city line: sums over the counties shown."""
    population = sum(r.population for r in rows)
    reached = sum(r.reached for r in rows)
    return {
        "population": population,
        "reached": reached,
        "share": (Decimal(reached * 100) / population).quantize(Decimal("0.1"))
        if population
        else None,
        "short": sum(1 for r in rows if r.met is False),
        "needed": sum(r.needed or 0 for r in rows),
    }
