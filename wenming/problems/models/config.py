"""The office's routing rules and ledger settings."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wenming.core.scope import ScopeRule

from .choices import EVERY_ROLE
from .problem import Category


class TargetLevel(models.TextChoices):
    DISTRICT = "district", pgettext_lazy("routing target", "The problem's district")
    STREET = "street", pgettext_lazy("routing target", "The problem's street")


class RoutingRule(models.Model):
    """Routing as data: problems of a category in a region go to a unit or to the locality."""

    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="routing_rules",
        help_text=_("Empty: every category."),
    )
    region = models.ForeignKey(
        "org.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty: the whole city; otherwise its subtree."),
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("member unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="routing_rules",
    )
    target_level = models.CharField(
        _("locality"), max_length=10, choices=TargetLevel.choices, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    SCOPE = ScopeRule(reference_for=EVERY_ROLE)

    class Meta:
        ordering = ["category__code", "region__path", "id"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [
            models.CheckConstraint(
                name="routing_rule_one_target",
                condition=(
                    Q(unit__isnull=False, target_level="")
                    | (Q(unit__isnull=True) & ~Q(target_level=""))
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category or '*'} × {self.region or '*'} → {self.unit or self.target_level}"


class LedgerConfig(models.Model):
    """The office's knobs for the ledger (one row)."""

    auto_dispatch = models.BooleanField(
        _("dispatch inspection problems automatically"),
        default=True,
        help_text=_("When routing finds exactly one target."),
    )
    duplicate_radius_m = models.PositiveIntegerField(_("duplicate radius (m)"), default=50)
    recurrence_days = models.PositiveSmallIntegerField(_("recurrence window (days)"), default=30)
    reopen_window_days = models.PositiveSmallIntegerField(_("reopen window (days)"), default=30)
    escalation_working_days = models.PositiveSmallIntegerField(
        _("escalate when overdue by more than (working days)"), default=3
    )
    far_photo_m = models.PositiveIntegerField(_("after-photo distance limit (m)"), default=200)
    near_copy_distance = models.PositiveSmallIntegerField(
        _("near-copy threshold (perceptual hash bits)"), default=3
    )

    class Meta:
        verbose_name = _("ledger settings")
        constraints = [
            models.CheckConstraint(
                name="ledger_config_near_copy_max", condition=Q(near_copy_distance__lte=3)
            ),
        ]

    def __str__(self) -> str:
        return str(_("ledger settings"))
