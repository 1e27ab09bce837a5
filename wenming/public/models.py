"""Tables of the citizens' portal: which categories the public may choose, the office's portal
switches, each citizen report's public side (tracking code, rating, review), the public replies
and their templates.

The problem itself lives in the ledger (`problems.Problem`, source "citizen"); a
`CitizenReport` adds what only the public side needs, so the ledger keeps one shape.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wenming.core.scope import ScopeRule
from wenming.org.roles import Role
from wenming.problems.models import Status


class PublicCategory(models.Model):
    """A ledger category the public may choose on the portal (one row per category)."""

    category = models.OneToOneField(
        "problems.Category",
        on_delete=models.CASCADE,
        related_name="public",
        verbose_name=_("category"),
    )
    is_public = models.BooleanField(_("offered to the public"), default=True)
    hint = models.CharField(_("hint for citizens"), max_length=200, blank=True)
    hint_en = models.CharField(_("English hint"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)

    SCOPE = ScopeRule(reference_for=frozenset(Role.values))

    class Meta:
        ordering = ("sort_order", "category_id")
        verbose_name = _("public category")
        verbose_name_plural = _("public categories")

    def __str__(self):
        return str(self.category)


class PortalSettings(models.Model):
    """The office's switches and limits for the portal (one row, pk 1)."""

    public_map = models.BooleanField(_("show the public map"), default=True)
    public_rankings = models.BooleanField(_("show the public rankings"), default=False)
    reports_per_hour = models.PositiveSmallIntegerField(
        _("reports per hour from one address or phone"), default=5
    )
    retention_days = models.PositiveIntegerField(
        _("keep reporters' personal data after closing (days)"), default=365
    )
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("portal settings")
        verbose_name_plural = _("portal settings")

    def __str__(self) -> str:
        # The one row of the portal's settings: its name is what it is.
        return str(self._meta.verbose_name)


class Channel(models.TextChoices):
    PORTAL = "portal", pgettext_lazy("report channel", "Public portal")
    OPEN311 = "open311", pgettext_lazy("report channel", "Open311 partner app")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", pgettext_lazy("citizen rating", "Satisfied")
    NOT_SATISFIED = "not_satisfied", pgettext_lazy("citizen rating", "Not satisfied")


class Review(models.TextChoices):
    """The office's review of a "not satisfied" rating (one per report)."""

    PENDING = "pending", pgettext_lazy("citizen review", "Awaiting the office's review")
    REOPENED = "reopened", pgettext_lazy("citizen review", "Reopened after review")
    UPHELD = "upheld", pgettext_lazy("citizen review", "Closure upheld after review")


class CitizenReport(models.Model):
    """The public side of a citizen's problem report."""

    problem = models.OneToOneField(
        "problems.Problem",
        on_delete=models.CASCADE,
        related_name="citizen_report",
        verbose_name=_("problem"),
    )
    # Unguessable: it is the only key a citizen has, so it must not be enumerable.
    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True)
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.PORTAL
    )
    created_at = models.DateTimeField(_("reported"), default=timezone.now)
    rating = models.CharField(_("rating"), max_length=16, choices=Rating.choices, blank=True)
    rating_reason = models.TextField(_("reason"), blank=True)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)
    review = models.CharField(_("review"), max_length=10, choices=Review.choices, blank=True)
    review_requested_at = models.DateTimeField(_("review requested"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    # Set when the retention tick erased the reporter's name and phone.
    personal_data_erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    SCOPE = ScopeRule(region="problem__region", units=("problem__responsible_unit",))

    class Meta:
        verbose_name = _("citizen report")
        verbose_name_plural = _("citizen reports")
        indexes = [
            models.Index(
                fields=["review"],
                name="public_cr_review_pending",
                condition=models.Q(review="pending"),
            ),
            models.Index(
                fields=["created_at"],
                name="public_cr_not_erased",
                condition=models.Q(personal_data_erased_at__isnull=True),
            ),
        ]

    def __str__(self):
        return self.tracking_code


class ResponseTemplate(models.Model):
    """The public reply shown when a citizen's problem reaches a status (per category, or for
    every category when `category` is empty)."""

    category = models.ForeignKey(
        "problems.Category",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    text = models.TextField(_("reply"))
    text_en = models.TextField(_("English reply"), blank=True)

    class Meta:
        verbose_name = _("response template")
        verbose_name_plural = _("response templates")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "status"], name="public_template_one_per_category_status"
            ),
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(category__isnull=True),
                name="public_template_one_default_per_status",
            ),
        ]

    def __str__(self) -> str:
        category = self.category or _("Every category")
        return f"{category} · {self.get_status_display()}"


class PublicReply(models.Model):
    """A reply the public sees on a report's timeline (triage reason, review outcome)."""

    report = models.ForeignKey(
        CitizenReport, on_delete=models.CASCADE, related_name="replies", verbose_name=_("report")
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, blank=True)
    text = models.TextField(_("reply"))
    text_en = models.TextField(_("English reply"), blank=True)

    class Meta:
        ordering = ("created_at", "id")
        verbose_name = _("public reply")
        verbose_name_plural = _("public replies")

    def __str__(self) -> str:
        return self.text[:40]
