"""The negative list's graded effects in a workbook: one row per effect on their own sheet.

The negative sheet keeps one penalty per entry (the grade-1 effect, as before effects were
graded), so a workbook without the effects sheet still imports. When the effects sheet lists
an entry, its rows are the entry's whole list of effects and the penalty columns are only a
summary of grade 1.
"""

from django.utils.translation import gettext as _

from ..models import Penalty
from ..spec import EffectSpec, Reporter, WorkbookSpec


def attach_effects(
    spec: WorkbookSpec, rows: list, reporter: Reporter, broken_entries: set[str]
) -> None:
    """Give each negative-list entry its rows of the effects sheet; bad rows are named."""
    entries = {e.code: e for e in spec.negative}
    listed: dict[str, list[EffectSpec]] = {}
    for loc, values in rows:
        code = values.get("entry_code") or ""
        if code not in entries:
            if code not in broken_entries:
                reporter.add(
                    loc,
                    "entry_code",
                    _("Entry %(code)s is not in the negative list sheet.") % {"code": code or "—"},
                )
            continue
        grade = values.get("grade")
        if grade is None or grade < 1:
            reporter.add(loc, "grade", _("The grade is a whole number from 1 (the mildest)."))
            continue
        effects = listed.setdefault(code, [])
        if any(e.grade == grade for e in effects):
            reporter.add(
                loc,
                "grade",
                _("Entry %(code)s already has an effect of grade %(grade)s.")
                % {"code": code, "grade": grade},
            )
            continue
        effect = values.get("effect") or ""
        deduction = values.get("deduction")
        if effect == Penalty.DEDUCT and (deduction is None or deduction <= 0):
            reporter.add(loc, "deduction", _("A deduction penalty needs the points to deduct."))
            continue
        effects.append(
            EffectSpec(
                grade=grade,
                effect=effect,
                deduction=deduction if effect == Penalty.DEDUCT else None,
                condition=values.get("condition") or "",
            )
        )
    for code, effects in listed.items():
        entries[code].effects = sorted(effects, key=lambda e: e.grade)
