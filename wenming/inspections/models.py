"""Inspection rounds, their sampling plans, the visits drawn and each visit's answers.

The visit's state machine lives in `lifecycle.py`; the score formulas in `scoring.py`; the
mock-assessment estimate in `estimate.py`; the draws in `sampling.py`.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wenming.core.models import ActivityRecord
from wenming.core.scope import ScopeRule


class RoundKind(models.TextChoices):
    SELF_CHECK = "self_check", _("Region/unit self-check")
    SUPERVISION = "supervision", _("Office supervision")
    MOCK = "mock", _("Third-party mock assessment")
    FOLLOW_UP = "follow_up", _("Follow-up (回头看)")


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class SamplingMode(models.TextChoices):
    ALL = "all", _("All points")
    RANDOM = "random", _("Drawn at random")


class AssignMode(models.TextChoices):
    BALANCED = "balanced", _("Balanced by district and workload")
    THREE_RANDOMS = "three_randoms", _("Three randoms (random team, street and community)")


class Round(models.Model):
    """One inspection round (检查轮次): who inspects what, when, against which system."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=RoundKind.choices)
    system = models.ForeignKey(
        "standards.EvaluationSystem",
        verbose_name=_("evaluation system"),
        on_delete=models.PROTECT,
        related_name="rounds",
    )
    regions = models.ManyToManyField(
        "org.Region", verbose_name=_("regions covered"), related_name="rounds"
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    late_submission = models.BooleanField(_("late submission allowed"), default=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_rounds",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    # The draw's seed, stored so that anyone can repeat it (`wenming inspections redraw`).
    seed = models.BigIntegerField(_("random seed"))
    assign_mode = models.CharField(
        _("assignment"), max_length=20, choices=AssignMode.choices, default=AssignMode.BALANCED
    )
    follow_up_of = models.ForeignKey(
        "self",
        verbose_name=_("follows up"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    # The score the office wants to clear; the round page shows the chance it is cleared.
    pass_threshold = models.DecimalField(
        _("pass threshold"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    # Inspectors see the rounds they have visits in; region officers those with visits in
    # their subtree; unit officers those with visits to points of their unit.
    SCOPE = ScopeRule(
        region="visits__region",
        units=("visits__point__responsible_units",),
        assignee="visits__team",
        distinct=True,
    )

    class Meta:
        ordering = ["-opens_on", "-id"]
        verbose_name = _("inspection round")
        verbose_name_plural = _("inspection rounds")
        constraints = [
            models.CheckConstraint(
                name="round_window_ordered", condition=Q(closes_on__gte=models.F("opens_on"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SamplingPlan(models.Model):
    """How one point type is sampled in a round: all its points, or `size` at random."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="plans"
    )
    point_type = models.ForeignKey(
        "standards.PointType", verbose_name=_("point type"), on_delete=models.PROTECT
    )
    mode = models.CharField(
        _("sampling"), max_length=10, choices=SamplingMode.choices, default=SamplingMode.ALL
    )
    size = models.PositiveIntegerField(_("points drawn"), default=0)
    by_district = models.BooleanField(_("stratified by district"), default=False)

    class Meta:
        ordering = ["round", "point_type__order", "point_type__code"]
        verbose_name = _("sampling plan")
        verbose_name_plural = _("sampling plans")
        constraints = [
            models.UniqueConstraint(fields=["round", "point_type"], name="plan_type_once"),
            models.CheckConstraint(
                name="plan_random_has_size", condition=~Q(mode="random") | Q(size__gt=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.point_type} · {self.get_mode_display()}"


class VisitStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    STARTED = "started", _("Started")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    HAS_ISSUES = "has_issues", _("Has issues")
    REJECTED = "rejected", _("Rejected")


class Visit(models.Model):
    """One point to inspect in a round, by a team (inspectors usually work in pairs)."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="visits"
    )
    point = models.ForeignKey(
        "points.Point", verbose_name=_("point"), on_delete=models.PROTECT, related_name="visits"
    )
    # Copied from the point when drawn: the visit stays where it was drawn if the point moves,
    # and the scope filter needs no join.
    region = models.ForeignKey(
        "org.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        "org.Region",
        verbose_name=_("district"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    point_type = models.ForeignKey(
        "standards.PointType", verbose_name=_("point type"), on_delete=models.PROTECT
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("team"), blank=True, related_name="visits"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=VisitStatus.choices, default=VisitStatus.ASSIGNED
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    start_lat = models.FloatField(_("start latitude"), null=True, blank=True)
    start_lon = models.FloatField(_("start longitude"), null=True, blank=True)
    start_distance_m = models.FloatField(_("distance from the point at start (m)"), null=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    # The sums behind the score, so either average can be reported (scoring.py).
    earned = models.DecimalField(_("points earned"), max_digits=8, decimal_places=2, null=True)
    possible = models.DecimalField(_("points possible"), max_digits=8, decimal_places=2, null=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True)
    places_observed = models.PositiveIntegerField(_("places observed"), default=0)
    places_passed = models.PositiveIntegerField(_("places passed"), default=0)
    version = models.PositiveIntegerField(default=1)

    SCOPE = ScopeRule(
        region="region",
        units=("point__responsible_units",),
        assignee="team",
        distinct=True,
    )

    class Meta:
        ordering = ["round", "district", "point__code"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [
            models.UniqueConstraint(fields=["round", "point"], name="visit_point_once_a_round"),
        ]
        indexes = [
            models.Index(fields=["round", "status"], name="visit_round_status"),
            models.Index(fields=["region", "round"], name="visit_region_round"),
        ]

    def __str__(self) -> str:
        return f"{self.round.code} · {self.point.code}"


class Answer(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    NOT_APPLICABLE = "na", _("Not applicable")


class VisitAnswer(models.Model):
    """One checklist item's answer on a visit; `client_id` makes an offline resend a no-op."""

    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="answers"
    )
    item = models.ForeignKey(
        "standards.ChecklistItem", verbose_name=_("checklist item"), on_delete=models.PROTECT
    )
    answer = models.CharField(_("answer"), max_length=4, choices=Answer.choices)
    note = models.TextField(_("note"), blank=True)
    # Items with a sampling rule: the rule shown to the inspector, and what they counted.
    sampling_rule = models.CharField(_("sampling rule shown"), max_length=300, blank=True)
    places_observed = models.PositiveIntegerField(_("places observed"), null=True, blank=True)
    places_failed = models.PositiveIntegerField(_("places failed"), null=True, blank=True)
    client_id = models.CharField(_("client id"), max_length=64, blank=True)
    answered_at = models.DateTimeField(_("answered"))
    problem = models.ForeignKey(
        "problems.Problem",
        verbose_name=_("problem"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["visit", "item__order", "item__code"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["visit", "item"], name="answer_item_once_a_visit"),
            models.CheckConstraint(
                name="answer_failed_within_observed",
                condition=Q(places_failed__isnull=True)
                | Q(places_observed__isnull=True)
                | Q(places_failed__lte=models.F("places_observed")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} · {self.get_answer_display()}"


class InspectionEvent(ActivityRecord):
    """The append-only log of a round and its visits: draws, reassignments, starts, reviews."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="events"
    )
    visit = models.ForeignKey(
        Visit,
        verbose_name=_("visit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )

    class Meta(ActivityRecord.Meta):
        verbose_name = _("inspection event")
        verbose_name_plural = _("inspection events")
        indexes = [models.Index(fields=["round", "-at"], name="inspection_event_round")]

    def __str__(self) -> str:
        from .activity import LABELS

        return str(LABELS.get(f"inspections.{self.action}", self.action))


class VisitPhoto(models.Model):
    """A photo taken on a visit, for one checklist item; a failure's photos become the
    problem's before-photos. `client_id` makes an offline resend a no-op."""

    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="photos"
    )
    item = models.ForeignKey(
        "standards.ChecklistItem", verbose_name=_("checklist item"), on_delete=models.PROTECT
    )
    # Through Django's storage API (a local folder or the object store), private.
    file = models.FileField(_("file"), upload_to="visits/%Y/%m/", max_length=300)
    client_id = models.CharField(_("client id"), max_length=64)
    sha256 = models.CharField(max_length=64)
    taken_at = models.DateTimeField(_("taken"), null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    # Why a reviewer should look twice (no camera time or position, taken far from the point
    # or long before the visit started); empty when nothing is odd.
    flags = models.JSONField(_("integrity flags"), default=list, blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["visit", "item", "id"]
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")
        constraints = [
            models.UniqueConstraint(fields=["visit", "client_id"], name="visit_photo_once"),
        ]

    def __str__(self) -> str:
        return self.file.name
