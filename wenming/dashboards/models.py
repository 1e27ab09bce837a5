"""Tables of the dashboards and briefings app.

The aggregates (`ProblemFact`, `StatusCount`, `RegionDay`, `UnitDay`, with `AggregateMark` and
`EventGap`) are what every dashboard reads instead of the ledger: `aggregates.py` keeps them
up to date from the problem events. Their keys are plain integers, not foreign keys: they are
counts, rebuilt from the ledger when needed, and a bulk rebuild must not check a million
references. 0 stands for "none" (a problem without a street or a responsible unit), so the
unique keys never hold NULL.

`Exposure` is the public exposure board (曝光台): problems the office publishes, with their
before and after photos, and withdraws; `ExposureEvent` its timeline.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AggregateMark(models.Model):
    """The one row saying how far the aggregates have read the problem events (pk 1)."""

    last_event_id = models.BigIntegerField(default=0)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    rebuilt_at = models.DateTimeField(null=True, blank=True)


class BigScreenPayload(models.Model):
    """The big screen's data for one subject and language in the current month, made by the
    tick after it refreshes the aggregates (`bigscreen.py`), so a request only reads it. The
    predicted-score gauge is kept apart: only the office and leaders get it."""

    subject = models.CharField(max_length=80)  # DashScope.key: "" (the city), "region=…", "unit=…"
    language = models.CharField(max_length=16)
    month = models.CharField(max_length=7)
    day = models.DateField()  # the local day it was made for (overdue counts move at midnight)
    mark = models.BigIntegerField(default=0)  # AggregateMark.last_event_id it was made at
    stored_at = models.DateTimeField(default=timezone.now)
    asked_at = models.DateTimeField(default=timezone.now)  # a screen still shows it
    body = models.JSONField()
    predicted = models.JSONField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subject", "language"], name="dash_bigscreen_key")
        ]


class EventGap(models.Model):
    """An event id below the mark not seen yet: on PostgreSQL ids are taken before commit, so a
    transaction still open when the mark passed its id commits later; it is read again until
    it appears or `GAP_TTL` has passed (a rolled-back id never appears)."""

    event_id = models.BigIntegerField(primary_key=True)
    noted_at = models.DateTimeField(default=timezone.now)


class ProblemFact(models.Model):
    """What the aggregates last counted of one problem: the subtraction half of an update."""

    problem_id = models.BigIntegerField(primary_key=True)
    district = models.BigIntegerField(default=0)
    street = models.BigIntegerField(default=0)
    unit = models.BigIntegerField(default=0)
    category = models.BigIntegerField(default=0)
    status = models.CharField(max_length=12)
    created_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    rectified_on = models.DateField(null=True, blank=True)
    deadline = models.DateField(null=True, blank=True)


class StatusCount(models.Model):
    """Problems now in each status, by district, street, responsible unit and category."""

    district = models.BigIntegerField(default=0)
    street = models.BigIntegerField(default=0)
    unit = models.BigIntegerField(default=0)
    category = models.BigIntegerField(default=0)
    status = models.CharField(max_length=12)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["district", "street", "unit", "category", "status"],
                name="dash_status_key",
            )
        ]
        indexes = [
            # One range for each scope's roll-up: the city (unit = street = ALL, district ≥ 0),
            # a district, a street (unit = ALL) and a unit (street = ALL).
            models.Index(fields=["unit", "street", "district"], name="dash_status_scope"),
        ]


class Measure(models.TextChoices):
    """What a day's count counts (each a rule of metrics.py, on the day it belongs to)."""

    REPORTED = "reported", pgettext_lazy("measure", "reported")  # day: reported (local date)
    CLOSED = "closed", pgettext_lazy("measure", "closed")  # day: closed (a closed problem)
    # day: deadline (dispatched, in progress, rectified, closed)
    DUE = "due", pgettext_lazy("measure", "due")
    CLOSED_ON_TIME = "closed_on_time", _("closed on time")  # day: deadline
    HANDLED_ON_TIME = "handled_on_time", _("handled on time")  # day: deadline
    PENDING = "pending", _("pending")  # day: deadline (dispatched or in progress)


class RegionDay(models.Model):
    """A measure's count per day, district and street."""

    day = models.DateField()
    district = models.BigIntegerField(default=0)
    street = models.BigIntegerField(default=0)
    measure = models.CharField(max_length=16, choices=Measure.choices)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "day", "district", "street"], name="dash_region_day_key"
            )
        ]
        indexes = [
            models.Index(fields=["district", "measure", "day"], name="dash_region_day_d"),
            models.Index(fields=["street", "measure", "day"], name="dash_region_day_s"),
        ]


class UnitDay(models.Model):
    """A measure's count per day and responsible unit."""

    day = models.DateField()
    unit = models.BigIntegerField(default=0)
    measure = models.CharField(max_length=16, choices=Measure.choices)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "measure", "day"], name="dash_unit_day_key")
        ]


class ExposureStatus(models.TextChoices):
    PUBLISHED = "published", pgettext_lazy("exposure status", "Published")
    WITHDRAWN = "withdrawn", pgettext_lazy("exposure status", "Withdrawn")


class Exposure(models.Model):
    """A problem the office shows the public on the exposure board (曝光台)."""

    problem = models.OneToOneField(
        "problems.Problem", on_delete=models.CASCADE, related_name="exposure"
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ExposureStatus.choices, default=ExposureStatus.PUBLISHED
    )
    before_photo = models.ForeignKey(
        "problems.ProblemPhoto", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    after_photo = models.ForeignKey(
        "problems.ProblemPhoto", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["status", "published_at"], name="exposure_status_time")]
        verbose_name = _("exposure")
        verbose_name_plural = _("exposures")

    def __str__(self) -> str:
        return self.title


class ExposureEvent(models.Model):
    """One publish or withdrawal of an exposure: who, when, why."""

    exposure = models.ForeignKey(Exposure, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=10)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        from .activity import LABELS

        return str(LABELS.get(f"exposure.{self.action}", self.action))
