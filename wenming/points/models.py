"""The registry of assessment points (测评点位) that field inspections visit."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wenming.core.models import ActivityRecord
from wenming.core.scope import ScopeRule
from wenming.standards.labels import action_label
from wenming.standards.models import code_validator


class Point(models.Model):
    """A place an inspector visits: a market, a school gate, a back street."""

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    point_type = models.ForeignKey(
        "standards.PointType",
        verbose_name=_("point type"),
        on_delete=models.PROTECT,
        related_name="points",
    )
    # A street/town or community/village: the territorial owner (属地).
    region = models.ForeignKey(
        "org.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="points"
    )
    responsible_units = models.ManyToManyField(
        "org.Unit", verbose_name=_("responsible units"), blank=True, related_name="points"
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    lat = models.FloatField(_("latitude (WGS-84)"))
    lon = models.FloatField(_("longitude (WGS-84)"))
    is_active = models.BooleanField(_("active"), default=True)
    notes = models.TextField(_("notes"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # A region officer sees the points of their subtree; a unit officer the points their unit
    # answers for (each (point, unit) pair is unique, so the join cannot duplicate rows).
    # Inspectors and evaluators see the points of the visits assigned to them (inspections).
    SCOPE = ScopeRule(
        region="region",
        units=("responsible_units",),
        assignee="visits__team",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("assessment point")
        verbose_name_plural = _("assessment points")
        constraints = [
            models.CheckConstraint(
                name="point_lat_in_range", condition=Q(lat__gte=-90, lat__lte=90)
            ),
            models.CheckConstraint(
                name="point_lon_in_range", condition=Q(lon__gte=-180, lon__lte=180)
            ),
        ]
        indexes = [
            # The map's bounding-box query: a range on lat, then lon checked inside the index.
            models.Index(fields=["lat", "lon"], name="point_lat_lon"),
            # The filtered list, keyset-paginated on code.
            models.Index(fields=["point_type", "code"], name="point_type_code"),
            models.Index(fields=["region", "code"], name="point_region_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PointEvent(ActivityRecord):
    """Append-only record of every change to a point."""

    point = models.ForeignKey(
        Point, verbose_name=_("assessment point"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta(ActivityRecord.Meta):
        verbose_name = _("point event")
        verbose_name_plural = _("point events")

    def __str__(self) -> str:
        return f"{self.action} {self.point_id}"

    @property
    def action_label(self) -> str:
        return action_label(self.action, subject="point")
