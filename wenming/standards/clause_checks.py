"""The checks of a content line's clauses in a spec (the workbook and the demo), apart from
spec.py so that each stays short; `line` is a spec.StandardSpec, `r` a spec.Reporter."""

from decimal import Decimal

from django.utils.translation import gettext as _

from .models import METHOD_ORDER


def check_clauses(line, r, unit_codes: set[str], *, max_points: Decimal) -> None:
    """A line's own clauses: numbered once each, their methods' points adding up to theirs,
    and together making the line's points and methods."""
    seen: dict[int, object] = {}
    for clause in line.clauses:
        code = f"{line.code}.{clause.number}"
        if clause.number in seen:
            r.add(
                clause.loc,
                "clause_number",
                _("Clause %(code)s appears twice (first on row %(row)s).")
                % {"code": code, "row": seen[clause.number] or "?"},
            )
        seen[clause.number] = clause.loc.row if clause.loc else None
        per_method = clause.method_points()
        if clause.points < 0 or clause.points > max_points:
            r.add(
                clause.loc,
                "clause_points",
                _("Points must lie between 0 and 100 (found %(value)s).")
                % {"value": clause.points},
            )
        elif any(p < 0 for p in per_method.values()):
            r.add(
                clause.loc,
                "points_material",
                _("Clause %(code)s: points of a method cannot be negative.") % {"code": code},
            )
        elif clause.points and not any(p > 0 for p in per_method.values()):
            r.add(
                clause.loc,
                "points_material",
                _("Clause %(code)s has no method: give points to at least one method.")
                % {"code": code},
            )
        elif abs(sum(per_method.values()) - clause.points) >= Decimal("0.005"):
            r.add(
                clause.loc,
                "clause_points",
                _(
                    "Clause %(code)s: its methods' points add up to %(sum)s, not to its "
                    "%(points)s points."
                )
                % {"code": code, "sum": sum(per_method.values()), "points": clause.points},
            )
        if clause.lead_unit and clause.lead_unit not in unit_codes:
            r.add(
                clause.loc,
                "clause_lead_unit",
                _("Unknown member unit %(code)s.") % {"code": clause.lead_unit},
            )
        for unit in clause.co_units:
            if unit not in unit_codes:
                r.add(
                    clause.loc,
                    "clause_co_units",
                    _("Unknown member unit %(code)s.") % {"code": unit},
                )
    total = sum((c.points for c in line.clauses), Decimal("0"))
    if abs(total - line.points) >= Decimal("0.005"):
        r.add(
            line.loc,
            "points",
            _("Content line %(code)s has %(points)s points but its clauses add up to %(sum)s.")
            % {"code": line.code, "points": line.points, "sum": total},
        )
    used = {m for c in line.clauses for m, p in c.method_points().items() if p > 0}
    if used and used != set(line.methods):
        r.add(
            line.loc,
            "methods",
            _("Content line %(code)s names the methods %(line)s; its clauses use %(used)s.")
            % {
                "code": line.code,
                "line": ", ".join(m for m in METHOD_ORDER if m in set(line.methods)),
                "used": ", ".join(m for m in METHOD_ORDER if m in used),
            },
        )
