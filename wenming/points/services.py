"""Every write to the points registry."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from wenming.core.audit import audit_record
from wenming.core.errors import Conflict, InvalidInput, refuse_other_fields
from wenming.org.models import Region, Unit
from wenming.standards.models import PointType
from wenming.standards.services import require_office
from wenming.standards.spec import CHINA_LAT, CHINA_LON

from .models import Point, PointEvent

POINT_LEVELS = ("street", "community")
# The fields an edit may change, in the order the point form shows them (forms.py).
EDITABLE = (
    "name",
    "point_type",
    "region",
    "responsible_units",
    "address",
    "lat",
    "lon",
    "is_active",
    "notes",
)
BATCH = 2000


def _actor_or_none(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _check(*, region: Region, lat: float, lon: float) -> None:
    if region.level not in POINT_LEVELS:
        raise InvalidInput(
            _("A point belongs to a street/town or a community/village, not to a whole %(level)s.")
            % {"level": region.get_level_display()},
            code="region_level",
        )
    if not (CHINA_LAT[0] <= lat <= CHINA_LAT[1] and CHINA_LON[0] <= lon <= CHINA_LON[1]):
        raise InvalidInput(
            _(
                "The coordinates %(lat)s, %(lon)s lie outside China (WGS-84 latitude "
                "and longitude expected)."
            )
            % {"lat": lat, "lon": lon},
            code="outside_china",
        )


def _clean(point: Point) -> None:
    try:
        point.full_clean(
            exclude=["responsible_units"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        parts = [
            f"{point._meta.get_field(k).verbose_name}: {' '.join(v)}"
            for k, v in exc.message_dict.items()
            if k != "__all__"
        ]
        raise InvalidInput("; ".join(parts), details={"fields": exc.message_dict}) from exc


def point_create(
    *,
    code: str,
    name: str,
    point_type: PointType,
    region: Region,
    lat: float,
    lon: float,
    responsible_units=(),
    address: str = "",
    notes: str = "",
    is_active: bool = True,
    actor,
) -> Point:
    """Register an assessment point (office only)."""
    require_office(actor)
    point = Point(
        code=code,
        name=name,
        point_type=point_type,
        region=region,
        lat=lat,
        lon=lon,
        address=address,
        notes=notes,
        is_active=is_active,
    )
    _clean(point)
    _check(region=region, lat=lat, lon=lon)
    with transaction.atomic():
        if Point.objects.filter(code=code).exists():
            raise Conflict(
                _("A point with code %(code)s already exists.") % {"code": code},
                code="duplicate_code",
            )
        try:
            with transaction.atomic():
                point.save()
        except IntegrityError as exc:
            raise Conflict(
                _("A point with code %(code)s already exists.") % {"code": code},
                code="duplicate_code",
            ) from exc
        point.responsible_units.set(responsible_units)
        data = {"code": code, "units": sorted(u.code for u in responsible_units)}
        PointEvent.objects.create(
            point=point, actor=_actor_or_none(actor), action="create", data=data
        )
        audit_record(action="points.create", actor=actor, target=point, data=data)
    return point


def _value(obj):
    if isinstance(obj, Region | PointType):
        return obj.code
    return obj


def point_update(*, point: Point, actor, data: dict) -> Point:
    """Edit a point (its code never changes: inspections and problems cite it)."""
    require_office(actor)
    refuse_other_fields(data, EDITABLE)
    with transaction.atomic():
        point = (
            Point.objects.select_for_update()
            .select_related("region", "point_type")
            .get(pk=point.pk)
        )
        changes = {}
        for name, value in data.items():
            if name == "responsible_units":
                old = sorted(point.responsible_units.values_list("code", flat=True))
                new = sorted(u.code for u in value)
                if old != new:
                    changes[name] = [old, new]
                continue
            old = getattr(point, name)
            if old != value:
                changes[name] = [_value(old), _value(value)]
                setattr(point, name, value)
        if not changes:
            return point
        _clean(point)
        _check(region=point.region, lat=point.lat, lon=point.lon)
        point.save()
        if "responsible_units" in changes:
            point.responsible_units.set(data["responsible_units"])
        PointEvent.objects.create(
            point=point, actor=_actor_or_none(actor), action="update", data={"changes": changes}
        )
        audit_record(action="points.update", actor=actor, target=point, data={"changes": changes})
    return point


def point_set_active(*, point: Point, active: bool, actor) -> Point:
    """Retire a point from sampling, or bring it back."""
    return point_update(point=point, actor=actor, data={"is_active": active})


LOAD_FIELDS = ["name", "point_type_id", "region_id", "address", "lat", "lon", "is_active", "notes"]


def points_bulk_upsert(*, rows, actor, is_demo: bool = False, audit: bool = True) -> dict:
    """Create or update points by code from validated `PointSpec` rows (import and demo)."""
    require_office(actor)
    type_ids = dict(PointType.objects.values_list("code", "pk"))
    region_ids = dict(Region.objects.values_list("code", "pk"))
    unit_ids = dict(Unit.objects.values_list("code", "pk"))
    with transaction.atomic():
        existing = {p.code: p for p in Point.objects.only("pk", "code", *LOAD_FIELDS)}
        new, changed = [], []
        for row in rows:
            values = {
                "name": row.name,
                "point_type_id": type_ids[row.point_type_code],
                "region_id": region_ids[row.region_code],
                "address": row.address,
                "lat": row.lat,
                "lon": row.lon,
                "is_active": row.is_active,
                "notes": row.notes,
            }
            current = existing.get(row.code)
            if current is None:
                new.append(Point(code=row.code, is_demo=is_demo, **values))
            elif any(getattr(current, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(current, k, v)
                changed.append(current)
        Point.objects.bulk_create(new, batch_size=BATCH)
        if changed:
            Point.objects.bulk_update(changed, LOAD_FIELDS, batch_size=BATCH)
        _replace_units(rows, unit_ids)
        events = [
            PointEvent(
                point_id=p.pk, actor=_actor_or_none(actor), action="import", data={"created": True}
            )
            for p in new
        ]
        events += [
            PointEvent(
                point_id=p.pk, actor=_actor_or_none(actor), action="import", data={"created": False}
            )
            for p in changed
        ]
        PointEvent.objects.bulk_create(events, batch_size=BATCH)
        counts = {"created": len(new), "updated": len(changed), "rows": len(rows)}
        if audit:
            audit_record(action="points.import", actor=actor, data=counts)
    return counts


def _replace_units(rows, unit_ids: dict[str, int]) -> None:
    """Make each row's responsible units exactly those listed (only rows that differ)."""
    point_ids = dict(Point.objects.values_list("code", "pk"))
    through = Point.responsible_units.through
    current: dict[int, set[int]] = {}
    for point_id, unit_id in through.objects.values_list("point_id", "unit_id").iterator(
        chunk_size=BATCH
    ):
        current.setdefault(point_id, set()).add(unit_id)
    stale, fresh = [], []
    for row in rows:
        point_id = point_ids[row.code]
        wanted = {unit_ids[c] for c in row.responsible_units}
        if current.get(point_id, set()) != wanted:
            stale.append(point_id)
            fresh += [through(point_id=point_id, unit_id=u) for u in sorted(wanted)]
    for start in range(0, len(stale), 500):
        through.objects.filter(point_id__in=stale[start : start + 500]).delete()
    through.objects.bulk_create(fresh, batch_size=BATCH)
