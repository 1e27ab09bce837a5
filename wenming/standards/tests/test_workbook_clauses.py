"""The clause level in the workbook: round trip, the three-level layout, bad clause rows."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import translation

from wenming.org.models import Unit
from wenming.standards import services
from wenming.standards.models import Clause, Standard
from wenming.standards.services import ImportRefused, workbook_import
from wenming.standards.workbook import sheet_title

from .test_workbook import cells, drop_draft, edit, export_bytes

CLAUSE_HEADERS = [
    "条款序号",
    "条款内容",
    "条款分值",
    "材料审核分值",
    "实地考察分值",
    "问卷调查分值",
]


def _draft_with_clauses(cast, system):
    draft = services.system_clone(
        system=system, actor=cast.office, code="T-2027", name="草案", edition_year=2027
    )
    line = Standard.objects.get(system=draft, code="1.1.2")
    services.clause_create(
        standard=line,
        text="档案完整",
        points="4",
        points_material="2.5",
        points_questionnaire="1.5",
        lead_unit=Unit.objects.get(code="PSB"),
        co_units=[Unit.objects.get(code="EDU"), Unit.objects.get(code="URBAN")],
        notes="第二条",
        actor=cast.office,
    )
    return draft


def _clauses(system) -> list[tuple]:
    return [
        (
            c.code,
            c.number,
            c.text,
            c.points,
            c.points_material,
            c.points_field,
            c.points_questionnaire,
            c.lead_unit.code if c.lead_unit_id else None,
            sorted(c.co_units.values_list("code", flat=True)),
            c.notes,
        )
        for c in Clause.objects.filter(system=system).order_by("code")
    ]


def _standards_sheet(workbook):
    return workbook["测评标准"]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_round_trip_keeps_every_clause_field(cast, system, language):
    draft = _draft_with_clauses(cast, system)
    before = _clauses(draft)
    assert (
        "1.1.2.2",
        2,
        "档案完整",
        Decimal("4"),
        Decimal("2.5"),
        0,
        Decimal("1.5"),
        "PSB",
        ["EDU", "URBAN"],
        "第二条",
    ) in before
    data = export_bytes(draft, cast.office, language)
    services.system_delete(system=draft, actor=cast.office)
    with translation.override(language):
        again = workbook_import(file=io.BytesIO(data), actor=cast.office)
    assert _clauses(again) == before
    line = Standard.objects.get(system=again, code="1.1.2")
    assert (line.points, line.methods) == (Decimal("34"), "material,questionnaire")
    assert cells(export_bytes(again, cast.office, language)) == cells(data)


def test_a_three_level_workbook_still_imports_one_clause_per_line(cast, system):
    data = export_bytes(system, cast.office)

    def three_levels(workbook):
        ws = _standards_sheet(workbook)
        ws.delete_cols(10, 9)  # the clause columns, as before clauses existed

    old = edit(data, three_levels)
    assert "条款序号" not in cells(old.getvalue())["测评标准"][0]
    drop_draft(system, cast.office)
    again = workbook_import(file=old, actor=cast.office)
    mixed = Standard.objects.get(system=again, code="2.1.1").clauses.get()
    assert (mixed.code, mixed.points, mixed.points_material, mixed.points_field) == (
        "2.1.1.1",
        Decimal("20"),
        Decimal("10"),
        Decimal("10"),
    )
    assert Clause.objects.filter(system=again).count() == 6


def _errors(refused) -> list[tuple]:
    """The standards sheet's errors as (row, column, message)."""
    return [
        (e["row"], e["column"], e["message"])
        for e in refused.value.details["errors"]
        if e["sheet"] == sheet_title("standards")
    ]


def test_a_half_filled_clause_column_is_refused_naming_every_row(cast, system):
    data = export_bytes(system, cast.office)

    def half(workbook):
        ws = _standards_sheet(workbook)
        for row in (3, 5):
            for column in range(10, 19):
                ws.cell(row=row, column=column).value = None

    drop_draft(system, cast.office)
    with pytest.raises(ImportRefused) as refused:
        workbook_import(file=edit(data, half), actor=cast.office)
    errors = _errors(refused)
    assert [(row, column) for row, column, _m in errors] == [(3, "J"), (5, "J")]
    assert all(f"第 {row} 行" in message for row, _c, message in errors) or all(
        str(row) in message for row, _c, message in errors
    )
    assert not Standard.objects.filter(system__code="T-2026").exists()


def test_bad_clause_rows_are_cell_errors_naming_the_row(cast, system):
    data = export_bytes(system, cast.office)

    def bad(workbook):
        ws = _standards_sheet(workbook)
        # Row 2 (1.1.1, 20 points of field): its methods now add up to 15.
        ws.cell(row=2, column=14).value = 15
        # Row 4 (1.2.1, 10 points): no method has points.
        for column in (13, 14, 15):
            ws.cell(row=4, column=column).value = 0

    drop_draft(system, cast.office)
    with pytest.raises(ImportRefused) as refused:
        workbook_import(file=edit(data, bad), actor=cast.office)
    errors = _errors(refused)
    assert (2, "L") in [(row, column) for row, column, _m in errors]
    assert (4, "M") in [(row, column) for row, column, _m in errors]
    by_row = {row: message for row, _c, message in errors}
    assert "1.1.1.1" in by_row[2] and "15" in by_row[2]
    assert "1.2.1.1" in by_row[4]


def test_a_line_split_into_two_clause_rows_imports_as_two_clauses(cast, system):
    data = export_bytes(system, cast.office)

    def split(workbook):
        ws = _standards_sheet(workbook)
        first = [c.value for c in ws[2]]
        assert first[0] == "1.1.1"
        second = list(first)
        # 20 field points as two clauses of 12 and 8.
        ws.cell(row=2, column=12).value = 12
        ws.cell(row=2, column=14).value = 12
        second[9:15] = [2, "第二条", 8, 0, 8, 0]
        ws.append(second)

    drop_draft(system, cast.office)
    again = workbook_import(file=edit(data, split), actor=cast.office)
    line = Standard.objects.get(system=again, code="1.1.1")
    assert [(c.number, c.points, c.points_field) for c in line.clauses.order_by("number")] == [
        (1, Decimal("12"), Decimal("12")),
        (2, Decimal("8"), Decimal("8")),
    ]


def test_the_export_has_one_standards_row_per_clause(cast, system):
    draft = _draft_with_clauses(cast, system)
    rows = cells(export_bytes(draft, cast.office))["测评标准"]
    assert rows[0][9:15] == CLAUSE_HEADERS
    assert [(r[0], r[9]) for r in rows[1:] if r[0] == "1.1.2"] == [("1.1.2", 1), ("1.1.2", 2)]
    workbook = openpyxl.load_workbook(io.BytesIO(export_bytes(draft, cast.office)))
    assert _standards_sheet(workbook).max_column == 18
