"""How the evaluation systems' audit entries read on the activity page (core/activity.py asks).

The labels are the history list's (`labels.LABELS`): "新增测评标准" on the system's page and in
the activity log's filter alike.
"""

from django.utils.translation import pgettext_lazy

from wenming.core.activity import field_changes, register_activity

from . import models
from .labels import LABELS

# A deleted object's kind as the services write it (services.rules.KIND) → its model.
_KINDS = {
    "system": models.EvaluationSystem,
    "item": models.Item,
    "indicator": models.Indicator,
    "standard": models.Standard,
    "clause": models.Clause,
    "negative": models.NegativeListEntry,
    "checklist": models.ChecklistItem,
    "point_type": models.PointType,
}


def _kind(value) -> str:
    model = _KINDS.get(value)
    return str(model._meta.verbose_name) if model is not None else str(value)


def register() -> None:
    labels = {f"standards.{code}": label for code, label in LABELS.items()}
    labels["standards.export"] = LABELS["system.export"]
    register_activity(
        labels=labels,
        prefix="standards.",
        values={
            "kind": _kind,
            "changes": field_changes(*_KINDS.values()),
        },
        keys={
            "from": pgettext_lazy("audit detail", "Copied from"),
            "replaced_by": pgettext_lazy("audit detail", "Replaced by"),
            "clauses": pgettext_lazy("audit detail", "Clauses"),
        },
    )
