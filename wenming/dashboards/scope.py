"""Whose figures a dashboard shows, and who may ask for them.

The office and leaders see the city and may open any district, street or unit; a region
officer their own region and the regions inside it; a unit officer their own unit. Anything
else answers 404 (its existence does not leak); people with no dashboard (inspectors,
evaluators, the public) get 403.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from wenming.core.errors import NotAllowed, NotFound
from wenming.core.roles import Role
from wenming.org.models import Region, RegionLevel, Unit

from .aggregates import ALL

SEES_CITY = (Role.OFFICE_ADMIN, Role.LEADER)
HAS_DASHBOARD = (*SEES_CITY, Role.REGION_OFFICER, Role.UNIT_OFFICER)


@dataclass(frozen=True)
class DashScope:
    """One dashboard's subject: the city, a district, a street or a unit."""

    kind: str  # "city", "district", "street", "unit"
    region: Region | None = None
    unit: Unit | None = None

    @property
    def name(self) -> str:
        if self.unit is not None:
            return self.unit.display_name
        if self.region is not None:
            return self.region.display_name
        return _("The city")

    @property
    def key(self) -> str:
        """The subject as a query parameter value (what the API and pages take back)."""
        if self.unit is not None:
            return f"unit={self.unit.code}"
        if self.region is not None:
            return f"region={self.region.code}"
        return ""

    def status_filter(self) -> dict:
        """The StatusCount rows of this subject (see aggregates.py), split by `breakdown`.

        The city and a district read the rows of the level below, not their own roll-up: they
        add up to the same counts, and the chart by district or street groups them. A
        district's roll-up (street = ALL) put every problem under "not placed"."""
        if self.kind == "unit":
            return {"district": ALL, "street": ALL, "unit": self.unit.pk}
        if self.kind == "street":
            return {"street": self.region.pk, "unit": ALL}
        if self.kind == "district":
            # Its streets' rows; street 0 holds its problems placed in no street.
            return {"district": self.region.pk, "street__gte": 0, "unit": ALL}
        return {"street": ALL, "unit": ALL, "district__gte": 0}

    def day_model_filter(self):
        """(model name, filter) of this subject's day counts."""
        if self.kind == "unit":
            return "unit", {"unit": self.unit.pk}
        if self.kind == "street":
            return "region", {"street": self.region.pk}
        if self.kind == "district":
            return "region", {"district": self.region.pk, "street": ALL}
        return "region", {"district": ALL, "street": ALL}

    @property
    def breakdown(self) -> str:
        """The places its figures are split by: districts of the city, streets of a district."""
        return {"city": "district", "district": "street"}.get(self.kind, "")


def dashboard_scope(*, actor, region: str | None = None, unit: str | None = None) -> DashScope:
    """The subject `actor` asked for (by region or unit code), or their own by default."""
    role = getattr(actor, "role", "")
    if not getattr(actor, "is_authenticated", False) or role not in HAS_DASHBOARD:
        raise NotAllowed(
            _("Dashboards are for the office, leaders, districts and member units."),
            code="no_dashboard",
        )
    if region and unit:
        raise NotFound(code="dashboard_not_found")
    if unit:
        found = Unit.objects.filter(code=unit).first()
        allowed = found is not None and (
            role in SEES_CITY or (role == Role.UNIT_OFFICER and actor.unit_id == found.pk)
        )
        if not allowed:
            raise NotFound(code="dashboard_not_found")
        return DashScope("unit", unit=found)
    if region:
        found = Region.objects.filter(code=region).first()
        if found is None or found.level not in (
            RegionLevel.CITY,
            RegionLevel.DISTRICT,
            RegionLevel.STREET,
        ):
            raise NotFound(code="dashboard_not_found")
        own = getattr(actor, "region", None)
        allowed = role in SEES_CITY or (
            role == Role.REGION_OFFICER and own is not None and own.contains(found)
        )
        if not allowed:
            raise NotFound(code="dashboard_not_found")
        if found.level == RegionLevel.CITY:
            return DashScope("city")
        return DashScope(found.level, region=found)
    if role in SEES_CITY:
        return DashScope("city")
    if role == Role.UNIT_OFFICER and actor.unit_id:
        return DashScope("unit", unit=actor.unit)
    own = getattr(actor, "region", None)
    if role == Role.REGION_OFFICER and own is not None:
        if own.level in (RegionLevel.DISTRICT, RegionLevel.STREET):
            return DashScope(own.level, region=own)
        if own.level == RegionLevel.CITY:
            return DashScope("city")
    raise NotFound(code="dashboard_not_found")
