"""Words for the history lists: an event's action code ("standard.update") as a reader says it.

The codes stay in the database (stable, searchable); pages show these labels instead, so a
clerk reads "standard changed" / "测评标准 已修改", not `standard.update`.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

SUBJECTS = {
    "system": _("Evaluation system"),
    "item": _("Item"),
    "indicator": _("Indicator"),
    "standard": _("Standard"),
    "clause": _("Clause"),
    "negative": _("Negative list"),
    "point_type": _("Point type"),
    "checklist": _("Checklist item"),
    "point": _("Assessment point"),
}

VERBS = {
    "create": pgettext_lazy("history", "created"),
    "update": pgettext_lazy("history", "changed"),
    "delete": pgettext_lazy("history", "deleted"),
    "import": pgettext_lazy("history", "imported"),
    "activate": pgettext_lazy("history", "put in force"),
    "archive": pgettext_lazy("history", "archived"),
    "clone": pgettext_lazy("history", "cloned as a new edition"),
}


def action_label(action: str, *, subject: str = "") -> str:
    """`"standard.update"` → "Standard changed"; an unknown code is shown as it is."""
    head, _dot, verb = action.rpartition(".")
    head = head.rpartition(".")[2] or subject
    if verb not in VERBS or (head and head not in SUBJECTS):
        return action
    if not head:
        return str(VERBS[verb])
    return f"{SUBJECTS[head]} {VERBS[verb]}"
