"""How material review's audit entries read on the activity page (core/activity.py asks)."""

from django.urls import reverse
from django.utils.translation import pgettext_lazy

from wenming.core.activity import choice_label, model_keys, register_activity

from .models import AssessmentWindow, EvidenceKind, Submission, SubmissionStatus

LABELS = {
    "materials.window_create": pgettext_lazy("audit action", "Opened a material assessment window"),
    "materials.window_update": pgettext_lazy(
        "audit action", "Changed a material assessment window"
    ),
    "materials.window_sync": pgettext_lazy("audit action", "Synchronised material owners"),
    "materials.open": pgettext_lazy("audit action", "Opened a material submission"),
    "materials.file_add": pgettext_lazy("audit action", "Added a material file"),
    "materials.file_remove": pgettext_lazy("audit action", "Removed a material file"),
    "materials.submit": pgettext_lazy("audit action", "Submitted material for pre-review"),
    "materials.score": pgettext_lazy("audit action", "Pre-scored material"),
    "materials.return": pgettext_lazy("audit action", "Returned material for resubmission"),
}


def _submissions(ids: list[str]) -> dict:
    """Submissions as "clause · unit", each linked to its page (one query for a page)."""
    pks = [int(pk) for pk in ids if pk.isdigit()]
    rows = Submission.objects.filter(pk__in=pks).values_list("pk", "clause__code", "unit__code")
    return {
        str(pk): (f"{clause} · {unit}", reverse("materials:detail", args=[pk]))
        for pk, clause, unit in rows
    }


def register() -> None:
    status = choice_label(SubmissionStatus)
    register_activity(
        labels=LABELS,
        prefix="materials.",
        target_type="materials.submission",
        describe=_submissions,
        values={
            "from": status,
            "to": status,
            "kind": choice_label(EvidenceKind),
        },
        keys={
            **model_keys(AssessmentWindow),  # a changed window's fields before
            "clause": pgettext_lazy("audit detail", "Clause"),
            "file": pgettext_lazy("audit detail", "File"),
            "files": pgettext_lazy("audit detail", "Files"),
            "in_window": pgettext_lazy("audit detail", "Dated within the window"),
            "outside": pgettext_lazy("audit detail", "Files dated outside the window"),
            "comments": pgettext_lazy("audit detail", "Comments"),
            "deadline": pgettext_lazy("audit detail", "Resubmit by"),
            "score": pgettext_lazy("audit detail", "Pre-score (share)"),
            "previous_score": pgettext_lazy("audit detail", "Previous pre-score (share)"),
            "system": pgettext_lazy("audit detail", "Evaluation system"),
            "starts_on": pgettext_lazy("audit detail", "Starts on"),
            "ends_on": pgettext_lazy("audit detail", "Ends on"),
            "submissions": pgettext_lazy("audit detail", "Submissions"),
            "added": pgettext_lazy("audit detail", "Added"),
            "removed": pgettext_lazy("audit detail", "Removed"),
        },
    )
