"""Tables of the scores and rankings app: monthly snapshots, their scores and components, the
weights per campaign, the escalation ladder, and what the predicted national score reads
(the office's questionnaire figures, stored annual results, hard-requirement and negative-list
events, the city's status).

A snapshot is one computation of one month. Its `Score` rows (one per region at every level
and per unit) and their `ScoreComponent` rows are written once and never updated after the
snapshot is published; a recompute writes a new version beside the old (docs/scoring.md).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from wenming.core.models import ActivityRecord
from wenming.core.scope import ScopeRule
from wenming.org.roles import Role


class Component(models.TextChoices):
    FIELD = "field_score", _("Field score")
    ON_TIME_CLOSING = "on_time_closing_rate", _("On-time closing rate")
    ON_TIME_HANDLING = "on_time_handling_rate", _("On-time handling rate")
    REWORK = "rework_rate", _("Rework rate")
    OVERDUE_PENDING = "overdue_pending_rate", _("Overdue-pending rate")
    EXTENSION = "extension_rate", _("Extension rate")
    RECURRENCE = "recurrence_rate", _("Recurrence rate")
    TASK_COMPLETION = "task_completion_rate", _("Task completion rate")
    MATERIAL = "material_score", _("Material score")
    SATISFACTION = "satisfaction_rate", _("Citizen satisfaction")


class Tier(models.TextChoices):
    """The peer groups a ranking is published in (domain.md, "second reading")."""

    CITY = "city", _("City")
    DISTRICT = "district", _("Districts")
    STREET = "street", _("Streets")
    COMMUNITY = "community", _("Communities")
    MEMBER_UNIT = "member_unit", _("Member units")
    CENTRAL_UNIT = "central_unit", _("Central and provincial units")
    GUARANTOR = "guarantor", _("Guarantor units")


class SubjectKind(models.TextChoices):
    REGION = "region", _("Region")
    UNIT = "unit", _("Unit")


class SnapshotStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")


class Grade(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"
    E = "E", "E"


class ScoreStatus(models.TextChoices):
    RANKED = "ranked", _("Ranked")
    INSUFFICIENT = "insufficient", _("Insufficient data")


class CityStatus(models.TextChoices):
    NOMINATED = "nominated", _("Nominated (提名)")
    TITLED = "titled", _("Titled (命名)")
    RECHECK = "recheck", _("Under re-check (复查)")


class LadderStep(models.TextChoices):
    TALK = "talk", _("Talk with a city leader (约谈)")
    ORGANISATION = "organisation", _("Referred to the organisation department")
    ACCOUNTABILITY = "accountability", _("Held accountable (问责)")


# Everyone who works in the campaign may read a published ranking; the office writes them.
EVERY_WORKING_ROLE = frozenset(
    {Role.REGION_OFFICER, Role.UNIT_OFFICER, Role.INSPECTOR, Role.EVALUATOR}
)


def _decimal(label, *, digits=7, places=2, **kwargs):
    return models.DecimalField(label, max_digits=digits, decimal_places=places, **kwargs)


class ScoringSettings(models.Model):
    """The office's knobs (one row): minimum sample, the ladder, the prediction's settings."""

    min_problems_due = models.PositiveIntegerField(_("minimum problems due"), default=10)
    min_visits = models.PositiveIntegerField(_("minimum visits"), default=5)
    # How many subjects at each end of a peer group make the red and black lists.
    list_size = models.PositiveSmallIntegerField(
        _("red and black list size"), default=3, validators=[MinValueValidator(1)]
    )
    # The escalation ladder: at the bottom this many months in a row → the step.
    ladder_talk = models.PositiveSmallIntegerField(_("months at the bottom: talk"), default=1)
    ladder_organisation = models.PositiveSmallIntegerField(
        _("months at the bottom: organisation department"), default=2
    )
    ladder_accountability = models.PositiveSmallIntegerField(
        _("months at the bottom: accountability"), default=3
    )
    # Units of these kinds are ranked as central and provincial units in the city (banks,
    # telecoms, utilities: enterprises and public institutions by default).
    central_unit_kinds = models.JSONField(_("central and provincial unit kinds"), default=list)
    city_status = models.CharField(
        _("city status"), max_length=12, choices=CityStatus.choices, default=CityStatus.NOMINATED
    )
    # The 15/25/60 cycle weights are reported by cities, not an official text (domain.md).
    cycle_weight_1 = _decimal(_("cycle weight, first year"), digits=5, default=Decimal(15))
    cycle_weight_2 = _decimal(_("cycle weight, second year"), digits=5, default=Decimal(25))
    cycle_weight_3 = _decimal(_("cycle weight, third year"), digits=5, default=Decimal(60))
    field_window_months = models.PositiveSmallIntegerField(
        _("field visits counted (months)"), default=6, validators=[MinValueValidator(1)]
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    SCOPE = ScopeRule(reference_for=EVERY_WORKING_ROLE)

    class Meta:
        verbose_name = _("scoring settings")
        verbose_name_plural = _("scoring settings")

    def __str__(self) -> str:
        # The one row of the office's settings: its name is what it is.
        return str(self._meta.verbose_name)


class WeightScheme(models.Model):
    """The composite's weights (percent per component, adding up to 100) for a campaign; the
    scheme without a campaign is the default (domain.md's published district score)."""

    name = models.CharField(_("name"), max_length=100)
    campaign = models.OneToOneField(
        "plans.Campaign",
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="weight_scheme",
    )
    weights = models.JSONField(_("weights"), default=dict)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    SCOPE = ScopeRule(reference_for=EVERY_WORKING_ROLE)

    class Meta:
        ordering = ["id"]
        verbose_name = _("weight scheme")
        verbose_name_plural = _("weight schemes")

    def __str__(self) -> str:
        return self.name


class Snapshot(models.Model):
    """One computation of one month's scores; published ones are frozen."""

    month = models.DateField(_("month"))  # the first day of the month
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=12, choices=SnapshotStatus.choices, default=SnapshotStatus.DRAFT
    )
    weights = models.JSONField(_("weights used"), default=dict)
    rules = models.JSONField(_("settings used"), default=dict)
    computed_at = models.DateTimeField(_("computed"))
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("computed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    reason = models.TextField(_("reason for recomputing"), blank=True)
    subjects = models.PositiveIntegerField(_("subjects"), default=0)
    problems_due = models.PositiveIntegerField(_("problems due"), default=0)
    visits = models.PositiveIntegerField(_("visits"), default=0)
    is_demo = models.BooleanField(_("demo data"), default=False)

    SCOPE = ScopeRule(reference_for=EVERY_WORKING_ROLE)

    class Meta:
        ordering = ["-month", "-version"]
        verbose_name = _("snapshot")
        verbose_name_plural = _("snapshots")
        constraints = [
            models.UniqueConstraint(fields=["month", "version"], name="snapshot_month_version"),
            # One current (not superseded) snapshot per month.
            models.UniqueConstraint(
                fields=["month"],
                condition=~Q(status="superseded"),
                name="snapshot_one_current_a_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} v{self.version}"


# A tier's table: ranked subjects best first, then those with insufficient data (no rank).
# Written out because the databases disagree on where NULL sorts: SQLite put the unranked
# first, PostgreSQL last.
RANKING_ORDER = (F("rank").asc(nulls_last=True), "subject")


class Score(models.Model):
    """One subject's score in a snapshot: the composite, its grade and rank among its peers."""

    snapshot = models.ForeignKey(
        Snapshot, verbose_name=_("snapshot"), on_delete=models.CASCADE, related_name="scores"
    )
    month = models.DateField(_("month"))  # copied from the snapshot for the indexes
    subject_kind = models.CharField(_("subject kind"), max_length=8, choices=SubjectKind.choices)
    region = models.ForeignKey(
        "org.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # "region-210202" or "unit-UM": the subject's name in URLs and the API.
    subject = models.CharField(_("subject"), max_length=48)
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=ScoreStatus.choices, default=ScoreStatus.RANKED
    )
    composite = _decimal(_("composite"), digits=6, null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    peers = models.PositiveIntegerField(_("ranked peers"), default=0)
    previous_composite = _decimal(_("last month's composite"), digits=6, null=True, blank=True)
    change = _decimal(_("change since last month"), digits=6, null=True, blank=True)
    previous_rank = models.PositiveIntegerField(_("last month's rank"), null=True, blank=True)
    # Whether weights of components without data were shared among the others.
    redistributed = models.BooleanField(_("weights redistributed"), default=False)
    problems_due = models.PositiveIntegerField(_("problems due"), default=0)
    visits = models.PositiveIntegerField(_("visits"), default=0)

    # Region officers see their subtree's scores, unit officers their unit's; published
    # rankings are shown to them through `selectors.ranking` (names and composites only).
    SCOPE = ScopeRule(region="region", units=("unit",))

    class Meta:
        ordering = ["snapshot", "tier", "rank", "subject"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "subject"], name="score_subject_once"),
            models.CheckConstraint(
                name="score_one_subject",
                condition=Q(subject_kind="region", region__isnull=False, unit__isnull=True)
                | Q(subject_kind="unit", unit__isnull=False, region__isnull=True),
            ),
        ]
        indexes = [
            models.Index(fields=["snapshot", "tier", "rank"], name="score_snapshot_tier_rank"),
            models.Index(fields=["subject", "month"], name="score_subject_month"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} {self.month:%Y-%m}"


class ScoreComponent(models.Model):
    """One component of a score: its value (0–100 points), weight and contribution.

    `value` is the component as points (a rate of 0.9 → 90; a "bad" rate is turned round:
    rework 0.1 → 90); `rate` keeps the source figure; `numerator`/`denominator` what it counts.
    The contributions of a score add up to its composite exactly (both are stored rounded to
    the cent and the composite is their sum)."""

    score = models.ForeignKey(
        Score, verbose_name=_("score"), on_delete=models.CASCADE, related_name="components"
    )
    key = models.CharField(_("component"), max_length=24, choices=Component.choices)
    rate = _decimal(_("rate"), digits=9, places=4, null=True, blank=True)
    value = _decimal(_("value"), digits=6, null=True, blank=True)
    numerator = models.IntegerField(_("counted"), null=True, blank=True)
    denominator = models.IntegerField(_("out of"), null=True, blank=True)
    weight = _decimal(_("weight (%)"), digits=6, default=Decimal(0))
    effective_weight = _decimal(_("weight applied (%)"), digits=9, places=4, default=Decimal(0))
    contribution = _decimal(_("contribution"), digits=6, default=Decimal(0))
    has_data = models.BooleanField(_("has data"), default=False)

    class Meta:
        ordering = ["score", "key"]
        verbose_name = _("score component")
        verbose_name_plural = _("score components")
        constraints = [
            models.UniqueConstraint(fields=["score", "key"], name="score_component_once"),
        ]

    def __str__(self) -> str:
        return str(self.get_key_display())


class ScoringEvent(ActivityRecord):
    """Append-only log of the app: snapshots computed, published and recomputed, weights
    changed, ladder steps taken, events and figures recorded."""

    snapshot = models.ForeignKey(
        Snapshot,
        verbose_name=_("snapshot"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    subject = models.CharField(_("subject"), max_length=48, blank=True)

    class Meta(ActivityRecord.Meta):
        verbose_name = _("scoring event")
        verbose_name_plural = _("scoring events")
        indexes = [models.Index(fields=["subject", "-at"], name="scoring_event_subject")]

    def __str__(self) -> str:
        return f"{self.action_label} {self.subject}".strip()

    @property
    def action_label(self) -> str:
        from .activity import event_label

        return event_label(self.action)


class EscalationStep(models.Model):
    """A subject at the bottom of its tier in a month, and the ladder step that followed."""

    snapshot = models.ForeignKey(
        Snapshot, verbose_name=_("snapshot"), on_delete=models.CASCADE, related_name="steps"
    )
    month = models.DateField(_("month"))
    subject = models.CharField(_("subject"), max_length=48)
    region = models.ForeignKey(
        "org.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices)
    streak = models.PositiveSmallIntegerField(_("months at the bottom in a row"))
    step = models.CharField(_("step"), max_length=16, choices=LadderStep.choices)
    at = models.DateTimeField(_("time"), auto_now_add=True)

    SCOPE = ScopeRule(region="region", units=("unit",))

    class Meta:
        ordering = ["-month", "tier", "subject"]
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "subject"], name="step_once_a_snapshot"),
        ]
        indexes = [models.Index(fields=["subject", "month"], name="step_subject_month")]

    def __str__(self) -> str:
        subject = self.region or self.unit or self.subject
        return f"{self.month:%Y-%m} · {subject} · {self.get_step_display()}"


class QuestionnaireFigure(models.Model):
    """A questionnaire result the office enters for a standard (a mock survey's figure)."""

    standard = models.ForeignKey(
        "standards.Standard",
        verbose_name=_("standard"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    rate = _decimal(
        _("rate"),
        digits=5,
        places=4,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    respondents = models.PositiveIntegerField(_("respondents"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    entered_at = models.DateTimeField(_("entered"), auto_now=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    SCOPE = ScopeRule(reference_for=EVERY_WORKING_ROLE)

    class Meta:
        verbose_name = _("questionnaire figure")
        verbose_name_plural = _("questionnaire figures")
        constraints = [
            models.UniqueConstraint(fields=["standard"], name="questionnaire_figure_once"),
            models.CheckConstraint(
                name="questionnaire_rate_0_to_1", condition=Q(rate__gte=0, rate__lte=1)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.standard.code} · {(self.rate * 100).normalize():f}%"


class AnnualResult(models.Model):
    """A year's annual score of the city (out of 100), as assessed or as predicted then."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    score = _decimal(
        _("annual score"), digits=5, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    SCOPE = ScopeRule(reference_for=EVERY_WORKING_ROLE)

    class Meta:
        ordering = ["year"]
        verbose_name = _("annual result")
        verbose_name_plural = _("annual results")

    def __str__(self) -> str:
        return f"{self.year} · {self.score}"


class ComplianceEvent(models.Model):
    """A hard-requirement or negative-list event the office records (一票否决 / 负面清单)."""

    occurred_on = models.DateField(_("occurred on"))
    entry = models.ForeignKey(
        "standards.NegativeListEntry",
        verbose_name=_("negative list entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    effect = models.ForeignKey(
        "standards.NegativeEffect",
        verbose_name=_("graded effect"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A hard requirement without a list entry (a serious violation by top leaders, …).
    is_veto = models.BooleanField(_("veto (hard requirement)"), default=False)
    description = models.TextField(_("description"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    SCOPE = ScopeRule(reference_for=frozenset())

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("hard-requirement or negative-list event")
        verbose_name_plural = _("hard-requirement and negative-list events")

    def __str__(self) -> str:
        return f"{self.occurred_on} · {self.description[:40]}"


class WeekRanking(models.Model):
    """An ISO week's ranking as the worker last computed it (weeks.py): when, from which
    inputs (`caching.inputs_key`), and whether a computation is queued. The rows themselves
    are one `WeekTier` per tier, plain values (not model instances), read by the page and
    `GET /api/v1/scores?week=` without computing anything."""

    week = models.DateField(_("week (its Monday)"), unique=True)
    computed_at = models.DateTimeField(_("computed"), null=True, blank=True)
    inputs = models.CharField(_("inputs' key"), max_length=64, blank=True)
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    # When a reader last asked for it (at most every few minutes): the tick keeps such a
    # past week up to date for a while, besides the current week.
    asked_at = models.DateTimeField(_("asked"))

    # Through `scope_queryset` only the office and leaders; weeks.py applies `Score.SCOPE`'s
    # rule to the rows (their region and unit) for everyone else.
    SCOPE = ScopeRule()

    class Meta:
        ordering = ["-week"]
        verbose_name = _("week's ranking")
        verbose_name_plural = _("weeks' rankings")

    def __str__(self) -> str:
        return f"{self.week:%G-W%V}"


class WeekTier(models.Model):
    """One tier's rows of a week: `rows` a list of plain dicts (subject, names, composite as a
    string, rank, …), `parts` {subject: [[component, has_data, rate, value, numerator,
    denominator, weight, applied weight, contribution], …]} read only by the API."""

    ranking = models.ForeignKey(
        WeekRanking, verbose_name=_("week"), on_delete=models.CASCADE, related_name="tiers"
    )
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices)
    rows = models.JSONField(_("rows"), default=list)
    parts = models.JSONField(_("components"), default=dict)

    SCOPE = ScopeRule()

    class Meta:
        verbose_name = _("week's tier")
        verbose_name_plural = _("weeks' tiers")
        constraints = [
            models.UniqueConstraint(fields=["ranking", "tier"], name="week_tier_once"),
        ]

    def __str__(self) -> str:
        return f"{self.ranking} {self.tier}"
