"""The world the demo problems happen in: areas, assessment spots, people and units."""

import bisect
import random

from ..models import (
    Category,
)
from .content import (
    DEFAULT_OWNER,
    OWNERS,
    PLACE_KINDS,
)


class _Picker:
    """Weighted choice by bisection over cumulative weights (random.choices is slower)."""

    def __init__(self, pairs):
        self.items = [item for item, _weight in pairs]
        self.cum, total = [], 0.0
        for _item, weight in pairs:
            total += weight
            self.cum.append(total)
        self.total = total

    def __call__(self, rng: random.Random):
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


# --- the world the problems happen in ------------------------------------------------------


class _Area:
    """A community (or a street without communities) with its ancestors."""

    __slots__ = (
        "region_id",
        "street_id",
        "district_id",
        "lat",
        "lon",
        "name",
        "street_name",
        "district_name",
        "district_code",
    )

    def __init__(self, **kw):
        for key, value in kw.items():
            setattr(self, key, value)


class _Spot:
    """An assessment point: where inspections find problems, with its checklist items."""

    __slots__ = ("point_id", "area", "lat", "lon", "name", "address", "items", "owners")

    def __init__(self, **kw):
        for key, value in kw.items():
            setattr(self, key, value)


class _World:
    """Everything the generator reads from the database, loaded once."""

    def __init__(self, rng: random.Random):
        from wenming.org.models import Person, Region, RegionLevel, Unit
        from wenming.org.roles import Role

        self.categories = {
            c["code"]: c
            for c in Category.objects.filter(is_active=True).values(
                "id", "code", "kind", "deadline_days"
            )
        }
        if not self.categories:
            raise RuntimeError("no active problem categories (migration 0003 seeds them)")
        self.units = {
            u["code"]: u for u in Unit.objects.filter(is_active=True).values("id", "code", "name")
        }
        self.unit_name = {u["id"]: u["name"] for u in self.units.values()}
        self.unit_code = {u["id"]: u["code"] for u in self.units.values()}
        regions = {
            r["id"]: r
            for r in Region.objects.values(
                "id",
                "code",
                "name",
                "level",
                "parent_id",
                "center_lat",
                "center_lon",
                "path",
                "kind",
            )
        }
        self.region_code = {r["id"]: r["code"] for r in regions.values()}
        self.region_name = {r["id"]: r["name"] for r in regions.values()}
        self.areas_by_region: dict[int, _Area] = {}
        by_district: dict[int, list[_Area]] = {}
        has_children = {r["parent_id"] for r in regions.values()}
        for r in regions.values():
            if r["level"] not in (RegionLevel.STREET, RegionLevel.COMMUNITY):
                continue
            street = r if r["level"] == RegionLevel.STREET else regions.get(r["parent_id"])
            district = regions.get(street["parent_id"]) if street else None
            if street is None or district is None:
                continue
            lat = r["center_lat"] or street["center_lat"] or district["center_lat"] or 38.914
            lon = r["center_lon"] or street["center_lon"] or district["center_lon"] or 121.614
            area = _Area(
                region_id=r["id"],
                street_id=street["id"],
                district_id=district["id"],
                lat=lat,
                lon=lon,
                name=r["name"],
                street_name=street["name"],
                district_name=district["name"],
                district_code=district["code"],
            )
            self.areas_by_region[r["id"]] = area
            if r["level"] == RegionLevel.COMMUNITY or r["id"] not in has_children:
                by_district.setdefault(district["id"], []).append(area)
        if not by_district:
            raise RuntimeError("no streets or communities: load the org demo first")
        # Urban districts report far more than counties (population, inspections, hotline).
        weight_of_kind = {"district": 3.0, "pilot_area": 1.5, "county_city": 1.2, "county": 0.5}
        self.district_picker = _Picker(
            [
                (district_id, weight_of_kind.get(regions[district_id]["kind"], 1.0))
                for district_id in sorted(by_district)
            ]
        )
        self.areas_of = by_district
        self.place_kinds = _Picker(
            [
                (
                    (
                        suffix,
                        _Picker(
                            [(c, float(n)) for c, n in (pair.split(":") for pair in cats.split())]
                        ),
                    ),
                    weight,
                )
                for suffix, weight, cats in PLACE_KINDS
            ]
        )
        self.spots = self._spots()
        self.spot_picker = _Picker([(spot, 1.0) for spot in self.spots]) if self.spots else None
        people = {
            p["username"]: p
            for p in Person.objects.filter(is_active=True).values(
                "id", "username", "role", "unit_id", "region_id"
            )
        }
        self.office = people.get("office") or next(
            (p for p in people.values() if p["role"] == Role.OFFICE_ADMIN), None
        )
        self.inspector = people.get("inspector") or next(
            (p for p in people.values() if p["role"] == Role.INSPECTOR), None
        )
        self.unit_officer = {}
        self.region_officer = {}
        for p in people.values():
            if p["role"] == Role.UNIT_OFFICER and p["unit_id"]:
                self.unit_officer.setdefault(p["unit_id"], p)
            if p["role"] == Role.REGION_OFFICER and p["region_id"]:
                self.region_officer.setdefault(p["region_id"], p)
        self.rng = rng

    def _spots(self) -> list[_Spot]:
        try:
            from wenming.points.models import Point
            from wenming.standards.models import ChecklistItem, SystemStatus
        except ImportError:  # the points app is optional for the ledger
            return []
        items: dict[int, list[tuple]] = {}
        for item in ChecklistItem.objects.filter(system__status=SystemStatus.ACTIVE).values(
            "id", "point_type_id", "standard_id", "default_category_code", "deadline_days"
        ):
            if item["default_category_code"] in self.categories:
                items.setdefault(item["point_type_id"], []).append(
                    (
                        item["id"],
                        item["standard_id"],
                        item["default_category_code"],
                        item["deadline_days"],
                    )
                )
        owners: dict[int, list[int]] = {}
        through = Point.responsible_units.through
        for point_id, unit_id in through.objects.values_list("point_id", "unit_id"):
            owners.setdefault(point_id, []).append(unit_id)
        spots = []
        for p in (
            Point.objects.filter(is_active=True)
            .values("id", "name", "address", "lat", "lon", "region_id", "point_type_id")
            .order_by("id")
        ):
            area = self.areas_by_region.get(p["region_id"])
            if area is None or not items.get(p["point_type_id"]):
                continue
            spots.append(
                _Spot(
                    point_id=p["id"],
                    area=area,
                    lat=p["lat"],
                    lon=p["lon"],
                    name=p["name"],
                    address=p["address"] or p["name"],
                    items=items[p["point_type_id"]],
                    owners=[u for u in owners.get(p["id"], []) if u in self.unit_name],
                )
            )
        return spots

    def owner_of(self, category_code: str, rng) -> int | None:
        codes = [c for c in OWNERS.get(category_code, DEFAULT_OWNER) if c in self.units]
        if not codes:
            codes = [c for c in DEFAULT_OWNER if c in self.units] or sorted(self.units)
        return self.units[rng.choice(codes)]["id"] if codes else None
