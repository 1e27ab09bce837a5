"""The creation registry: types and their schemes, entries, applications with their events,
self-assessments, objections and evidence, and the office's coverage targets.

The application's state machine is one table in `lifecycle.py`; which region reviews whom in
`levels.py`; coverage in `coverage.py`.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wenming.core.models import ActivityRecord
from wenming.core.naming import BilingualName
from wenming.core.scope import ScopeRule
from wenming.org.roles import Role

# Types and targets are the published rules of the campaign: everyone who works in it reads
# them; only the office writes them (the services say so).
REFERENCE = ScopeRule(
    reference_for=frozenset(
        {Role.REGION_OFFICER, Role.UNIT_OFFICER, Role.INSPECTOR, Role.EVALUATOR}
    )
)


class HonourLevel(models.TextChoices):
    COUNTY = "county", _("County level")
    MUNICIPAL = "municipal", _("Municipal level")
    PROVINCIAL = "provincial", _("Provincial level")
    NATIONAL = "national", _("National level")


# Lowest first: "county level or above" is every level from county on.
LEVEL_ORDER = [
    HonourLevel.COUNTY,
    HonourLevel.MUNICIPAL,
    HonourLevel.PROVINCIAL,
    HonourLevel.NATIONAL,
]


def levels_at_or_above(level: str) -> list[str]:
    """The honour levels that count as `level` or higher (the one ordering rule)."""
    return [str(v) for v in LEVEL_ORDER[LEVEL_ORDER.index(level) :]]


class EntityKind(models.TextChoices):
    UNIT = "unit", _("Unit")
    REGION = "region", _("Village or town")
    CAMPUS = "campus", _("School campus")
    FAMILY = "family", _("Family")
    WINDOW = "window", _("Service window")
    PERSON = "person", _("Individual")


class CreationType(BilingualName, models.Model):
    """A creation activity (civilized unit, village, town, campus, family …), its scheme and
    the levels its honour can have; configured by the office."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    entity_kind = models.CharField(_("entity"), max_length=10, choices=EntityKind.choices)
    # For village/town types: which kinds of region are candidates (comma-separated kinds).
    region_kinds = models.CharField(_("region kinds"), max_length=60, blank=True)
    # The assessment scheme: an evaluation-system tree whose content lines are the criteria.
    system = models.ForeignKey(
        "standards.EvaluationSystem",
        verbose_name=_("assessment scheme"),
        on_delete=models.PROTECT,
        related_name="creation_types",
    )
    levels = models.CharField(
        _("honour levels"), max_length=60, default="county,municipal,provincial,national"
    )
    pass_score = models.DecimalField(
        _("qualifying score"),
        max_digits=6,
        decimal_places=2,
        default=85,
        validators=[MinValueValidator(0)],
    )
    validity_years = models.PositiveSmallIntegerField(_("validity (years)"), default=3)
    notice_days = models.PositiveSmallIntegerField(_("public notice (days)"), default=7)
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    is_demo = models.BooleanField(_("demo data"), default=False)

    SCOPE = REFERENCE

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("creation type")
        verbose_name_plural = _("creation types")

    def __str__(self) -> str:
        return self.display_name

    @property
    def level_list(self) -> list[str]:
        return [v for v in self.levels.split(",") if v]

    @property
    def region_kind_list(self) -> list[str]:
        return [v for v in self.region_kinds.split(",") if v]


class EntryStatus(models.TextChoices):
    NONE = "none", _("Not honoured")
    HONOURED = "honoured", _("Honoured")
    WARNED = "warned", _("Warned")
    REVOKED = "revoked", _("Revoked")


# Statuses under which an entry holds its title (a warned entry still holds it).
HOLDS_TITLE = (EntryStatus.HONOURED, EntryStatus.WARNED)


class Entry(models.Model):
    """One entity in the registry for one type: a unit, a village or town, a school, a family,
    a service window; where it belongs and its current honour (its history: applications)."""

    type = models.ForeignKey(
        CreationType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="entries"
    )
    # What makes the entity one: "unit:<id>", "region:<id>", "point:<id>" or the name in its
    # region; unique per type, so a second registration is the same entry.
    key = models.CharField(max_length=250)
    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(
        "org.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    # The county-level region containing it (copied when registered): coverage groups by it.
    district = models.ForeignKey(
        "org.Region",
        verbose_name=_("county-level region"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("member unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    point = models.ForeignKey(
        "points.Point",
        verbose_name=_("assessment point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A county-level city's own campaign assesses with the county edition: the edition an
    # entry's applications are scored against.
    system = models.ForeignKey(
        "standards.EvaluationSystem",
        verbose_name=_("scheme edition"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.NONE
    )
    level = models.CharField(
        _("honour level"), max_length=12, choices=HonourLevel.choices, blank=True
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    honoured_since = models.DateField(_("honoured since"), null=True, blank=True)
    lost_on = models.DateField(_("title lost on"), null=True, blank=True)
    # The latest review score (or self-assessment): orders the candidates closest to qualifying.
    score = models.DecimalField(_("latest score"), max_digits=6, decimal_places=2, null=True)
    stage = models.CharField(_("application stage"), max_length=16, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(
        pgettext_lazy("creation entry", "registered"), auto_now_add=True
    )

    SCOPE = ScopeRule(region="region", units=("unit",))

    class Meta:
        ordering = ["type", "district", "name", "id"]
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        constraints = [
            models.UniqueConstraint(fields=["type", "key"], name="creation_entry_once_a_type"),
        ]
        indexes = [
            # The coverage aggregates (coverage.py): the titles held per county and level, read
            # from the index alone; the titles lost in a year from a partial index of the few
            # entries that lost one.
            models.Index(
                fields=["type", "district", "level", "status", "valid_until", "honoured_since"],
                name="creation_entry_coverage",
            ),
            models.Index(
                fields=["type", "district", "lost_on"],
                condition=Q(lost_on__isnull=False),
                name="creation_entry_lost",
            ),
            # The candidates closest to qualifying, best score first.
            models.Index(fields=["type", "district", "score"], name="creation_entry_candidates"),
            models.Index(fields=["region", "type"], name="creation_entry_region"),
            models.Index(fields=["status", "type"], name="creation_entry_status"),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.type}"

    @property
    def holds_title(self) -> bool:
        return self.status in HOLDS_TITLE

    @property
    def stage_label(self) -> str:
        return ApplicationStatus(self.stage).label if self.stage else ""


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting the region's review")
    REGION_PASSED = "region_passed", _("Awaiting the office's review")
    NOTICE = "notice", _("In public notice")
    APPROVED = "approved", pgettext_lazy("application status", "Approved")
    WARNED = "warned", _("Warned")
    REVOKED = "revoked", _("Revoked")
    REJECTED = "rejected", _("Not approved")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Application(models.Model):
    """One year's application of an entry for an honour level, from self-assessment to
    approval, and after approval the honour's dynamic management (re-checks, warning,
    revocation)."""

    entry = models.ForeignKey(
        Entry, verbose_name=_("entry"), on_delete=models.PROTECT, related_name="applications"
    )
    # Copied from the entry, so scope and lists need no join.
    type = models.ForeignKey(CreationType, verbose_name=_("type"), on_delete=models.PROTECT)
    region = models.ForeignKey(
        "org.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        "org.Region",
        verbose_name=_("county-level region"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The region whose officers review it first (levels.reviewer_region, fixed when applied).
    reviewer_region = models.ForeignKey(
        "org.Region",
        verbose_name=_("reviewing region"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    system = models.ForeignKey(
        "standards.EvaluationSystem",
        verbose_name=_("scheme edition"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    level = models.CharField(_("honour level"), max_length=12, choices=HonourLevel.choices)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    statement = models.TextField(_("statement"), blank=True)
    self_score = models.DecimalField(_("self-assessment"), max_digits=6, decimal_places=2)
    region_score = models.DecimalField(
        _("region's score"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    region_comment = models.TextField(_("region's comments"), blank=True)
    office_score = models.DecimalField(
        _("office's score"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    office_comment = models.TextField(_("office's comments"), blank=True)
    notice_starts = models.DateField(_("notice from"), null=True, blank=True)
    notice_ends = models.DateField(_("notice until"), null=True, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    rechecked_year = models.PositiveSmallIntegerField(_("last re-checked"), null=True, blank=True)
    closed_reason = models.TextField(_("reason"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"))
    version = models.PositiveIntegerField(default=1)
    is_demo = models.BooleanField(_("demo data"), default=False)

    SCOPE = ScopeRule(region="region", units=("unit",))

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "year"], name="creation_application_once_a_year"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "type"], name="creation_app_status"),
            models.Index(fields=["region", "status"], name="creation_app_region"),
            models.Index(fields=["reviewer_region", "status"], name="creation_app_reviewer"),
        ]

    def __str__(self) -> str:
        return f"{self.entry.name} · {self.year} · {self.get_level_display()}"


class SelfAssessment(models.Model):
    """The applicant's points for one criterion (a content line of the scheme)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="self_assessment"
    )
    standard = models.ForeignKey(
        "standards.Standard", verbose_name=_("criterion"), on_delete=models.PROTECT
    )
    points = models.DecimalField(
        _("points claimed"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)]
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["application", "standard__order", "standard__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "standard"], name="creation_self_assessment_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.standard} · {self.points}"


class ApplicationEvent(ActivityRecord):
    """The append-only log of an application: every step with its actor, time, move and reason."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta(ActivityRecord.Meta):
        verbose_name = _("application event")
        verbose_name_plural = _("application events")
        indexes = [models.Index(fields=["application", "at"], name="creation_event_app")]

    @property
    def action_label(self) -> str:
        from .lifecycle import ACTION_LABELS

        return str(ACTION_LABELS.get(self.action, self.action))

    @property
    def to_label(self) -> str:
        return ApplicationStatus(self.to_status).label if self.to_status else ""


class ApplicationDocument(models.Model):
    """A document filed with one step (evidence with the application, a review's minutes, the
    notice), kept through Django's storage API."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    event = models.ForeignKey(
        ApplicationEvent, null=True, on_delete=models.CASCADE, related_name="documents"
    )
    file = models.CharField(_("stored file"), max_length=300)
    filename = models.CharField(_("file name"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["application", "id"]

    def __str__(self) -> str:
        return self.filename


class Objection(models.Model):
    """An objection received during the public notice, and the office's answer."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="objections"
    )
    text = models.TextField(_("objection"))
    source = models.CharField(_("received from"), max_length=200, blank=True)
    received_at = models.DateTimeField(_("received"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answer = models.TextField(pgettext_lazy("objection", "answer"), blank=True)
    upheld = models.BooleanField(_("upheld"), null=True)
    answered_at = models.DateTimeField(
        pgettext_lazy("objection", "answered"), null=True, blank=True
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["application", "received_at", "id"]

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def is_open(self) -> bool:
        return self.answered_at is None


class CoverageTarget(models.Model):
    """The office's target for a region and a type: more than `share` of its candidates
    honoured at `min_level` or above by `due_on`. A target naming a scheme edition (the
    county edition) is a county-level city's own campaign."""

    region = models.ForeignKey(
        "org.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    type = models.ForeignKey(
        CreationType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="targets"
    )
    min_level = models.CharField(
        _("at least"), max_length=12, choices=HonourLevel.choices, default=HonourLevel.COUNTY
    )
    share = models.DecimalField(
        _("share (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    due_on = models.DateField(pgettext_lazy("deadline", "by"))
    system = models.ForeignKey(
        "standards.EvaluationSystem",
        verbose_name=_("own campaign's scheme edition"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    SCOPE = REFERENCE

    class Meta:
        ordering = ["type", "region__path"]
        verbose_name = _("coverage target")
        verbose_name_plural = _("coverage targets")
        constraints = [
            models.UniqueConstraint(fields=["region", "type"], name="creation_target_once"),
            models.CheckConstraint(
                name="creation_target_share_0_100", condition=Q(share__gte=0, share__lte=100)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} · {self.type} · {self.share}%"
