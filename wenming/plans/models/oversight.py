"""Oversight of the work: supervision orders (督办单), review meetings and guarantor units (包保).

- A **supervision order** is the office's written demand on one task or one problem, with a
  deadline, a lead unit and assisting units, tracked to closure with its own timeline
  (`SupervisionEvent`) and reminders. Its states are one table in `oversight/orders.py`.
- A **review meeting** (the monthly rhythm) records attendees, the figures reviewed (frozen at
  the meeting), decisions, and commitments; each commitment *is* a task of the campaign, so it
  is reported, accepted and reminded like every other task.
- A **guarantor** (包保/包联单位) is a member unit the office assigns to a street, a community
  or an assessment point besides its territorial owner. Problems and failed checks there show
  on the guarantor's home page, and the scores rank guarantors for them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wenming.core.roles import Role
from wenming.core.scope import ScopeRule

from .campaigns import Campaign
from .tasks import Task


class OrderKind(models.TextChoices):
    ROUTINE = "routine", _("Routine supervision")
    SPECIAL = "special", _("Special supervision")


class OrderStatus(models.TextChoices):
    ISSUED = "issued", pgettext_lazy("supervision order", "Issued")
    RESPONDED = "responded", _("Responded")
    CLOSED = "closed", pgettext_lazy("supervision order", "Closed")


class OrderAction(models.TextChoices):
    ISSUE = "issue", _("Issue")
    RESPOND = "respond", _("Respond")
    CLOSE = "close", pgettext_lazy("supervision order", "Close")
    RETURN = "return", _("Return")


class SupervisionOrder(models.Model):
    """The office's order on one task or one problem, with a deadline and the units to act."""

    code = models.CharField(_("number"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=OrderKind.choices)
    title = models.CharField(_("title"), max_length=200)
    requirement = models.TextField(_("requirement"))
    task = models.ForeignKey(
        Task,
        verbose_name=_("task"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervision_orders",
    )
    problem = models.ForeignKey(
        "problems.Problem",
        verbose_name=_("problem"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervision_orders",
    )
    lead_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("lead unit"), on_delete=models.PROTECT, related_name="+"
    )
    assisting_units = models.ManyToManyField(
        "org.Unit", verbose_name=_("assisting units"), blank=True, related_name="+"
    )
    # Where the order applies (the problem's region, or the task's first region), so a region
    # officer sees the orders on their ground.
    region = models.ForeignKey(
        "org.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.ISSUED
    )
    response = models.TextField(_("response"), blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("supervision order", "issued by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_at = models.DateTimeField(
        pgettext_lazy("supervision order", "issued"), default=timezone.now
    )
    responded_at = models.DateTimeField(_("responded"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    SCOPE = ScopeRule(region="region", units=("lead_unit", "assisting_units"), distinct=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("supervision order")
        verbose_name_plural = _("supervision orders")
        constraints = [
            # On exactly one thing: a task or a problem.
            models.CheckConstraint(
                name="order_on_task_or_problem",
                condition=(Q(task__isnull=False) & Q(problem__isnull=True))
                | (Q(task__isnull=True) & Q(problem__isnull=False)),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "deadline", "id"], name="order_status_deadline"),
            models.Index(fields=["lead_unit", "status", "deadline"], name="order_unit_status"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class SupervisionEvent(models.Model):
    """One row of an order's timeline."""

    order = models.ForeignKey(
        SupervisionOrder,
        verbose_name=pgettext_lazy("supervision order", "order"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    action = models.CharField(_("action"), max_length=10, choices=OrderAction.choices)
    from_status = models.CharField(_("from"), max_length=10, blank=True)
    to_status = models.CharField(_("to"), max_length=10)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("supervision event")
        verbose_name_plural = _("supervision events")
        indexes = [models.Index(fields=["order", "created_at"], name="order_event_time")]

    def __str__(self) -> str:
        return str(self.get_action_display())


class SupervisionReminder(models.Model):
    """A reminder already sent (one per order, kind and day), so the tick never repeats it."""

    key = models.CharField(max_length=80, unique=True)
    order = models.ForeignKey(SupervisionOrder, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12)
    sent_on = models.DateField()


_WORKING_ROLES = frozenset({Role.REGION_OFFICER, Role.UNIT_OFFICER})


class ReviewMeeting(models.Model):
    """A review meeting of a campaign: who came, the figures reviewed, what was decided."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="meetings"
    )
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("held on"))
    attendees = models.TextField(_("attendees"), blank=True)
    attending_units = models.ManyToManyField(
        "org.Unit", verbose_name=_("attending units"), blank=True, related_name="+"
    )
    # The figures as they stood when the meeting was recorded (frozen: later work must not
    # change what the meeting saw).
    figures = models.JSONField(_("figures reviewed"), default=dict, blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    is_demo = models.BooleanField(_("demo data"), default=False)

    # Meetings are the campaign's record: every working role may read them.
    SCOPE = ScopeRule(region="campaign__region", reference_for=_WORKING_ROLES)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("review meeting")
        verbose_name_plural = _("review meetings")

    def __str__(self) -> str:
        return self.title


class MeetingCommitment(models.Model):
    """A commitment made at a meeting; the task carries its owner, deadline and progress."""

    meeting = models.ForeignKey(
        ReviewMeeting,
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="commitments",
    )
    task = models.OneToOneField(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="commitment"
    )

    class Meta:
        ordering = ["meeting", "id"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")

    def __str__(self) -> str:
        return str(self.task)


class Guarantor(models.Model):
    """A member unit guaranteeing (包保) a street, a community or an assessment point."""

    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("guarantor unit"),
        on_delete=models.PROTECT,
        related_name="guarantees",
    )
    region = models.ForeignKey(
        "org.Region",
        verbose_name=_("street or community"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="guarantors",
    )
    point = models.ForeignKey(
        "points.Point",
        verbose_name=_("assessment point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="guarantors",
    )
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    is_demo = models.BooleanField(_("demo data"), default=False)

    # Who guarantees what is public within the campaign: every working role may read it.
    SCOPE = ScopeRule(
        region="region",
        units=("unit",),
        reference_for=frozenset({Role.REGION_OFFICER, Role.UNIT_OFFICER, Role.INSPECTOR}),
    )

    class Meta:
        ordering = ["unit", "id"]
        verbose_name = _("guarantor")
        verbose_name_plural = _("guarantors")
        constraints = [
            models.CheckConstraint(
                name="guarantor_region_or_point",
                condition=(Q(region__isnull=False) & Q(point__isnull=True))
                | (Q(region__isnull=True) & Q(point__isnull=False)),
            ),
            # One live assignment of a unit to a place.
            models.UniqueConstraint(
                fields=["unit", "region"],
                condition=Q(until__isnull=True, region__isnull=False),
                name="guarantor_live_region_once",
            ),
            models.UniqueConstraint(
                fields=["unit", "point"],
                condition=Q(until__isnull=True, point__isnull=False),
                name="guarantor_live_point_once",
            ),
        ]
        indexes = [models.Index(fields=["until", "unit"], name="guarantor_live")]

    def __str__(self) -> str:
        return f"{self.unit} → {self.region or self.point}"
