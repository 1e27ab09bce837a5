"""Letters of responsibility (责任书): one per unit or region of a campaign, and its signing."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wenming.core.scope import ScopeRule

from .campaigns import Campaign


class LetterHolder(models.TextChoices):
    UNIT = "unit", _("Member unit")
    REGION = "region", _("Region")


class Letter(models.Model):
    """The letter a unit or region signs for its share of a campaign: the generated Word file,
    then the signed scan, the signer and the date."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="letters"
    )
    holder = models.CharField(_("holder"), max_length=8, choices=LetterHolder.choices)
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("member unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="letters",
    )
    region = models.ForeignKey(
        "org.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="letters",
    )
    document = models.CharField(_("generated letter"), max_length=300, blank=True)
    generated_at = models.DateTimeField(_("generated"), null=True, blank=True)
    signed_scan = models.CharField(_("signed scan"), max_length=300, blank=True)
    signed_scan_name = models.CharField(_("scan file name"), max_length=200, blank=True)
    signer = models.CharField(_("signer"), max_length=100, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    SCOPE = ScopeRule(region="region", units=("unit",))

    class Meta:
        ordering = ["campaign", "holder", "unit__code", "region__path"]
        verbose_name = _("letter of responsibility")
        verbose_name_plural = _("letters of responsibility")
        constraints = [
            models.CheckConstraint(
                name="letter_one_holder",
                condition=(Q(holder="unit", unit__isnull=False, region__isnull=True))
                | Q(holder="region", region__isnull=False, unit__isnull=True),
            ),
            models.UniqueConstraint(
                fields=["campaign", "unit"],
                condition=Q(unit__isnull=False),
                name="letter_unit_once",
            ),
            models.UniqueConstraint(
                fields=["campaign", "region"],
                condition=Q(region__isnull=False),
                name="letter_region_once",
            ),
        ]

    def __str__(self) -> str:
        holder = self.unit if self.unit_id else self.region
        return f"{self.campaign} · {holder}"

    @property
    def is_signed(self) -> bool:
        return self.signed_on is not None
