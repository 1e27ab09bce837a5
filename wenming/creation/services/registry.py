"""Writes of the registry: the office's types and targets, and entries (find or register)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from wenming.core.audit import audit_record
from wenming.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from wenming.core.roles import Role, require_office
from wenming.core.scope import scope_allows
from wenming.org.models import Region, RegionLevel, Unit

from ..levels import district_of
from ..models import (
    CoverageTarget,
    CreationType,
    EntityKind,
    Entry,
    HonourLevel,
)

READ_ONLY = (Role.LEADER, Role.INSPECTOR, Role.EVALUATOR)


def _decimal(value, what: str, low=Decimal("0"), high=None) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidInput(_("%(what)s must be a number.") % {"what": what}) from None
    if not number.is_finite() or number < low or (high is not None and number > high):
        raise InvalidInput(_("%(what)s is out of range.") % {"what": what})
    return number.quantize(Decimal("0.01"))


def type_save(
    *,
    actor,
    code: str,
    name: str,
    entity_kind: str,
    system,
    name_en: str = "",
    levels=None,
    region_kinds=(),
    pass_score=85,
    validity_years: int = 3,
    notice_days: int = 7,
    order: int = 0,
    is_active: bool = True,
    is_demo: bool = False,
) -> CreationType:
    """Create or change a creation type (the office only): its scheme, levels and terms."""
    require_office(actor, _("Only the Civilization Office configures creation types."))
    levels = list(levels or [v for v, _label in HonourLevel.choices])
    bad = [v for v in levels if v not in HonourLevel.values]
    if not code or not name or bad:
        raise InvalidInput(_("A type needs a code, a name and known honour levels."))
    if entity_kind not in EntityKind.values:
        raise InvalidInput(_("Unknown kind of entity."))
    if not 1 <= int(validity_years) <= 10 or not 0 <= int(notice_days) <= 60:
        raise InvalidInput(_("The validity is 1 to 10 years and the notice 0 to 60 days."))
    values = {
        "name": name,
        "name_en": name_en,
        "entity_kind": entity_kind,
        "system": system,
        "levels": ",".join(v for v in HonourLevel.values if v in levels),
        "region_kinds": ",".join(region_kinds),
        "pass_score": _decimal(pass_score, _("The qualifying score")),
        "validity_years": int(validity_years),
        "notice_days": int(notice_days),
        "order": int(order),
        "is_active": is_active,
        "is_demo": is_demo,
    }
    with transaction.atomic():
        kind, created = CreationType.objects.update_or_create(code=code, defaults=values)
        audit_record(
            action="creation.type_save",
            actor=actor,
            target=kind,
            data={"code": code, "created": created},
        )
    return kind


def target_set(
    *,
    actor,
    region: Region,
    type: CreationType,
    share,
    due_on,
    min_level: str = HonourLevel.COUNTY,
    system=None,
    note: str = "",
    is_demo: bool = False,
) -> CoverageTarget:
    """Set the coverage target of a region for a type (the office only); a scheme edition
    makes it the region's own campaign (a county-level city's, with the county edition)."""
    require_office(actor, _("Only the Civilization Office sets coverage targets."))
    if min_level not in HonourLevel.values:
        raise InvalidInput(_("Unknown honour level."))
    if region.level not in (RegionLevel.CITY, RegionLevel.DISTRICT):
        raise InvalidInput(_("Targets are set for the city or a county-level region."))
    values = {
        "min_level": min_level,
        "share": _decimal(share, _("The share"), high=Decimal("100")),
        "due_on": due_on,
        "system": system,
        "note": note[:300],
        "is_demo": is_demo,
    }
    with transaction.atomic():
        target, created = CoverageTarget.objects.update_or_create(
            region=region, type=type, defaults=values
        )
        audit_record(
            action="creation.target_set",
            actor=actor,
            target=target,
            data={"region": region.code, "type": type.code, "share": str(values["share"])},
        )
    return target


def scheme_for(*, type: CreationType, district: Region | None):
    """The scheme edition an entry of `district` is assessed against: its county-level
    region's own campaign edition when it runs one, else the type's scheme."""
    if district is not None:
        own = (
            CoverageTarget.objects.filter(type=type, region=district, system__isnull=False)
            .select_related("system")
            .first()
        )
        if own is not None:
            return own.system
    return type.system


def _entity(type: CreationType, *, name, region, unit, point) -> tuple[str, str, Region]:
    """(key, name, region) of the entity an application names, by the type's kind."""
    kind = type.entity_kind
    if kind == EntityKind.UNIT and unit is not None:
        region = region or Region.objects.filter(parent__isnull=True).order_by("path").first()
        return f"unit:{unit.pk}", name or unit.name, region
    if kind == EntityKind.REGION:
        if region is None:
            raise InvalidInput(_("Name the village or town (its region code)."))
        if type.region_kind_list and region.kind not in type.region_kind_list:
            raise InvalidInput(
                _("%(region)s is not a kind of region this type honours.")
                % {"region": region.display_name}
            )
        return f"region:{region.pk}", region.name, region
    if kind == EntityKind.CAMPUS and point is not None:
        return f"point:{point.pk}", name or point.name, region or point.region
    if region is None or not name:
        raise InvalidInput(_("Name the entity and the region it belongs to."))
    return f"name:{region.pk}:{name.strip()}", name.strip(), region


def may_register(actor, region: Region, unit: Unit | None) -> None:
    """Who may put an entity forward: the office, a region officer for their subtree, a unit
    officer for their own unit; outside the actor's scope the region is not found (404)."""
    role = getattr(actor, "role", None)
    if role in READ_ONLY or not role:
        raise NotAllowed(_("Your role reads the registry; it does not apply."))
    if role == Role.UNIT_OFFICER:
        if unit is None or unit.pk != actor.unit_id:
            raise NotFound(code="entity_not_found")
        return
    if not scope_allows(actor, region):
        raise NotFound(code="entity_not_found")


def entry_register(
    *,
    actor,
    type: CreationType,
    name: str = "",
    region: Region | None = None,
    unit: Unit | None = None,
    point=None,
    is_demo: bool = False,
) -> Entry:
    """The registry's entry for this entity and type, registered on first use."""
    key, name, region = _entity(type, name=name, region=region, unit=unit, point=point)
    may_register(actor, region, unit)
    found = Entry.objects.filter(type=type, key=key).first()
    if found is not None:
        return found
    district = district_of(region)
    entry = Entry(
        type=type,
        key=key,
        name=name[:200],
        region=region,
        district=district,
        unit=unit,
        point=point,
        system=scheme_for(type=type, district=district),
        is_demo=is_demo,
    )
    try:
        with transaction.atomic():
            entry.save(force_insert=True)
            audit_record(
                action="creation.entry_register",
                actor=actor,
                target=entry,
                data={"type": type.code, "key": key, "region": region.code},
            )
    except IntegrityError:
        # Registered by someone else a moment ago: that entry is this one.
        found = Entry.objects.filter(type=type, key=key).first()
        if found is None:
            raise Conflict(_("The entry could not be registered; try again.")) from None
        return found
    return entry
