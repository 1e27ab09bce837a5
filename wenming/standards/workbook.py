"""One Excel workbook per evaluation system: one sheet per table, headers in the user's language.

Export writes with openpyxl's write-only mode (points may number tens of thousands); import
reads in read-only mode, accepts Chinese or English sheet names and headers (columns in any
order), parses every cell, and reports every problem with its sheet, row and column. Nothing
is written here: `services.system_load` writes the parsed spec in one transaction.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import override, pgettext, pgettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from wenming.core.errors import InvalidInput
from wenming.core.scope import scope_queryset

from .models import (
    ChecklistItem,
    EvaluationSystem,
    Indicator,
    Item,
    Method,
    NegativeListEntry,
    Penalty,
    PointGroup,
    PointType,
    Standard,
    SystemLevel,
    SystemStatus,
)
from .spec import (
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

LANGUAGES = ("zh-hans", "en")
LIST_SEPARATORS = (",", "，", ";", "；", "、", "/")


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # lazy translation
    kind: str = "str"  # str, int, decimal, float, bool, list, methods, or a choices class
    required: bool = False
    choices: type | None = None


@dataclass(frozen=True)
class Sheet:
    key: str
    title: object
    columns: tuple[Column, ...]


SHEETS = (
    Sheet(
        "system",
        pgettext_lazy("workbook", "Evaluation system"),
        (
            Column("code", pgettext_lazy("workbook", "Code"), required=True),
            Column("name", pgettext_lazy("workbook", "Name"), required=True),
            Column("edition_year", pgettext_lazy("workbook", "Edition year"), "int", required=True),
            Column(
                "level",
                pgettext_lazy("workbook", "Level"),
                "choice",
                required=True,
                choices=SystemLevel,
            ),
            Column(
                "status",
                pgettext_lazy("workbook", "Status"),
                "choice",
                required=True,
                choices=SystemStatus,
            ),
            Column(
                "weight_material",
                pgettext_lazy("workbook", "Material review weight"),
                "decimal",
                required=True,
            ),
            Column(
                "weight_field",
                pgettext_lazy("workbook", "Field inspection weight"),
                "decimal",
                required=True,
            ),
            Column(
                "weight_questionnaire",
                pgettext_lazy("workbook", "Questionnaire weight"),
                "decimal",
                required=True,
            ),
            Column("description", pgettext_lazy("workbook", "Description")),
        ),
    ),
    Sheet(
        "items",
        pgettext_lazy("workbook", "Items"),
        (
            Column("code", pgettext_lazy("workbook", "Code"), required=True),
            Column("name", pgettext_lazy("workbook", "Name"), required=True),
            Column("description", pgettext_lazy("workbook", "Description")),
        ),
    ),
    Sheet(
        "indicators",
        pgettext_lazy("workbook", "Indicators"),
        (
            Column("code", pgettext_lazy("workbook", "Code"), required=True),
            Column("item_code", pgettext_lazy("workbook", "Item code"), required=True),
            Column("name", pgettext_lazy("workbook", "Name"), required=True),
            Column("description", pgettext_lazy("workbook", "Description")),
        ),
    ),
    Sheet(
        "standards",
        pgettext_lazy("workbook", "Standards"),
        (
            Column("code", pgettext_lazy("workbook", "Code"), required=True),
            Column("indicator_code", pgettext_lazy("workbook", "Indicator code"), required=True),
            Column("text", pgettext_lazy("workbook", "Standard text"), required=True),
            Column("points", pgettext_lazy("workbook", "Points"), "decimal", required=True),
            Column("methods", pgettext_lazy("workbook", "Methods"), "methods", required=True),
            Column("is_hard", pgettext_lazy("workbook", "Hard requirement"), "bool"),
            Column("lead_unit", pgettext_lazy("workbook", "Lead unit code")),
            Column("co_units", pgettext_lazy("workbook", "Supporting unit codes"), "list"),
            Column("notes", pgettext_lazy("workbook", "Notes")),
        ),
    ),
    Sheet(
        "negative",
        pgettext_lazy("workbook", "Negative list"),
        (
            Column("code", pgettext_lazy("workbook", "Code"), required=True),
            Column("text", pgettext_lazy("workbook", "Text"), required=True),
            Column(
                "penalty",
                pgettext_lazy("workbook", "Penalty"),
                "choice",
                required=True,
                choices=Penalty,
            ),
            Column("deduction", pgettext_lazy("workbook", "Points deducted"), "decimal"),
            Column("notes", pgettext_lazy("workbook", "Notes")),
        ),
    ),
    Sheet(
        "point_types",
        pgettext_lazy("workbook", "Point types"),
        (
            Column("code", pgettext_lazy("workbook", "Code"), required=True),
            Column("name", pgettext_lazy("workbook", "Name"), required=True),
            Column("name_en", pgettext_lazy("workbook", "English name")),
            Column(
                "group",
                pgettext_lazy("workbook", "Group"),
                "choice",
                required=True,
                choices=PointGroup,
            ),
            Column(
                "sampling_weight",
                pgettext_lazy("workbook", "Sampling weight"),
                "decimal",
                required=True,
            ),
            Column("description", pgettext_lazy("workbook", "Description")),
            Column("is_active", pgettext_lazy("workbook", "Active"), "bool"),
        ),
    ),
    Sheet(
        "checklist",
        pgettext_lazy("workbook", "Checklist items"),
        (
            Column("code", pgettext_lazy("workbook", "Code"), required=True),
            Column("point_type_code", pgettext_lazy("workbook", "Point type code"), required=True),
            Column("standard_code", pgettext_lazy("workbook", "Standard code"), required=True),
            Column("text", pgettext_lazy("workbook", "Check"), required=True),
            Column(
                "deduction",
                pgettext_lazy("workbook", "Deduction on failure"),
                "decimal",
                required=True,
            ),
            Column(
                "photo_required", pgettext_lazy("workbook", "Photo required on failure"), "bool"
            ),
            Column("default_category_code", pgettext_lazy("workbook", "Default problem category")),
            Column(
                "deadline_days",
                pgettext_lazy("workbook", "Deadline (working days)"),
                "int",
                required=True,
            ),
        ),
    ),
    Sheet(
        "points",
        pgettext_lazy("workbook", "Assessment points"),
        (
            Column("code", pgettext_lazy("workbook", "Code"), required=True),
            Column("name", pgettext_lazy("workbook", "Name"), required=True),
            Column("point_type_code", pgettext_lazy("workbook", "Point type code"), required=True),
            Column("region_code", pgettext_lazy("workbook", "Region code"), required=True),
            Column(
                "responsible_units", pgettext_lazy("workbook", "Responsible unit codes"), "list"
            ),
            Column("address", pgettext_lazy("workbook", "Address")),
            Column("lat", pgettext_lazy("workbook", "Latitude (WGS-84)"), "float", required=True),
            Column("lon", pgettext_lazy("workbook", "Longitude (WGS-84)"), "float", required=True),
            Column("is_active", pgettext_lazy("workbook", "Active"), "bool"),
            Column("notes", pgettext_lazy("workbook", "Notes")),
        ),
    ),
)
SHEET_BY_KEY = {s.key: s for s in SHEETS}


def _norm(text) -> str:
    return "".join(str(text or "").split()).casefold()


def _in_all_languages(label) -> set[str]:
    names = set()
    for language in LANGUAGES:
        with override(language):
            names.add(_norm(str(label)))
    return names


def sheet_title(key: str) -> str:
    return str(SHEET_BY_KEY[key].title) if key in SHEET_BY_KEY else key


# --- export --------------------------------------------------------------------------------


def _yes_no(value: bool) -> str:
    return pgettext("workbook", "yes") if value else pgettext("workbook", "no")


def _list_out(values) -> str:
    return ", ".join(values)


def _methods_out(methods: str) -> str:
    labels = dict(Method.choices)
    return ", ".join(str(labels[m]) for m in methods.split(",") if m in labels)


def _choice_out(choices, value: str) -> str:
    return str(dict(choices.choices).get(value, value))


def _rows(system: EvaluationSystem, actor):
    """Yield (sheet key, row values) for every row of the workbook, in the export's order."""
    yield (
        "system",
        [
            system.code,
            system.name,
            system.edition_year,
            _choice_out(SystemLevel, system.level),
            _choice_out(SystemStatus, system.status),
            system.weight_material,
            system.weight_field,
            system.weight_questionnaire,
            system.description,
        ],
    )
    for item in Item.objects.filter(system=system).order_by("order", "code"):
        yield "items", [item.code, item.name, item.description]
    for ind in (
        Indicator.objects.filter(system=system).select_related("item").order_by("order", "code")
    ):
        yield "indicators", [ind.code, ind.item.code, ind.name, ind.description]
    co_units: dict[int, list[str]] = {}
    through = Standard.co_units.through
    for standard_id, code in (
        through.objects.filter(standard__system=system)
        .order_by("unit__code")
        .values_list("standard_id", "unit__code")
    ):
        co_units.setdefault(standard_id, []).append(code)
    for s in (
        Standard.objects.filter(system=system)
        .select_related("indicator", "lead_unit")
        .order_by("order", "code")
    ):
        yield (
            "standards",
            [
                s.code,
                s.indicator.code,
                s.text,
                s.points,
                _methods_out(s.methods),
                _yes_no(s.is_hard),
                s.lead_unit.code if s.lead_unit_id else "",
                _list_out(co_units.get(s.pk, [])),
                s.notes,
            ],
        )
    for e in NegativeListEntry.objects.filter(system=system).order_by("order", "code"):
        yield "negative", [e.code, e.text, _choice_out(Penalty, e.penalty), e.deduction, e.notes]
    for t in PointType.objects.order_by("order", "code"):
        yield (
            "point_types",
            [
                t.code,
                t.name,
                t.name_en,
                _choice_out(PointGroup, t.group),
                t.sampling_weight,
                t.description,
                _yes_no(t.is_active),
            ],
        )
    for c in (
        ChecklistItem.objects.filter(system=system)
        .select_related("point_type", "standard")
        .order_by("order", "code")
    ):
        yield (
            "checklist",
            [
                c.code,
                c.point_type.code,
                c.standard.code,
                c.text,
                c.deduction,
                _yes_no(c.photo_required),
                c.default_category_code,
                c.deadline_days,
            ],
        )
    yield from _point_rows(actor)


def _point_rows(actor):
    from wenming.points.models import Point

    units: dict[int, list[str]] = {}
    through = Point.responsible_units.through
    for point_id, code in (
        through.objects.order_by("unit__code")
        .values_list("point_id", "unit__code")
        .iterator(chunk_size=5000)
    ):
        units.setdefault(point_id, []).append(code)
    points = (
        scope_queryset(Point.objects.all(), actor)
        .order_by("code")
        .values_list(
            "pk",
            "code",
            "name",
            "point_type__code",
            "region__code",
            "address",
            "lat",
            "lon",
            "is_active",
            "notes",
        )
    )
    for pk, code, name, type_code, region_code, address, lat, lon, active, notes in points.iterator(
        chunk_size=5000
    ):
        yield (
            "points",
            [
                code,
                name,
                type_code,
                region_code,
                _list_out(units.get(pk, [])),
                address,
                lat,
                lon,
                _yes_no(active),
                notes,
            ],
        )


def export_row_count(system: EvaluationSystem) -> int:
    from wenming.points.models import Point

    return (
        1
        + Item.objects.filter(system=system).count()
        + Indicator.objects.filter(system=system).count()
        + Standard.objects.filter(system=system).count()
        + NegativeListEntry.objects.filter(system=system).count()
        + PointType.objects.count()
        + ChecklistItem.objects.filter(system=system).count()
        + Point.objects.count()
    )


def export_workbook(system: EvaluationSystem, target, *, actor=None, progress=None) -> None:
    """Write `system` (with all point types and the points `actor` may see) to `target`."""
    workbook = Workbook(write_only=True)
    sheets = {}
    bold = Font(bold=True)
    for sheet in SHEETS:
        ws = workbook.create_sheet(str(sheet.title)[:31])
        header = []
        for column in sheet.columns:
            cell = WriteOnlyCell(ws, value=str(column.label))
            cell.font = bold
            header.append(cell)
        ws.append(header)
        sheets[sheet.key] = ws
    for key, values in _rows(system, actor):
        sheets[key].append(["" if v is None else v for v in values])
        if progress:
            progress(1)
    workbook.save(target)


def workbook_row_count(path) -> int:
    """Rows below the headers, all sheets together (for a progress bar; 0 if unreadable)."""
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # the import itself reports an unreadable file properly
        return 0
    try:
        return sum(
            max(0, sum(1 for _row in ws.iter_rows(values_only=True)) - 1)
            for ws in workbook.worksheets
        )
    finally:
        workbook.close()


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
