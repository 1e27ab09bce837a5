"""The composite's weights: one scheme per campaign, the scheme without a campaign the default."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from wenming.core.roles import require_office

from .. import composite as rules
from ..models import WeightScheme
from .common import event


def scheme_default() -> WeightScheme | None:
    return WeightScheme.objects.filter(**_campaign_filter(None)).order_by("pk").first()


def _campaign_filter(campaign) -> dict:
    # The campaign link is added once the plans app's Campaign exists (migration 0002).
    if not any(f.name == "campaign" for f in WeightScheme._meta.get_fields()):
        return {}
    return {"campaign": campaign} if campaign is not None else {"campaign__isnull": True}


def weights_of(scheme: WeightScheme | None) -> dict[str, Decimal]:
    """A scheme's weights as Decimals (domain.md's defaults when there is no scheme)."""
    if scheme is None:
        return rules.weights_clean(rules.DEFAULT_WEIGHTS)
    return rules.weights_clean(scheme.weights)


def weights_for_snapshot() -> dict[str, Decimal]:
    """The weights a month's snapshot applies: the default scheme's (domain.md's if none)."""
    return weights_of(scheme_default())


def weights_set(*, actor, weights: dict, campaign=None, name: str = "") -> WeightScheme:
    """Set the composite's weights (percent per component); refused unless they add up to 100,
    with the sum named; nothing is saved on a refusal."""
    require_office(actor, _("Only the Civilization Office sets the weights."))
    clean = rules.weights_clean(weights)
    stored = {k: f"{v.normalize():f}" for k, v in clean.items() if v}
    with transaction.atomic():
        filters = _campaign_filter(campaign)
        scheme = WeightScheme.objects.select_for_update().filter(**filters).first()
        before = scheme.weights if scheme else {}
        if scheme is None:
            scheme = WeightScheme(**({"campaign": campaign} if "campaign" in filters else {}))
        scheme.name = name or scheme.name or (str(campaign) if campaign else _("Default weights"))
        scheme.weights = stored
        scheme.updated_by = actor
        scheme.save()
        event(
            actor=actor,
            action="weights_set",
            target=scheme,
            data={"scheme": scheme.pk, "before": before, "after": stored},
        )
    return scheme
