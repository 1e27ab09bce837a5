"""Read a workbook into a spec, reporting every bad cell with its sheet, row and column."""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from wenming.core.errors import InvalidInput

from ..models import (
    Method,
)
from ..spec import (
    ChecklistSpec,
    IndicatorSpec,
    ItemSpec,
    Loc,
    NegativeSpec,
    PointSpec,
    PointTypeSpec,
    Problem,
    Reporter,
    SystemSpec,
    WorkbookSpec,
)
from .clauses import standards_from_rows
from .columns import LIST_SEPARATORS, SHEETS, Column, Sheet, _in_all_languages, _norm, sheet_title
from .effects import attach_effects

# --- import --------------------------------------------------------------------------------


@dataclass
class Parsed:
    spec: WorkbookSpec
    reporter: Reporter
    unusable: frozenset = field(default_factory=frozenset)  # sheets missing or unreadable
    # Codes of rows that had a bad cell: references to them are not reported a second time.
    broken: dict = field(default_factory=dict)

    @property
    def problems(self) -> list[Problem]:
        return self.reporter.problems


class CellError(ValueError):
    pass


# The largest numbers a cell may hold, by the column's kind: decimals are stored as
# numeric(6, 2), whole numbers as positive small integers (the same range on every database);
# floats are coordinates, so anything past a million is a typing error.
DECIMAL_LIMIT = Decimal("9999.99")
INT_LIMIT = 32767
FLOAT_DIGITS = 6
BIG_BITS = 256  # an int cell beyond 2**256 is not a number anyone typed


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > BIG_BITS:
        # str() of an int with thousands of digits raises; no cell means such a number.
        raise CellError(_("This number is too large."))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _shown(value) -> str:
    """A cell as text where no cell error can be reported (headers, blank-row test)."""
    try:
        return _text(value)
    except CellError:
        return "?"


def _choice_in(column: Column, value) -> str:
    text = _text(value)
    if not text:
        return ""
    wanted = _norm(text)
    for code, label in column.choices.choices:
        if wanted == _norm(code) or wanted in _in_all_languages(label):
            return code
    raise CellError(
        _("Unknown value %(value)s; expected one of: %(choices)s.")
        % {"value": text, "choices": ", ".join(str(label) for _c, label in column.choices.choices)}
    )


def _bool_in(value) -> bool | None:
    if value is None or _text(value) == "":
        return None
    if isinstance(value, bool):
        return value
    text = _norm(value)
    if text in {"1", "true", "y", "yes", "是", "√", "✓"} | _in_all_languages(
        pgettext_lazy("workbook", "yes")
    ):
        return True
    if text in {"0", "false", "n", "no", "否", "×"} | _in_all_languages(
        pgettext_lazy("workbook", "no")
    ):
        return False
    raise CellError(_("Write yes or no (found %(value)s).") % {"value": _text(value)})


def _split(value) -> list[str]:
    text = _text(value)
    for separator in LIST_SEPARATORS[1:]:
        text = text.replace(separator, ",")
    return [part.strip() for part in text.split(",") if part.strip()]


def _methods_in(value) -> list[str]:
    methods = []
    for part in _split(value):
        wanted = _norm(part)
        for code, label in Method.choices:
            if wanted == _norm(code) or wanted in _in_all_languages(label):
                methods.append(code)
                break
        else:
            raise CellError(_("Unknown method %(value)s.") % {"value": part})
    return methods


def _number_in(value) -> Decimal | None:
    """A cell's number as an exact Decimal (None when blank); anything else is a cell error.

    Excel holds numbers as doubles, but openpyxl gives a long run of digits as an int and a
    cell typed as text as a string, so a cell can hold a number of any size: its magnitude is
    checked here, before any arithmetic, never left to quantize() or the database.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number = None
    if isinstance(value, bool):
        pass  # TRUE/FALSE in a number column
    elif isinstance(value, int):
        if value.bit_length() > BIG_BITS:
            raise CellError(_("This number is too large."))
        number = Decimal(value)
    elif isinstance(value, float | str | Decimal):
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            number = None
    if number is None or not number.is_finite():
        raise CellError(_("Write a number (found %(value)s).") % {"value": _text(value)})
    return number


def _too_large(number: Decimal, limit) -> CellError:
    shown = f"{number:.6g}" if number.adjusted() > 20 else str(number)
    return CellError(
        _("The number %(value)s is too large (at most %(limit)s).")
        % {"value": shown, "limit": limit}
    )


def _decimal_in(value) -> Decimal | None:
    number = _number_in(value)
    if number is None:
        return None
    # adjusted() is the exponent of the leading digit: checked before quantize(), which
    # raises for a result longer than the context's 28 digits.
    if number.adjusted() >= DECIMAL_LIMIT.adjusted() + 1:
        raise _too_large(number, DECIMAL_LIMIT)
    number = number.quantize(Decimal("0.01"))
    if abs(number) > DECIMAL_LIMIT:
        raise _too_large(number, DECIMAL_LIMIT)
    return number


def _int_in(value) -> int | None:
    number = _number_in(value)
    if number is None:
        return None
    if number.adjusted() > len(str(INT_LIMIT)):
        raise _too_large(number, INT_LIMIT)
    if number != number.to_integral_value():
        raise CellError(_("Write a whole number (found %(value)s).") % {"value": _text(value)})
    if abs(number) > INT_LIMIT:
        raise _too_large(number, INT_LIMIT)
    return int(number)


def _float_in(value) -> float | None:
    number = _number_in(value)
    if number is None:
        return None
    if number.adjusted() > FLOAT_DIGITS:
        raise _too_large(number, f"1e{FLOAT_DIGITS}")
    return float(number)


def _cell(column: Column, value):
    if column.kind == "str":
        return _text(value)
    if column.kind == "choice":
        return _choice_in(column, value)
    if column.kind == "bool":
        return _bool_in(value)
    if column.kind == "list":
        return _split(value)
    if column.kind == "methods":
        return _methods_in(value)
    if column.kind == "decimal":
        return _decimal_in(value)
    if column.kind == "int":
        return _int_in(value)
    return _float_in(value)


def _match_sheets(workbook, reporter: Reporter) -> dict[str, object]:
    found = {}
    by_name = {}
    for sheet in SHEETS:
        for name in _in_all_languages(sheet.title) | {_norm(sheet.key)}:
            by_name[name] = sheet.key
    for ws in workbook.worksheets:
        key = by_name.get(_norm(ws.title))
        if key is not None and key not in found:
            found[key] = ws
    for sheet in SHEETS:
        if sheet.key not in found and not sheet.optional:
            reporter.add(
                Loc(sheet.key),
                None,
                _("The sheet %(title)s is missing.") % {"title": str(sheet.title)},
            )
    return found


def _header_map(sheet: Sheet, header_row, reporter: Reporter) -> dict[str, int] | None:
    """Map column keys to 0-based positions from the header row, reporting what is wrong."""
    by_label = {}
    for column in sheet.columns:
        for name in _in_all_languages(column.label) | {_norm(column.key)}:
            by_label[name] = column.key
    positions: dict[str, int] = {}
    ok = True
    for index, value in enumerate(header_row or ()):
        text = _shown(value)
        if not text:
            continue
        key = by_label.get(_norm(text))
        letter = get_column_letter(index + 1)
        if key is None:
            reporter.add(
                Loc(sheet.key, 1, {"_": letter}),
                "_",
                _("Unknown column header %(value)s.") % {"value": text},
            )
            ok = False
        elif key in positions:
            reporter.add(
                Loc(sheet.key, 1, {"_": letter}),
                "_",
                _("The column %(value)s appears twice.") % {"value": text},
            )
            ok = False
        else:
            positions[key] = index
    for column in sheet.columns:
        if column.required and column.key not in positions:
            reporter.add(
                Loc(sheet.key, 1),
                None,
                _("The required column %(label)s is missing.") % {"label": str(column.label)},
            )
            ok = False
    return positions if ok else None


def _read_sheet(
    sheet: Sheet, ws, reporter: Reporter, progress, broken: dict[str, set[str]]
) -> list[tuple[Loc, dict]] | None:
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    positions = _header_map(sheet, header, reporter)
    if positions is None:
        return None
    letters = {key: get_column_letter(index + 1) for key, index in positions.items()}
    result = []
    for row_number, row in enumerate(rows, start=2):
        if progress:
            progress(1)
        if row is None or all(_shown(v) == "" for v in row):
            continue
        loc = Loc(sheet.key, row_number, letters)
        values, row_ok = {}, True
        for column in sheet.columns:
            index = positions.get(column.key)
            raw = row[index] if index is not None and index < len(row) else None
            try:
                value = _cell(column, raw)
            except CellError as exc:
                reporter.add(loc, column.key, str(exc))
                row_ok = False
                continue
            if column.required and value in (None, "", []):
                reporter.add(
                    loc, column.key, _("%(label)s is required.") % {"label": str(column.label)}
                )
                row_ok = False
            values[column.key] = value
        if row_ok:
            result.append((loc, values))
        elif sheet.key in broken and values.get("code"):
            broken[sheet.key].add(values["code"])
    return result


# What a blank optional cell means.
BLANK = {
    "is_hard": False,
    "photo_required": True,
    "is_active": True,
    "is_virtual": False,
    "is_veto": False,
    "kind": "main",
    "domain": "mechanism",
    "observation": "observation",
    "scoring": "pass_fail",
}
NUMERIC = {
    "deduction",
    "points",
    "sampling_weight",
    "deadline_days",
    "lat",
    "lon",
    "edition_year",
    "weight_material",
    "weight_field",
    "weight_questionnaire",
    "threshold",
    "grade",
    "sample_route_m",
    "sample_spacing_m",
    "sample_minutes",
    "sample_count",
}
SPECS = {
    "items": ItemSpec,
    "indicators": IndicatorSpec,
    "negative": NegativeSpec,
    "point_types": PointTypeSpec,
    "checklist": ChecklistSpec,
    "points": PointSpec,
}
PARENT_SHEETS = ("items", "indicators", "standards", "point_types", "negative")


def _blanks(values: dict) -> dict:
    result = {}
    for key, value in values.items():
        if value in (None, "") and key in BLANK:
            value = BLANK[key]
        elif value is None and key not in NUMERIC:
            value = ""
        result[key] = value
    return result


def parse_workbook(file, *, progress=None) -> Parsed:
    """Read a workbook into a spec; every cell-level problem lands in the reporter."""
    reporter = Reporter(sheet_title=sheet_title)
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise InvalidInput(
            _("This file is not an Excel workbook (.xlsx)."), code="not_a_workbook"
        ) from exc
    broken: dict[str, set[str]] = {key: set() for key in PARENT_SHEETS}
    try:
        found = _match_sheets(workbook, reporter)
        unusable = {s.key for s in SHEETS if s.key not in found}
        read: dict[str, list] = {}
        for sheet in SHEETS:
            if sheet.key in found:
                rows = _read_sheet(sheet, found[sheet.key], reporter, progress, broken)
                if rows is None:
                    unusable.add(sheet.key)
                else:
                    read[sheet.key] = rows
    finally:
        workbook.close()
    spec = WorkbookSpec(system=_system_spec(read.get("system"), reporter, unusable))
    for key, spec_class in SPECS.items():
        target = getattr(spec, key)
        for loc, values in read.get(key, []):
            target.append(spec_class(loc=loc, **_blanks(values)))
    spec.standards = standards_from_rows(read.get("standards", []), reporter, _blanks)
    attach_effects(spec, read.get("negative_effects", []), reporter, broken.get("negative", set()))
    return Parsed(spec=spec, reporter=reporter, unusable=frozenset(unusable), broken=broken)


def _system_spec(rows, reporter: Reporter, unusable: set) -> SystemSpec:
    if rows is None:
        return SystemSpec(code="", name="", edition_year=0)
    if len(rows) != 1:
        reporter.add(
            Loc("system", 2),
            None,
            _("The sheet must hold exactly one evaluation system (found %(n)s rows).")
            % {"n": len(rows)},
        )
        unusable.add("system")
        return SystemSpec(code="", name="", edition_year=0)
    loc, values = rows[0]
    return SystemSpec(loc=loc, **_blanks(values))
