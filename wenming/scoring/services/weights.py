"""The composite's weights: one scheme per campaign (`WeightScheme.campaign`), the scheme
without a campaign the default; with neither, domain.md's published district score.

A region's score uses the scheme of the campaign run by the nearest region containing it (a
county-level city's own campaign before the city's); a unit's score the city-wide campaign's
(the campaign of a region without a parent); otherwise the default."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from wenming.core.roles import require_office

from .. import composite as rules
from ..models import WeightScheme
from .common import event


def scheme_default() -> WeightScheme | None:
    return WeightScheme.objects.filter(campaign__isnull=True).order_by("pk").first()


def weights_of(scheme: WeightScheme | None) -> dict[str, Decimal]:
    """A scheme's weights as Decimals (domain.md's defaults when there is no scheme)."""
    if scheme is None:
        return rules.weights_clean(rules.DEFAULT_WEIGHTS)
    return rules.weights_clean(scheme.weights)


def weights_for_snapshot() -> dict[str, Decimal]:
    """The default weights a month's snapshot applies (the default scheme's, or domain.md's)."""
    return weights_of(scheme_default())


class WeightChooser:
    """Which weights a subject's score uses (see the module docstring), read once per snapshot."""

    def __init__(self):
        self.default = weights_for_snapshot()
        schemes = WeightScheme.objects.filter(campaign__isnull=False).select_related(
            "campaign__region"
        )
        # Deepest region first, so the nearest campaign wins.
        self.by_path = sorted(
            ((s.campaign.region.path, weights_of(s)) for s in schemes),
            key=lambda pair: -len(pair[0]),
        )
        roots = [w for path, w in self.by_path if path.count("/") == 2]
        self.units = roots[0] if roots else self.default

    def for_region(self, path: str) -> dict[str, Decimal]:
        for prefix, weights in self.by_path:
            if path.startswith(prefix):
                return weights
        return self.default


def weights_set(*, actor, weights: dict, campaign=None, name: str = "") -> WeightScheme:
    """Set the composite's weights (percent per component) for a campaign or the default;
    refused unless they add up to 100, with the sum named; nothing is saved on a refusal."""
    require_office(actor, _("Only the Civilization Office sets the weights."))
    clean = rules.weights_clean(weights)
    stored = {k: f"{v.normalize():f}" for k, v in clean.items() if v}
    with transaction.atomic():
        scheme = (
            WeightScheme.objects.select_for_update()
            .filter(campaign=campaign)
            .order_by("pk")
            .first()
            if campaign is not None
            else WeightScheme.objects.select_for_update()
            .filter(campaign__isnull=True)
            .order_by("pk")
            .first()
        )
        before = scheme.weights if scheme else {}
        if scheme is None:
            scheme = WeightScheme(campaign=campaign)
        scheme.name = name or scheme.name or (str(campaign) if campaign else _("Default weights"))
        scheme.weights = stored
        scheme.updated_by = actor
        scheme.save()
        event(
            actor=actor,
            action="weights_set",
            target=scheme,
            data={
                "scheme": scheme.pk,
                "campaign": campaign.pk if campaign else None,
                "before": before,
                "after": stored,
            },
        )
    return scheme
