"""The clause level (IV) in the standards sheet: one row per clause, the content line repeated.

A row's first columns describe its content line (code, indicator, text, points, methods,
owners), as in the three-level layout; the clause columns after them give the clause's
number, text, points per method and own owners. Rows with the same line code are that
line's clauses, in order. A workbook whose clause columns are empty on every row is a
three-level workbook: each line gets one clause with its text and its points split among its
methods. Clause columns filled on some rows only would leave some lines without the clauses
the author meant: the whole workbook is refused and every such row named.
"""

from django.utils.translation import gettext as _

from ..models import METHOD_ORDER, Clause, Method, Standard
from ..spec import ClauseSpec, Reporter, StandardSpec
from .columns import CLAUSE_COLUMNS

CLAUSE_KEYS = tuple(c.key for c in CLAUSE_COLUMNS)
CLAUSE_NUMERIC = {"clause_number", "clause_points", *(f"points_{m}" for m in METHOD_ORDER)}
# The line's own columns: repeated on each of its clause rows, and the same on each.
LINE_KEYS = (
    "indicator_code",
    "text",
    "points",
    "methods",
    "is_hard",
    "lead_unit",
    "co_units",
    "notes",
)


def _filled(values: dict) -> bool:
    return any(values.get(key) not in (None, "", []) for key in CLAUSE_KEYS)


def standards_from_rows(rows: list, reporter: Reporter, blanks) -> list[StandardSpec]:
    """The standards sheet's rows as content lines with their clauses.

    `rows` are (loc, values) of rows without a bad cell; `blanks` fills blank cells as the
    other sheets do.
    """
    filled = [_filled(values) for _loc, values in rows]
    three_levels = [
        StandardSpec(loc=loc, **blanks({k: v for k, v in values.items() if k in _LINE}))
        for loc, values in rows
    ]
    if not any(filled):
        return three_levels
    if not all(filled):
        for (loc, _values), has in zip(rows, filled, strict=True):
            if not has:
                reporter.add(
                    loc,
                    "clause_number",
                    _(
                        "Row %(row)s has no clause while other rows have one: fill the clause "
                        "columns on every row of the sheet, or on none (one clause per line)."
                    )
                    % {"row": loc.row},
                )
        # Refused already; read as three levels so that nothing else is reported twice.
        return three_levels
    lines: dict[str, StandardSpec] = {}
    for loc, values in rows:
        code = values.get("code") or ""
        line = lines.get(code)
        if line is None:
            line = StandardSpec(loc=loc, **blanks({k: v for k, v in values.items() if k in _LINE}))
            lines[code] = line
        else:
            _same_line(line, loc, blanks(values), reporter)
        clause = _clause(loc, values, line, reporter)
        if clause is not None:
            line.clauses.append(clause)
    return list(lines.values())


_LINE = {"code", *LINE_KEYS}


def _same_line(line: StandardSpec, loc, values: dict, reporter: Reporter) -> None:
    for key in LINE_KEYS:
        if key in values and values[key] != getattr(line, key):
            reporter.add(
                loc,
                key,
                _(
                    "Row %(row)s repeats content line %(code)s with another value than its "
                    "first row (row %(first)s) in this column."
                )
                % {"row": loc.row, "code": line.code, "first": line.loc.row if line.loc else "?"},
            )
            return


def _clause(loc, values: dict, line: StandardSpec, reporter: Reporter) -> ClauseSpec | None:
    number, points = values.get("clause_number"), values.get("clause_points")
    ok = True
    if number is None or number < 1:
        reporter.add(
            loc,
            "clause_number",
            _("Row %(row)s: the clause number is a whole number from 1.") % {"row": loc.row},
        )
        ok = False
    if points is None:
        reporter.add(
            loc, "clause_points", _("Row %(row)s: the clause needs its points.") % {"row": loc.row}
        )
        ok = False
    if not ok:
        return None
    return ClauseSpec(
        number=number,
        text=values.get("clause_text") or line.text,
        points=points,
        points_material=values.get("points_material") or 0,
        points_field=values.get("points_field") or 0,
        points_questionnaire=values.get("points_questionnaire") or 0,
        lead_unit=values.get("clause_lead_unit") or "",
        co_units=values.get("clause_co_units") or [],
        notes=values.get("clause_notes") or "",
        loc=loc,
    )


# --- export --------------------------------------------------------------------------------


def _methods_out(methods) -> str:
    labels = dict(Method.choices)
    return ", ".join(str(labels[m]) for m in methods if m in labels)


def standard_rows(system, *, yes_no, list_out):
    """("standards", row) per clause: the line's columns, then the clause's."""
    line_co: dict[int, list[str]] = {}
    through = Standard.co_units.through
    for standard_id, code in (
        through.objects.filter(standard__system=system)
        .order_by("unit__code")
        .values_list("standard_id", "unit__code")
    ):
        line_co.setdefault(standard_id, []).append(code)
    clause_co: dict[int, list[str]] = {}
    through = Clause.co_units.through
    for clause_id, code in (
        through.objects.filter(clause__system=system)
        .order_by("unit__code")
        .values_list("clause_id", "unit__code")
    ):
        clause_co.setdefault(clause_id, []).append(code)
    clauses: dict[int, list[Clause]] = {}
    for clause in (
        Clause.objects.filter(system=system).select_related("lead_unit").order_by("number")
    ):
        clauses.setdefault(clause.standard_id, []).append(clause)
    for s in (
        Standard.objects.filter(system=system)
        .select_related("indicator", "lead_unit")
        .order_by("order", "code")
    ):
        line = [
            s.code,
            s.indicator.code,
            s.text,
            s.points,
            _methods_out(s.method_list),
            yes_no(s.is_hard),
            s.lead_unit.code if s.lead_unit_id else "",
            list_out(line_co.get(s.pk, [])),
            s.notes,
        ]
        for c in clauses.get(s.pk, []):
            yield (
                "standards",
                [
                    *line,
                    c.number,
                    c.text,
                    c.points,
                    c.points_material,
                    c.points_field,
                    c.points_questionnaire,
                    c.lead_unit.code if c.lead_unit_id else "",
                    list_out(clause_co.get(c.pk, [])),
                    c.notes,
                ],
            )
