"""How the inspection rounds' audit entries read on the activity page (core/activity.py asks)."""

from django.urls import reverse
from django.utils.translation import pgettext_lazy

from wenming.core.activity import choice_label, describe_by_str, omitted, register_activity

from . import lifecycle
from .models import RoundKind

LABELS = {
    "inspections.round_create": pgettext_lazy("audit action", "Inspection round created"),
    "inspections.round_draw": pgettext_lazy("audit action", "Points drawn for an inspection round"),
    "inspections.visit_reassign": pgettext_lazy("audit action", "Visit reassigned"),
    "inspections.visit_start": pgettext_lazy("audit action", "Visit started"),
    "inspections.visit_answers": pgettext_lazy("audit action", "Visit answers saved"),
    "inspections.visit_photo": pgettext_lazy("audit action", "Visit photo added"),
    "inspections.visit_submit": pgettext_lazy("audit action", "Visit submitted"),
    f"inspections.visit_{lifecycle.APPROVE}": pgettext_lazy("audit action", "Visit approved"),
    f"inspections.visit_{lifecycle.FLAG}": pgettext_lazy(
        "audit action", "Visit reviewed: has issues"
    ),
    f"inspections.visit_{lifecycle.REJECT}": pgettext_lazy("audit action", "Visit rejected"),
}

# What is odd about a visit photo (`services.visits.photo_flags`).
PHOTO_FLAGS = {
    "no_metadata": pgettext_lazy("photo flag", "no camera time or position"),
    "far": pgettext_lazy("photo flag", "taken far from the point"),
    "before_start": pgettext_lazy("photo flag", "taken before the visit started"),
}


def _flags(value) -> str:
    flags = value if isinstance(value, list) else [value]
    return ", ".join(str(PHOTO_FLAGS.get(flag, flag)) for flag in flags)


def register() -> None:
    register_activity(
        labels=LABELS,
        prefix="inspections.",
        values={
            "round": omitted,  # the target names the round (a visit: "round · point")
            "kind": choice_label(RoundKind),
            "flags": _flags,
        },
        keys={
            "seed": pgettext_lazy("audit detail", "Draw seed"),
            "visits": pgettext_lazy("audit detail", "Visits"),
            "assigned": pgettext_lazy("audit detail", "Assigned"),
            "items": pgettext_lazy("audit detail", "Checklist answers"),
            "item": pgettext_lazy("audit detail", "Checklist item"),
            "point": pgettext_lazy("audit detail", "Point"),
            "distance_m": pgettext_lazy("audit detail", "Distance from the point (m)"),
            "far": pgettext_lazy("audit detail", "Started far from the point"),
            "score": pgettext_lazy("audit detail", "Score"),
            "problems": pgettext_lazy("audit detail", "Problems reported"),
            "linked": pgettext_lazy("audit detail", "Problems linked"),
        },
    )
    # A reassignment's "from" and "to" are teams, not statuses.
    register_activity(
        prefix="inspections.visit_reassign",
        keys={
            "from": pgettext_lazy("audit detail", "Previous team"),
            "to": pgettext_lazy("audit detail", "New team"),
        },
    )
    register_activity(
        target_type="inspections.round",
        describe=describe_by_str(
            "inspections.round", url=lambda row: reverse("inspections:round", args=[row.pk])
        ),
    )
    register_activity(
        target_type="inspections.visit",
        describe=describe_by_str(
            "inspections.visit",
            "round",
            "point",
            url=lambda row: reverse("inspections:visit", args=[row.pk]),
        ),
    )
