"""Material review (材料审核): assessment windows, one submission per (window, clause, unit),
its evidence files and its log.

A window is one assessment of an evaluation system's material clauses: units upload evidence
dated inside [starts_on, ends_on] (by default the 12 months before the assessment date). When a
window opens, a submission row is written for every clause assessed by material and every unit
that owns it (the clause's lead unit and co-units, or its content line's when it names none):
a row in `draft` with no files is material still missing, so the gap list, the unit's due list
and the roll-up are plain SQL over one table.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wenming.core.models import ActivityRecord
from wenming.core.scope import ScopeRule
from wenming.org.roles import Role

EVERY_WORKING_ROLE = frozenset(
    {Role.REGION_OFFICER, Role.UNIT_OFFICER, Role.INSPECTOR, Role.EVALUATOR}
)


class WindowStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("window status", "Open")
    CLOSED = "closed", pgettext_lazy("window status", "Closed")


class AssessmentWindow(models.Model):
    """One material assessment of an evaluation system, with the period its evidence covers."""

    system = models.ForeignKey(
        "standards.EvaluationSystem",
        verbose_name=_("evaluation system"),
        on_delete=models.PROTECT,
        related_name="material_windows",
    )
    # The campaign the assessment belongs to, when the office runs one (plans app).
    campaign = models.ForeignKey(
        "plans.Campaign",
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="material_windows",
    )
    name = models.CharField(_("name"), max_length=200)
    assessment_date = models.DateField(_("assessment date"))
    starts_on = models.DateField(_("evidence from"))
    ends_on = models.DateField(_("evidence until"))
    submit_by = models.DateField(_("submit by"))
    status = models.CharField(
        _("status"), max_length=16, choices=WindowStatus.choices, default=WindowStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    # Windows are the published calendar of the review: every working role reads them.
    SCOPE = ScopeRule(reference_for=EVERY_WORKING_ROLE)

    class Meta:
        ordering = ["-assessment_date", "-id"]
        verbose_name = _("assessment window")
        verbose_name_plural = _("assessment windows")
        constraints = [
            models.CheckConstraint(
                name="material_window_period_ordered", condition=Q(starts_on__lte=F("ends_on"))
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def covers(self, day) -> bool:
        """Whether evidence dated `day` lies inside the window (both ends included)."""
        return self.starts_on <= day <= self.ends_on


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("Not submitted")
    SUBMITTED = "submitted", _("Awaiting pre-review")
    SCORED = "scored", _("Pre-scored")
    RETURNED = "returned", _("Returned for resubmission")
    RESUBMITTED = "resubmitted", _("Resubmitted")


class OwnerRole(models.TextChoices):
    LEAD = "lead", _("lead unit")
    CO = "co", _("supporting unit")


class Submission(models.Model):
    """A unit's evidence for one material clause in one window, and the office's pre-review."""

    window = models.ForeignKey(
        AssessmentWindow,
        verbose_name=_("assessment window"),
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    clause = models.ForeignKey(
        "standards.Clause",
        verbose_name=_("clause"),
        on_delete=models.PROTECT,
        related_name="material_submissions",
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("member unit"),
        on_delete=models.PROTECT,
        related_name="material_submissions",
    )
    owner_role = models.CharField(
        _("responsibility"), max_length=8, choices=OwnerRole.choices, default=OwnerRole.LEAD
    )
    status = models.CharField(
        _("status"), max_length=16, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT
    )
    # The pre-score as a share of the clause's material points (0 … 1).
    score = models.DecimalField(
        _("pre-score (share)"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    comments = models.TextField(_("comments"), blank=True)
    return_deadline = models.DateField(_("resubmit by"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submissions = models.PositiveSmallIntegerField(_("times submitted"), default=0)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=0)
    is_demo = models.BooleanField(_("demo data"), default=False)

    SCOPE = ScopeRule(units=("unit",))

    class Meta:
        ordering = ["window", "clause__code", "unit__code"]
        verbose_name = _("material submission")
        verbose_name_plural = _("material submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["window", "clause", "unit"], name="material_one_per_clause_and_unit"
            ),
            models.CheckConstraint(
                name="material_score_is_a_share",
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=1),
            ),
            models.CheckConstraint(
                name="material_scored_has_score",
                condition=~Q(status="scored") | Q(score__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["window", "status"], name="material_window_status"),
            models.Index(fields=["unit", "status"], name="material_unit_status"),
            models.Index(fields=["status", "reviewed_at"], name="material_status_reviewed"),
        ]

    def __str__(self) -> str:
        return f"{self.clause.code} · {self.unit}"

    @property
    def points_possible(self):
        return self.clause.points_material

    @property
    def points_earned(self):
        if self.score is None:
            return None
        return (self.score * self.clause.points_material).quantize(self.clause.points_material)


class EvidenceKind(models.TextChoices):
    DOCUMENT = "document", _("official document")
    REPORT = "report", _("explanatory report")
    PHOTO = "photo", _("photo of the real scene")
    TABLE = "table", _("data table")


class EvidenceFile(models.Model):
    """One uploaded file of a submission; `document_date` is the date the document bears."""

    submission = models.ForeignKey(
        Submission, verbose_name=_("submission"), on_delete=models.CASCADE, related_name="files"
    )
    kind = models.CharField(_("evidence kind"), max_length=16, choices=EvidenceKind.choices)
    file_kind = models.CharField(_("file type"), max_length=8)  # pdf, word, excel, image
    name = models.CharField(_("file name"), max_length=200)
    path = models.CharField(_("stored as"), max_length=300)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    document_date = models.DateField(_("document date"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    SCOPE = ScopeRule(units=("submission__unit",))

    class Meta:
        ordering = ["submission", "uploaded_at", "id"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.name


class MaterialEvent(ActivityRecord):
    """The append-only log of a submission: opened, files added and removed, submitted,
    scored, returned."""

    submission = models.ForeignKey(
        Submission, verbose_name=_("submission"), on_delete=models.CASCADE, related_name="events"
    )

    SCOPE = ScopeRule(units=("submission__unit",))

    class Meta(ActivityRecord.Meta):
        verbose_name = _("material event")
        verbose_name_plural = _("material events")
        indexes = [models.Index(fields=["submission", "-at"], name="material_event_submission")]

    @property
    def action_label(self) -> str:
        from .lifecycle import ACTION_LABELS

        return str(ACTION_LABELS.get(self.action, self.action))
