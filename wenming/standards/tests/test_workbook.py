"""Excel import and export: exact round trip, every error at once, nothing half-written."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from wenming.core.errors import InvalidInput
from wenming.points.models import Point
from wenming.standards.models import ChecklistItem, EvaluationSystem, Standard
from wenming.standards.services import ImportRefused, system_delete, workbook_import
from wenming.standards.workbook import export_workbook


def export_bytes(system, actor, language="zh-hans") -> bytes:
    buffer = io.BytesIO()
    with translation.override(language):
        export_workbook(system, buffer, actor=actor)
    return buffer.getvalue()


def cells(data: bytes) -> dict:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in workbook}


def edit(data: bytes, change) -> io.BytesIO:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    change(workbook)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    return out


def drop_draft(system, actor):
    system.status = "draft"
    system.save()
    system_delete(system=system, actor=actor)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_export_then_import_reproduces_the_system_exactly(cast, system, language):
    first = export_bytes(system, cast.office, language)
    before = cells(first)
    assert "测评标准" in before if language == "zh-hans" else "Standards" in before
    drop_draft(system, cast.office)
    with translation.override(language):
        again = workbook_import(file=io.BytesIO(first), actor=cast.office)
    assert again.code == "T-2026" and again.status == "active"
    assert cells(export_bytes(again, cast.office, language)) == before
    standard = Standard.objects.get(system=again, code="2.1.1")
    assert (standard.points, standard.methods, standard.is_hard, standard.lead_unit.code) == (
        Decimal("20"),
        "material,field",
        True,
        "EDU",
    )
    assert sorted(standard.co_units.values_list("code", flat=True)) == ["URBAN"]
    check = ChecklistItem.objects.get(system=again, code="MARKET-03")
    assert (check.photo_required, check.deadline_days, check.default_category_code) == (
        False,
        5,
        "lacking.psa",
    )
    assert Point.objects.get(code="GJZ-SCH-1").is_active is False


def test_chinese_interface_accepts_an_english_workbook(cast, system):
    english = export_bytes(system, cast.office, "en")
    drop_draft(system, cast.office)
    with translation.override("zh-hans"):
        imported = workbook_import(file=io.BytesIO(english), actor=cast.office)
    assert imported.standards.count() == 6


def test_a_broken_workbook_reports_every_problem_and_writes_nothing(cast, system):
    good = export_bytes(system, cast.office, "en")

    def break_it(wb):
        del wb["Negative list"]  # missing sheet
        wb["Items"]["B1"] = "Nmae"  # wrong header
        standards = wb["Standards"]
        standards.append(["1.1.1", "1.1", "重复", 1, "field inspection"])  # duplicate code (row 8)
        standards["G2"] = "NOPE"  # unknown unit
        standards["D3"] = 150  # points out of range
        standards["B4"] = "9.9"  # standard without a parent
        points = wb["Assessment points"]
        points["D2"] = "999999999"  # unknown region
        points["G3"] = 60.5  # latitude outside China
        points["H3"] = 20.25  # longitude outside China
        wb["Checklist items"]["E2"] = "lots"  # not a number

    before = {"systems": EvaluationSystem.objects.count(), "points": Point.objects.count()}
    with translation.override("en"), pytest.raises(ImportRefused) as refused:
        workbook_import(file=edit(good, break_it), actor=cast.office)
    errors = refused.value.details["errors"]
    found = {(e["sheet"], e["row"], e["column"]) for e in errors}
    assert ("Negative list", None, None) in found
    assert ("Items", 1, "B") in found
    assert ("Standards", 8, "A") in found
    assert ("Standards", 2, "G") in found
    assert ("Standards", 3, "D") in found
    assert ("Standards", 4, "B") in found
    assert ("Assessment points", 2, "D") in found
    assert ("Assessment points", 3, "G") in found and ("Assessment points", 3, "H") in found
    assert ("Checklist items", 2, "E") in found
    messages = " | ".join(e["message"] for e in errors)
    for text in (
        "missing",
        "Unknown column header",
        "Duplicate code",
        "Unknown member unit NOPE",
        "between 0 and 100",
        "has no parent",
        "999999999",
        "outside China",
        "Write a number",
    ):
        assert text in messages, text
    assert "nothing was imported" in str(refused.value.message)
    assert {"systems": EvaluationSystem.objects.count(), "points": Point.objects.count()} == before
    assert Standard.objects.get(system=system, code="1.1.2").lead_unit.code == "URBAN"


def test_errors_speak_the_users_language(cast, system):
    good = export_bytes(system, cast.office, "zh-hans")

    def break_it(wb):
        wb["测评标准"]["G2"] = "NOPE"

    with translation.override("zh-hans"), pytest.raises(ImportRefused) as refused:
        workbook_import(file=edit(good, break_it), actor=cast.office)
    error = next(e for e in refused.value.details["errors"] if e["column"] == "G")
    assert (error["sheet"], error["row"], error["column"]) == ("测评标准", 2, "G")
    assert "成员单位" in error["message"]


def test_an_existing_active_system_is_never_overwritten(cast, system):
    good = export_bytes(system, cast.office, "en")
    with translation.override("en"), pytest.raises(ImportRefused) as refused:
        workbook_import(file=io.BytesIO(good), actor=cast.office)
    [error] = refused.value.details["errors"]
    assert (error["sheet"], error["row"], error["column"]) == ("Evaluation system", 2, "A")


def test_an_active_import_must_add_up_per_method(cast, system):
    good = export_bytes(system, cast.office, "en")

    def renumber(wb):
        wb["Evaluation system"]["A2"] = "T-2027"
        wb["Evaluation system"]["E2"] = "active"
        # The line and its one clause (clause points L, field points N) alike.
        for column in ("D", "L", "N"):
            wb["Standards"][f"{column}2"] = 30

    system.status = "archived"
    system.save()
    with translation.override("en"), pytest.raises(ImportRefused) as refused:
        workbook_import(file=edit(good, renumber), actor=cast.office)
    [error] = refused.value.details["errors"]
    assert error["column"] == "G"  # the field-inspection weight
    assert "field inspection" in error["message"]


def test_import_updates_points_and_their_units_by_code(cast, system):
    good = export_bytes(system, cast.office, "en")

    def move(wb):
        wb["Evaluation system"]["A2"] = "T-2027"
        wb["Evaluation system"]["E2"] = "draft"
        points = wb["Assessment points"]
        for row in points.iter_rows(min_row=2):
            if row[0].value == "ZS-MKT-1":
                row[1].value = "天津街市场（新）"
                row[4].value = "PSB，EDU"

    with translation.override("en"):
        workbook_import(file=edit(good, move), actor=cast.office)
    point = Point.objects.get(code="ZS-MKT-1")
    assert point.name == "天津街市场（新）"
    assert sorted(point.responsible_units.values_list("code", flat=True)) == ["EDU", "PSB"]
    assert point.events.filter(action="import").exists()
    assert Point.objects.count() == 4


def test_a_file_that_is_not_a_workbook_is_refused(cast):
    with pytest.raises(InvalidInput) as refused:
        workbook_import(file=io.BytesIO(b"%PDF-1.4 not excel"), actor=cast.office)
    assert refused.value.code == "not_a_workbook"


def test_blank_workbook_lists_every_missing_sheet(cast):
    blank = io.BytesIO()
    openpyxl.Workbook().save(blank)
    blank.seek(0)
    with translation.override("en"), pytest.raises(ImportRefused) as refused:
        workbook_import(file=blank, actor=cast.office)
    assert len(refused.value.details["errors"]) == 8


def test_the_command_exports_and_imports(cast, system, tmp_path):
    target = tmp_path / "system.xlsx"
    call_command("standards", "export", str(target), "--system", "T-2026")
    assert openpyxl.load_workbook(target).sheetnames[0] == "测评体系"
    drop_draft(system, cast.office)
    out = io.StringIO()
    call_command("standards", "import", str(target), stdout=out)
    assert "T-2026" in out.getvalue()
    err = io.StringIO()
    with pytest.raises(CommandError, match="1"):
        call_command("standards", "import", str(target), "--language", "en", stderr=err)
    assert "Evaluation system 2 A" in err.getvalue()
    with pytest.raises(CommandError):
        call_command("standards", "import", str(tmp_path / "missing.xlsx"))
