"""Every read of the creation registry a user sees, narrowed to the reader's scope."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from wenming.core.errors import NotFound
from wenming.core.scope import scope_queryset

from . import levels, lifecycle
from .models import (
    HOLDS_TITLE,
    Application,
    ApplicationStatus,
    CoverageTarget,
    CreationType,
    Entry,
)


def types_visible(*, actor, active_only: bool = True) -> QuerySet:
    qs = scope_queryset(CreationType.objects.select_related("system"), actor)
    return qs.filter(is_active=True) if active_only else qs


def type_get(*, actor, code: str) -> CreationType:
    found = types_visible(actor=actor, active_only=False).filter(code=code).first()
    if found is None:
        raise NotFound(code="type_not_found")
    return found


def entries_visible(*, actor, type=None, region=None, status: str | None = None) -> QuerySet:
    """Entries in the reader's scope, optionally of a type, inside a region, in a status."""
    qs = scope_queryset(Entry.objects.all(), actor)
    if type is not None:
        qs = qs.filter(type=type)
    if region is not None:
        qs = qs.filter(region__path__startswith=region.path)
    if status:
        qs = qs.filter(status=status)
    return qs


def entries_by_county(*, actor, type) -> QuerySet:
    """The entries of `type` that coverage counts for the reader, filtered on the county
    column so the coverage indexes (type, district, …) answer alone.

    For a region officer at county level or above the scope rule (`region` in the officer's
    `Region.subtree_ids`) is applied to the county column instead: an entry's county is its
    region's county-level ancestor (`levels.district_of`), so it lies in the officer's subtree
    exactly when its region does. The rows are `entries_visible`'s, less the few registered at
    the city itself, which no county counts (tested against `scope_queryset`). Every other
    reader (street, community, unit officers) keeps the rule as written."""
    from wenming.core.roles import Role
    from wenming.org.models import Region, RegionLevel

    region = getattr(actor, "region", None)
    if (
        getattr(actor, "role", None) == Role.REGION_OFFICER
        and getattr(actor, "is_active", False)
        and region is not None
        and region.level in (RegionLevel.CITY, RegionLevel.DISTRICT)
    ):
        counties = (
            [region.pk]
            if region.level == RegionLevel.DISTRICT
            else list(
                Region.objects.filter(
                    pk__in=region.subtree_ids(), level=RegionLevel.DISTRICT
                ).values_list("pk", flat=True)
            )
        )
        return Entry.objects.filter(type=type, district_id__in=counties)
    return entries_visible(actor=actor, type=type)


def entry_get(*, actor, entry_id: int) -> Entry:
    found = (
        entries_visible(actor=actor)
        .filter(pk=entry_id)
        .select_related("type", "region", "district", "unit", "point", "system")
        .first()
    )
    if found is None:
        raise NotFound(code="entry_not_found")
    return found


def applications_visible(*, actor, type=None, status: str | None = None) -> QuerySet:
    qs = scope_queryset(Application.objects.all(), actor)
    if type is not None:
        qs = qs.filter(type=type)
    if status:
        qs = qs.filter(status=status)
    return qs


def application_get(*, actor, application_id: int) -> Application:
    found = (
        applications_visible(actor=actor)
        .filter(pk=application_id)
        .select_related(
            "entry", "type", "region", "district", "reviewer_region", "applicant", "system"
        )
        .first()
    )
    if found is None:
        raise NotFound(code="application_not_found")
    return found


def actions_for(*, actor, application: Application) -> list[str]:
    """The moves `actor` may make on the application now (pages show only these)."""
    from .services.applications import _may

    return [
        action
        for action in lifecycle.allowed_now(application.status)
        if _may(actor, application, lifecycle.move(application.status, action)[1])
    ]


def reviews_waiting(*, actor) -> QuerySet:
    """Applications waiting for this reader's step: first reviews of their region, and for
    the office its reviews and the notices that have ended."""
    qs = applications_visible(actor=actor)
    region = getattr(actor, "region", None)
    mine = qs.none()
    if region is not None and levels.may_review_first(actor, region):
        mine = qs.filter(reviewer_region=region, status=ApplicationStatus.SUBMITTED)
    from wenming.core.roles import is_office

    if is_office(actor):
        mine = qs.filter(
            status__in=(ApplicationStatus.REGION_PASSED, ApplicationStatus.NOTICE)
        ) | qs.filter(reviewer_region__level="city", status=ApplicationStatus.SUBMITTED)
    return mine


def honour_roll(*, actor, type=None) -> QuerySet:
    """Honours in force: approved (or warned) and within their term, newest first."""
    today = timezone.localdate()
    return (
        applications_visible(actor=actor, type=type)
        .filter(
            status__in=(ApplicationStatus.APPROVED, ApplicationStatus.WARNED),
            valid_until__gte=today,
        )
        .select_related("entry", "type", "region", "district")
        .order_by("type__order", "district__path", "-level", "entry__name")
    )


def notice_list(*, actor, type=None) -> QuerySet:
    """Applications in their public notice (公示), for publication."""
    return (
        applications_visible(actor=actor, type=type, status=ApplicationStatus.NOTICE)
        .select_related("entry", "type", "region", "district")
        .order_by("type__order", "district__path", "entry__name")
    )


def targets_visible(*, actor, type=None) -> QuerySet:
    qs = scope_queryset(CoverageTarget.objects.select_related("region", "type", "system"), actor)
    return qs.filter(type=type) if type is not None else qs


__all__ = ["HOLDS_TITLE"]
