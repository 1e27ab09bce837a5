"""Regions tree, member units of the Civilization Commission, and the people who log in."""

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wenming.core.naming import BilingualName
from wenming.core.scope import ScopeRule
from wenming.org.roles import Role, is_office

region_code_validator = RegexValidator(
    r"^\d{6}(\d{3}(\d{3})?)?$",
    _("A region code has 6 digits (division code), 9 (street/town) or 12 (community/village)."),
)


class RegionLevel(models.TextChoices):
    CITY = "city", pgettext_lazy("region", "City")
    DISTRICT = "district", _("District / county")
    STREET = "street", _("Street / town")
    COMMUNITY = "community", _("Community / village")


class RegionKind(models.TextChoices):
    CITY = "city", pgettext_lazy("region", "City")
    DISTRICT = "district", pgettext_lazy("region", "District")
    COUNTY_CITY = "county_city", _("County-level city")
    COUNTY = "county", _("County")
    PILOT_AREA = "pilot_area", _("Pilot / development area")
    STREET = "street", _("Street")
    TOWN = "town", _("Town")
    COMMUNITY = "community", _("Community")
    VILLAGE = "village", _("Village")


LEVEL_OF_KIND = {
    RegionKind.CITY: RegionLevel.CITY,
    RegionKind.DISTRICT: RegionLevel.DISTRICT,
    RegionKind.COUNTY_CITY: RegionLevel.DISTRICT,
    RegionKind.COUNTY: RegionLevel.DISTRICT,
    RegionKind.PILOT_AREA: RegionLevel.DISTRICT,
    RegionKind.STREET: RegionLevel.STREET,
    RegionKind.TOWN: RegionLevel.STREET,
    RegionKind.COMMUNITY: RegionLevel.COMMUNITY,
    RegionKind.VILLAGE: RegionLevel.COMMUNITY,
}
PARENT_LEVEL = {
    RegionLevel.CITY: None,
    RegionLevel.DISTRICT: RegionLevel.CITY,
    RegionLevel.STREET: RegionLevel.DISTRICT,
    RegionLevel.COMMUNITY: RegionLevel.STREET,
}


class Region(BilingualName, models.Model):
    """A node of the city → district → street → community tree, keyed by its division code."""

    code = models.CharField(_("code"), max_length=12, unique=True, validators=[region_code_validator])
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=RegionKind.choices)
    level = models.CharField(_("level"), max_length=16, choices=RegionLevel.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of codes ("/210200/210202/"), so a subtree is one prefix scan.
    path = models.CharField(max_length=80, unique=True, editable=False)
    # A representative point (WGS-84), used to centre maps and place generated demo data.
    center_lat = models.FloatField(_("centre latitude"), null=True, blank=True)
    center_lon = models.FloatField(_("centre longitude"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    SCOPE = ScopeRule(
        region="",
        reference_for=frozenset({Role.UNIT_OFFICER, Role.INSPECTOR, Role.EVALUATOR}),
    )

    class Meta:
        ordering = ["path"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.display_name

    def contains(self, other) -> bool:
        """True when `other` is this region or lies below it: the one containment rule.

        Paths are materialised ("/210200/210202/"), so containment is a path prefix; the
        SQL form of the same rule is `subtree_ids` (one prefix scan).
        """
        return other is not None and other.path.startswith(self.path)

    def lineage_codes(self) -> list[str]:
        """The codes from the city down to this region (the regions that contain it)."""
        return [c for c in self.path.strip("/").split("/") if c]

    def subtree_ids(self) -> list[int]:
        """Ids of this region and every region below it (cached on the instance)."""
        cached = getattr(self, "_subtree_ids", None)
        if cached is None:
            cached = list(
                Region.objects.filter(path__startswith=self.path).values_list("pk", flat=True)
            )
            self._subtree_ids = cached
        return cached

    def ancestors(self):
        codes = [c for c in self.lineage_codes() if c != self.code]
        return Region.objects.filter(code__in=codes).order_by("path")


class UnitKind(models.TextChoices):
    PARTY = "party", _("Party organ")
    GOVERNMENT = "government", _("Government department")
    PEOPLES_ORG = "peoples_org", _("People's organisation")
    ENTERPRISE = "enterprise", _("Enterprise / public institution")
    # 中省驻市单位: banks, telecoms and utilities run from Beijing or the province; the office
    # ranks them as a tier of their own and may make them guarantors of places.
    CENTRAL_PROVINCIAL = "central_prov", _("Central or provincial unit in the city")
    OTHER = "other", _("Other")


class Unit(BilingualName, models.Model):
    """A member unit of the Civilization Commission (a bureau, a federation, a company)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices,
                            default=UnitKind.GOVERNMENT)
    is_active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    SCOPE = ScopeRule(
        units=("pk",),
        reference_for=frozenset({Role.REGION_OFFICER, Role.INSPECTOR, Role.EVALUATOR}),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("member unit")
        verbose_name_plural = _("member units")

    def __str__(self) -> str:
        return self.display_name


class Person(AbstractUser):
    """Someone who logs in: office staff, officers, inspectors, evaluators, leaders."""

    display_name = models.CharField(_("full name"), max_length=100, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    region = models.ForeignKey(Region, verbose_name=_("region"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="people")
    unit = models.ForeignKey(Unit, verbose_name=_("member unit"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="people")
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # The interface language the person chose last (empty: the site's); e-mails follow it.
    language = models.CharField(_("language"), max_length=10, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    SCOPE = ScopeRule(region="region", units=("unit",))

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.CheckConstraint(
                name="person_region_officer_has_region",
                condition=~Q(role="region_officer") | Q(region__isnull=False),
            ),
            models.CheckConstraint(
                name="person_unit_officer_has_unit",
                condition=~Q(role="unit_officer") | Q(unit__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.get_username()

    @property
    def is_office(self) -> bool:
        """For templates: the one rule of who counts as the office (`roles.is_office`)."""
        return is_office(self)

    @property
    def sees_everything(self) -> bool:
        return self.role in (Role.OFFICE_ADMIN, Role.LEADER)
