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
    StandardSpec,
    SystemSpec,
    WorkbookSpec,
)
from .columns import LIST_SEPARATORS, SHEETS, Column, Sheet, _in_all_languages, _norm, sheet_title

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


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


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


def _decimal_in(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise CellError(_("Write a number (found %(value)s).") % {"value": _text(value)}) from None
    if not number.is_finite():
        raise CellError(_("Write a number (found %(value)s).") % {"value": _text(value)})
    return number.quantize(Decimal("0.01"))


def _int_in(value) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip())
        if number != number.to_integral_value():
            raise InvalidOperation
        return int(number)
    except (InvalidOperation, ValueError):
        raise CellError(
            _("Write a whole number (found %(value)s).") % {"value": _text(value)}
        ) from None


def _float_in(value) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(str(value).strip()) if not isinstance(value, int | float) else float(value)
    except ValueError:
        raise CellError(_("Write a number (found %(value)s).") % {"value": _text(value)}) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise CellError(_("Write a number (found %(value)s).") % {"value": _text(value)})
    return number


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
        if sheet.key not in found:
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
        text = _text(value)
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
        if row is None or all(v is None or _text(v) == "" for v in row):
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
BLANK = {"is_hard": False, "photo_required": True, "is_active": True}
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
}
SPECS = {
    "items": ItemSpec,
    "indicators": IndicatorSpec,
    "standards": StandardSpec,
    "negative": NegativeSpec,
    "point_types": PointTypeSpec,
    "checklist": ChecklistSpec,
    "points": PointSpec,
}
PARENT_SHEETS = ("items", "indicators", "standards", "point_types")


def _blanks(values: dict) -> dict:
    result = {}
    for key, value in values.items():
        if value is None and key in BLANK:
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
