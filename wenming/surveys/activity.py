"""How the surveys' audit entries read: on the activity page (core/activity.py asks) and in a
survey's own log (`SurveyEvent.action_label`), with the same words."""

from django.utils.translation import pgettext_lazy

from wenming.core.activity import (
    choice_label,
    field_names,
    omitted,
    pairs_text,
    region_name,
    register_activity,
)

from .models import QuestionKind, Survey, SurveyStatus

# What each entry of a survey's log says (`SurveyEvent.action`; the audit code is
# "surveys.<action>"). Each names the survey or question, so the activity filter reads alone.
LABELS = {
    "created": pgettext_lazy("audit action", "Survey created"),
    "updated": pgettext_lazy("audit action", "Survey changed"),
    "open": pgettext_lazy("audit action", "Survey opened"),
    "close": pgettext_lazy("audit action", "Survey closed"),
    "reopen": pgettext_lazy("audit action", "Survey reopened"),
    "question_added": pgettext_lazy("audit action", "Question added to a survey"),
    "question_changed": pgettext_lazy("audit action", "Survey question changed"),
    "question_removed": pgettext_lazy("audit action", "Question removed from a survey"),
    "quotas_set": pgettext_lazy("audit action", "District quotas set"),
}


def event_label(action: str) -> str:
    """A survey log entry's words (the code itself for an action this code never wrote)."""
    label = LABELS.get(action)
    return str(label) if label is not None else action


def _quotas(value) -> str:
    """{district id: target} → "Zhongshan District: 400; …" (ids mean nothing to a reader)."""
    if not isinstance(value, dict):
        return str(value)
    return pairs_text(
        (region_name(int(pk)) if str(pk).isdigit() else str(pk), target)
        for pk, target in value.items()
    )


def register() -> None:
    status = choice_label(SurveyStatus)
    register_activity(
        labels={f"surveys.{action}": label for action, label in LABELS.items()},
        prefix="surveys.",
        values={
            "from": status,
            "to": status,
            "kind": choice_label(QuestionKind),
            "question": omitted,  # a database id; the survey's page lists its questions
            "targets": _quotas,
            "fields": field_names(Survey),
        },
        keys={
            "survey": pgettext_lazy("audit detail", "Survey code"),
            "targets": pgettext_lazy("audit detail", "Quotas"),
            "fields": pgettext_lazy("audit detail", "Fields"),
        },
    )
