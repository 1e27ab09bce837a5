"""How the creation registry's audit entries read on the activity page (core/activity.py asks).

An application's own timeline names each step as its button does ("Approve the honour",
`lifecycle.ACTION_LABELS`); the log's filter lists every app's actions side by side, so each
label here also says what the step was done to.
"""

from django.urls import reverse
from django.utils.translation import pgettext_lazy

from wenming.core.activity import (
    choice_label,
    describe_by_str,
    omitted,
    register_activity,
)

from . import lifecycle
from .models import ApplicationStatus, HonourLevel

LABELS = {
    "creation.apply": pgettext_lazy("audit action", "Creation application submitted"),
    f"creation.{lifecycle.REGION_PASS}": pgettext_lazy(
        "audit action", "Application passed the region's review"
    ),
    f"creation.{lifecycle.REGION_REJECT}": pgettext_lazy(
        "audit action", "Application not recommended by the region"
    ),
    f"creation.{lifecycle.WITHDRAW}": pgettext_lazy("audit action", "Application withdrawn"),
    f"creation.{lifecycle.OFFICE_PASS}": pgettext_lazy(
        "audit action", "Application passed and put on public notice"
    ),
    f"creation.{lifecycle.OFFICE_REJECT}": pgettext_lazy(
        "audit action", "Application not approved by the office"
    ),
    f"creation.{lifecycle.OBJECT}": pgettext_lazy(
        "audit action", "Objection to an application recorded"
    ),
    f"creation.{lifecycle.ANSWER}": pgettext_lazy(
        "audit action", "Objection to an application answered"
    ),
    f"creation.{lifecycle.APPROVE}": pgettext_lazy("audit action", "Honour approved"),
    f"creation.{lifecycle.REJECT}": pgettext_lazy(
        "audit action", "Application refused after the public notice"
    ),
    f"creation.{lifecycle.RECHECK}": pgettext_lazy(
        "audit action", "Annual re-check of an honour passed"
    ),
    f"creation.{lifecycle.WARN}": pgettext_lazy("audit action", "Honour holder warned"),
    f"creation.{lifecycle.REVOKE}": pgettext_lazy("audit action", "Honour revoked"),
    f"creation.{lifecycle.EVIDENCE}": pgettext_lazy(
        "audit action", "Evidence added to an application"
    ),
    "creation.type_save": pgettext_lazy("audit action", "Creation type saved"),
    "creation.target_set": pgettext_lazy("audit action", "Coverage target set"),
    "creation.entry_register": pgettext_lazy(
        "audit action", "Entry added to the creation registry"
    ),
}


def _type_name(code) -> str:
    from .models import CreationType

    row = CreationType.objects.filter(code=str(code)).first()
    return row.display_name if row is not None else str(code)


def register() -> None:
    status = choice_label(ApplicationStatus)
    register_activity(
        labels=LABELS,
        prefix="creation.",
        values={
            "from": status,
            "to": status,
            "level": choice_label(HonourLevel),
            "entry": omitted,  # a database id: the target names the entry
            "objection": omitted,  # a database id: the note is the objection
            "type": _type_name,
        },
        keys={
            "level": pgettext_lazy("audit detail", "Honour level"),
            "self_score": pgettext_lazy("audit detail", "Self-assessed score"),
            "score": pgettext_lazy("audit detail", "Review score"),
            "valid_until": pgettext_lazy("audit detail", "Valid until"),
            "upheld": pgettext_lazy("audit detail", "Upheld"),
            "type": pgettext_lazy("audit detail", "Creation type"),
            "share": pgettext_lazy("audit detail", "Target share (%)"),
            "key": pgettext_lazy("audit detail", "Registry key"),
            "documents": pgettext_lazy("audit detail", "Documents"),
        },
    )
    register_activity(
        target_type="creation.application",
        describe=describe_by_str(
            "creation.application",
            "entry",
            url=lambda row: reverse("creation:application", args=[row.pk]),
        ),
    )
    register_activity(
        target_type="creation.entry",
        describe=describe_by_str(
            "creation.entry", "type", url=lambda row: reverse("creation:entry", args=[row.pk])
        ),
    )
    register_activity(
        target_type="creation.coveragetarget",
        describe=describe_by_str("creation.coveragetarget", "region", "type"),
    )
