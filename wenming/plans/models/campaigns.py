"""Campaigns (创建周期) and their work plans: the promotion action plan, special rectification
plans and monthly promotion plans, each an uploaded document plus its structured tasks."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from wenming.core.roles import Role
from wenming.core.scope import ScopeRule

# Campaigns and plans are what every working role reads to find its tasks: reference data.
_EVERYONE = frozenset({Role.REGION_OFFICER, Role.UNIT_OFFICER, Role.INSPECTOR, Role.EVALUATOR})


class CompetitionGroup(models.TextChoices):
    """The groups cities compete in (domain.md: national assessment)."""

    CAPITAL = "capital", _("Provincial capitals and sub-provincial cities")
    PREFECTURE = "prefecture", _("Prefecture-level cities")
    COUNTY = "county", _("County-level cities and counties")
    DISTRICT = "district", _("Districts")


class Campaign(models.Model):
    """One creation campaign: the region that runs it, its evaluation system and cycle."""

    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(
        "org.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="campaigns"
    )
    system = models.ForeignKey(
        "standards.EvaluationSystem",
        verbose_name=_("evaluation system"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    cycle_start_year = models.PositiveSmallIntegerField(_("cycle starts"))
    cycle_end_year = models.PositiveSmallIntegerField(_("cycle ends"))
    competition_group = models.CharField(
        _("competition group"),
        max_length=16,
        choices=CompetitionGroup.choices,
        default=CompetitionGroup.PREFECTURE,
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

    SCOPE = ScopeRule(region="region", reference_for=_EVERYONE)

    class Meta:
        ordering = ["-cycle_end_year", "-id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                name="campaign_cycle_ordered",
                condition=Q(cycle_end_year__gte=F("cycle_start_year")),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PlanKind(models.TextChoices):
    PROMOTION = "promotion", _("Promotion action plan")
    RECTIFICATION = "rectification", _("Special rectification plan")
    MONTHLY = "monthly", _("Monthly promotion plan")


class WorkPlan(models.Model):
    """A work plan of a campaign: the document as uploaded, and the tasks that carry it out."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="plans"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=PlanKind.choices)
    title = models.CharField(_("title"), max_length=200)
    # The first day of the month a monthly plan is for; empty for the other kinds.
    month = models.DateField(_("month"), null=True, blank=True)
    document = models.CharField(_("document"), max_length=300, blank=True)
    document_name = models.CharField(_("document file name"), max_length=200, blank=True)
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

    SCOPE = ScopeRule(region="campaign__region", reference_for=_EVERYONE)

    class Meta:
        ordering = ["campaign", "kind", "-month", "id"]
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        constraints = [
            models.CheckConstraint(
                name="workplan_month_for_monthly",
                condition=~Q(kind="monthly") | Q(month__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.title
