"""How the scoring app's audit entries read: on the activity page (core/activity.py asks) and
in a month's own log (`ScoringEvent.action_label`), with the same words."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import pgettext_lazy

from wenming.core.activity import (
    choice_label,
    describe_by_str,
    model_keys,
    omitted,
    register_activity,
)
from wenming.standards.models import Penalty

from .models import Component, LadderStep, ScoringSettings, Tier
from .tasks import QUEUED

# What each entry of the app's log says (`ScoringEvent.action`; the audit code is
# "scoring.<action>"; a queued computation is logged but not audited).
LABELS = {
    QUEUED: pgettext_lazy("audit action", "Monthly snapshot queued for computing"),
    "snapshot_computed": pgettext_lazy("audit action", "Monthly snapshot computed"),
    "snapshot_published": pgettext_lazy("audit action", "Monthly snapshot published"),
    "snapshot_recomputed": pgettext_lazy("audit action", "Monthly snapshot recomputed"),
    "ladder_step": pgettext_lazy("audit action", "Escalation step recorded"),
    "weights_set": pgettext_lazy("audit action", "Score weights set"),
    "settings_updated": pgettext_lazy("audit action", "Scoring settings changed"),
    "questionnaire_figure_set": pgettext_lazy("audit action", "Questionnaire figure entered"),
    "annual_result_set": pgettext_lazy("audit action", "Annual result entered"),
    "compliance_event_recorded": pgettext_lazy(
        "audit action", "Hard-requirement or negative-list event recorded"
    ),
    "compliance_event_withdrawn": pgettext_lazy(
        "audit action", "Hard-requirement or negative-list event withdrawn"
    ),
}


def event_label(action: str) -> str:
    """A log entry's words (the code itself for an action this code never wrote)."""
    label = LABELS.get(action)
    return str(label) if label is not None else action


def _percent(value) -> str:
    """A rate kept as a share ("0.81") reads as a percentage ("81%")."""
    try:
        return f"{(Decimal(str(value)) * 100).normalize():f}%"
    except InvalidOperation:
        return str(value)


def _weights(value) -> str:
    """{component: percent} → "Field score 40%, …" (the components by their names)."""
    if not isinstance(value, dict):
        return str(value)
    name = choice_label(Component)
    return ", ".join(f"{name(key)} {share}%" for key, share in value.items())


def register() -> None:
    register_activity(
        labels={f"scoring.{action}": label for action, label in LABELS.items()},
        prefix="scoring.",
        values={
            "tier": choice_label(Tier),
            "step": choice_label(LadderStep),
            "effect": choice_label(Penalty),
            "rate": _percent,
            "event": omitted,  # a database id: the target names the event
            "scheme": omitted,
            "campaign": omitted,
        },
        keys={
            "month": pgettext_lazy("audit detail", "Month"),
            "version": pgettext_lazy("audit detail", "Version"),
            "old_version": pgettext_lazy("audit detail", "Previous version"),
            "subjects": pgettext_lazy("audit detail", "Subjects scored"),
            "tier": pgettext_lazy("audit detail", "Ranking group"),
            "streak": pgettext_lazy("audit detail", "Months at the bottom in a row"),
            "step": pgettext_lazy("audit detail", "Escalation step"),
            "standard": pgettext_lazy("audit detail", "Standard"),
            "rate": pgettext_lazy("audit detail", "Rate"),
            "respondents": pgettext_lazy("audit detail", "Respondents"),
            "score": pgettext_lazy("audit detail", "Annual score"),
            "entry": pgettext_lazy("audit detail", "Negative-list entry"),
            "veto": pgettext_lazy("audit detail", "One-vote veto"),
            "effect": pgettext_lazy("audit detail", "Effect"),
            "on": pgettext_lazy("audit detail", "Occurred on"),
        },
    )
    # The same keys hold the weights in one action and the settings in the other.
    register_activity(prefix="scoring.weights_set", values={"before": _weights, "after": _weights})
    register_activity(prefix="scoring.settings_updated", keys=model_keys(ScoringSettings))
    # Named by their `__str__`, with the rows it reads, in one query for a page of entries.
    register_activity(
        target_type="scoring.escalationstep",
        describe=describe_by_str("scoring.escalationstep", "region", "unit"),
    )
    register_activity(
        target_type="scoring.questionnairefigure",
        describe=describe_by_str("scoring.questionnairefigure", "standard"),
    )
