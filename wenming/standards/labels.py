"""Words for the history lists: an event's action code ("standard.update") as a reader says it.

The codes stay in the database (stable, searchable); pages show these labels instead, so a
clerk reads "Standard changed" / "修改测评标准", not `standard.update`. Each label is one
sentence in each language, never a subject and a verb joined by the code: Chinese puts the
verb first, English last. The activity page's filter and table use the same labels
(`standards.activity`, `points.activity`), so an action has one name everywhere.
"""

from django.utils.translation import pgettext_lazy

# "<subject>.<verb>" → label, for every action the standards and points apps write.
LABELS = {
    "system.create": pgettext_lazy("history", "Evaluation system added"),
    "system.update": pgettext_lazy("history", "Evaluation system changed"),
    "system.delete": pgettext_lazy("history", "Evaluation system deleted"),
    "system.import": pgettext_lazy("history", "Evaluation system imported"),
    "system.export": pgettext_lazy("history", "Evaluation system exported"),
    "system.activate": pgettext_lazy("history", "Evaluation system put in force"),
    "system.archive": pgettext_lazy("history", "Evaluation system archived"),
    "system.clone": pgettext_lazy("history", "Evaluation system copied as a new edition"),
    "item.create": pgettext_lazy("history", "Item added"),
    "item.update": pgettext_lazy("history", "Item changed"),
    "item.delete": pgettext_lazy("history", "Item deleted"),
    "indicator.create": pgettext_lazy("history", "Indicator added"),
    "indicator.update": pgettext_lazy("history", "Indicator changed"),
    "indicator.delete": pgettext_lazy("history", "Indicator deleted"),
    "standard.create": pgettext_lazy("history", "Standard added"),
    "standard.update": pgettext_lazy("history", "Standard changed"),
    "standard.delete": pgettext_lazy("history", "Standard deleted"),
    "clause.create": pgettext_lazy("history", "Clause added"),
    "clause.update": pgettext_lazy("history", "Clause changed"),
    "clause.delete": pgettext_lazy("history", "Clause deleted"),
    "negative.create": pgettext_lazy("history", "Negative-list entry added"),
    "negative.update": pgettext_lazy("history", "Negative-list entry changed"),
    "negative.delete": pgettext_lazy("history", "Negative-list entry deleted"),
    "point_type.create": pgettext_lazy("history", "Point type added"),
    "point_type.update": pgettext_lazy("history", "Point type changed"),
    "point_type.delete": pgettext_lazy("history", "Point type deleted"),
    "checklist.create": pgettext_lazy("history", "Checklist item added"),
    "checklist.update": pgettext_lazy("history", "Checklist item changed"),
    "checklist.delete": pgettext_lazy("history", "Checklist item deleted"),
    "point.create": pgettext_lazy("history", "Assessment point added"),
    "point.update": pgettext_lazy("history", "Assessment point changed"),
    "point.import": pgettext_lazy("history", "Assessment points imported"),
}


def action_label(action: str, *, subject: str = "") -> str:
    """`"standard.update"` → "Standard changed"; `"standards.system.delete"` (the audit log's
    code) reads the same; `subject` names the object of a bare verb (a point's "create").
    An unknown code is shown as it is."""
    head, _dot, verb = action.rpartition(".")
    head = head.rpartition(".")[2] or subject
    label = LABELS.get(f"{head}.{verb}")
    return str(label) if label is not None else action
