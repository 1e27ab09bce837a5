"""Every read of the organisation tables that a user sees; always scoped."""

from django.db.models import QuerySet

from wenming.core.errors import NotFound
from wenming.core.refcache import Reference, ReferenceCache
from wenming.core.scope import scope_allows, scope_queryset

from .models import Person, Region, Unit


def regions_visible(*, actor, level: str | None = None, parent_code: str | None = None) -> QuerySet:
    qs = scope_queryset(Region.objects.select_related("parent"), actor)
    if level:
        qs = qs.filter(level=level)
    if parent_code:
        qs = qs.filter(parent__code=parent_code)
    return qs.order_by("path")


def region_get(*, actor, code: str) -> Region:
    region = regions_visible(actor=actor).filter(code=code).first()
    if region is None:
        raise NotFound(code="region_not_found")
    return region


def units_visible(*, actor, active_only: bool = False) -> QuerySet:
    qs = scope_queryset(Unit.objects.all(), actor)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("code")


def unit_get(*, actor, code: str) -> Unit:
    unit = units_visible(actor=actor).filter(code=code).first()
    if unit is None:
        raise NotFound(code="unit_not_found")
    return unit


def people_visible(*, actor) -> QuerySet:
    return scope_queryset(Person.objects.select_related("region", "unit"), actor).order_by(
        "username"
    )


# The two reference tables, for look-ups on hot paths (problem reports, ledger pages): a copy
# per process that every app server drops at once when a service changes a row
# (core/refcache.py). A region or unit created since the last load is read on its own.
REGIONS = ReferenceCache(lambda: Region.objects.all())
UNITS = ReferenceCache(lambda: Unit.objects.all())


def region_cached(*, actor, code) -> Region | None:
    """The region with `code` if `actor` may see it, from the per-process cache."""
    region = REGIONS.by_key(str(code)[:12]) if code else None
    return region if region is not None and scope_allows(actor, region) else None


def unit_cached(*, actor, code) -> Unit | None:
    """The member unit with `code` if `actor` may see it, from the per-process cache."""
    unit = UNITS.by_key(str(code)[:32]) if code else None
    return unit if unit is not None and scope_allows(actor, unit) else None


# The rows a filter form offers, in the order it lists them, kept beside the copies they come
# from: a ledger page draws its region and unit choices without a query or a sort.
_REGIONS_BY_PATH = Reference(lambda: sorted(REGIONS.all(), key=lambda region: region.path))
_UNITS_BY_CODE = Reference(lambda: sorted(UNITS.all(), key=lambda unit: unit.code))


def region_choices(*, actor, exclude_level: str | None = None) -> list[Region]:
    """The regions `actor` may see, by path (as `regions_visible`), from the reference copies."""
    return [
        region
        for region in _REGIONS_BY_PATH.get()
        if region.level != exclude_level and scope_allows(actor, region)
    ]


def unit_choices(*, actor, active_only: bool = False) -> list[Unit]:
    """The member units `actor` may see, by code (as `units_visible`), from the reference copies."""
    return [
        unit
        for unit in _UNITS_BY_CODE.get()
        if (unit.is_active or not active_only) and scope_allows(actor, unit)
    ]
