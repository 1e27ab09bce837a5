"""Write a system to a workbook (openpyxl write-only: points may number tens of thousands)."""

from django.utils.translation import pgettext
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from wenming.core.scope import scope_queryset
from wenming.core.spreadsheets import append_row

from ..models import (
    ChecklistItem,
    Clause,
    EvaluationSystem,
    Indicator,
    Item,
    Method,
    NegativeDomain,
    NegativeEffect,
    NegativeListEntry,
    Observation,
    Penalty,
    PointGroup,
    PointType,
    Scoring,
    SystemKind,
    SystemLevel,
    SystemStatus,
)
from .clauses import standard_rows
from .columns import SHEETS

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
            _choice_out(SystemKind, system.kind),
            system.threshold,
            system.prerequisite.code if system.prerequisite_id else "",
        ],
    )
    for item in Item.objects.filter(system=system).order_by("order", "code"):
        yield "items", [item.code, item.name, item.description]
    for ind in (
        Indicator.objects.filter(system=system).select_related("item").order_by("order", "code")
    ):
        yield "indicators", [ind.code, ind.item.code, ind.name, ind.description]
    yield from standard_rows(system, yes_no=_yes_no, list_out=_list_out)
    effects = []
    for e in (
        NegativeListEntry.objects.filter(system=system)
        .prefetch_related("effects")
        .order_by("order", "code")
    ):
        # The sheet has one penalty per entry: the mildest effect (grade 1).
        mildest = next(iter(e.effects.all()), None)
        yield (
            "negative",
            [
                e.code,
                e.text,
                _choice_out(Penalty, mildest.effect) if mildest else "",
                mildest.deduction if mildest else None,
                e.notes,
                _choice_out(NegativeDomain, e.domain),
                _yes_no(e.is_veto),
            ],
        )
        effects.extend((e.code, f) for f in e.effects.all())
    for code, f in effects:
        yield (
            "negative_effects",
            [code, f.grade, f.condition, _choice_out(Penalty, f.effect), f.deduction],
        )
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
                _yes_no(t.is_virtual),
            ],
        )
    for c in (
        ChecklistItem.objects.filter(system=system)
        .select_related("point_type", "standard", "clause")
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
                c.clause.code if c.clause_id else "",
                _choice_out(Observation, c.observation),
                _choice_out(Scoring, c.scoring),
                c.sample_route_m,
                c.sample_spacing_m,
                c.sample_minutes,
                c.sample_count,
                c.sampling_note,
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
        + Clause.objects.filter(system=system).count()  # one standards row per clause
        + NegativeListEntry.objects.filter(system=system).count()
        + NegativeEffect.objects.filter(entry__system=system).count()
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
        append_row(ws, header)
        sheets[sheet.key] = ws
    for key, values in _rows(system, actor):
        append_row(sheets[key], ["" if v is None else v for v in values])
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
