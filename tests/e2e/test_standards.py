"""The office's evaluation-system journeys and a unit officer's standards, in a real browser.

A small system built by the standards factory (two items, six standards, three point types,
four points in two districts), not the whole demo, so each journey takes a few seconds.
"""

import io
import os

import openpyxl
import pytest
from django.utils import translation

from wenming.standards.models import EvaluationSystem
from wenming.standards.tests.factories import small_system
from wenming.standards.workbook import export_workbook
from wenming.testing.personas import build_cast
from wenming.testing.tasks import run_worker

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("WENMING_SHOTS")  # a directory: save a screenshot of each page walked


def shot(page, name):
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def workbook_of(system, actor) -> openpyxl.Workbook:
    buffer = io.BytesIO()
    with translation.override("zh-hans"):
        export_workbook(system, buffer, actor=actor)
    buffer.seek(0)
    return openpyxl.load_workbook(buffer)


def save(workbook, path) -> str:
    workbook.save(path)
    return str(path)


def test_office_imports_a_broken_workbook_sees_every_error_then_a_good_one(
    live_server, page, login, tmp_path
):
    cast = build_cast()
    system = small_system()
    workbook = workbook_of(system, cast.office)
    workbook["测评体系"]["A2"] = "T-2027"
    workbook["测评体系"]["E2"] = "草案"
    good = save(workbook, tmp_path / "good.xlsx")
    del workbook["负面清单"]  # a missing sheet
    workbook["测评标准"]["G2"] = "NOPE"  # an unknown unit
    workbook["测评标准"]["D3"] = 150  # points out of range
    workbook["测评标准"]["B4"] = "9.9"  # a standard without a parent
    workbook["测评点位"]["D2"] = "000"  # an unknown region
    workbook["测评点位"]["G3"] = 60.5  # a latitude outside China
    broken = save(workbook, tmp_path / "broken.xlsx")

    login("office")
    page.click("nav >> text=测评体系")
    page.click("[data-testid=import-link]")
    page.set_input_files("input[type=file]", broken)
    page.click("form button[type=submit]:has-text('检查并导入')")
    assert "未导入任何内容" in page.locator("[data-testid=import-refused]").inner_text()
    rows = page.locator("[data-testid=import-errors] tbody tr")
    listed = [
        [c.strip() for c in rows.nth(i).locator("td").all_inner_texts()]
        for i in range(rows.count())
    ]
    where = {tuple(row[:3]) for row in listed}
    for expected in [
        ("负面清单", "—", "—"),
        ("测评标准", "2", "G"),
        ("测评标准", "3", "D"),
        ("测评标准", "4", "B"),
        ("测评点位", "2", "D"),
        ("测评点位", "3", "G"),
    ]:
        assert expected in where, (expected, listed)
    reasons = " ".join(row[3] for row in listed)
    assert "NOPE" in reasons and "000" in reasons and "不在中国境内" in reasons
    shot(page, "import-errors-zh")
    assert not EvaluationSystem.objects.filter(code="T-2027").exists()

    page.set_input_files("input[type=file]", good)
    page.click("form button[type=submit]:has-text('检查并导入')")
    page.wait_for_url(f"{live_server.url}/standards/T-2027/")
    assert page.locator("[data-testid=system-status]").inner_text() == "草案"
    assert page.locator("[data-testid=standard-row]").count() == 6
    assert "T-2027" in page.locator(".alert-success").inner_text()


def test_office_exports_the_system_as_one_workbook(live_server, page, login):
    build_cast()
    small_system()
    login("office")
    page.goto(f"{live_server.url}/standards/T-2026/")
    shot(page, "system-zh")
    page.click("[data-testid=export-link]")
    # The worker makes the workbook; the job page shows it waiting, then offers the file.
    page.wait_for_url(f"{live_server.url}/jobs/*/")
    assert page.locator("[data-testid=job]").get_attribute("data-status") == "queued"
    assert run_worker() == 1
    page.wait_for_selector("[data-testid=job-download]")  # htmx polled the progress part
    assert "100%" in page.locator("[data-testid=job]").inner_text()
    with page.expect_download() as download:
        page.click("[data-testid=job-download]")
    assert download.value.suggested_filename == "T-2026.xlsx"
    with open(download.value.path(), "rb") as downloaded:
        workbook = openpyxl.load_workbook(io.BytesIO(downloaded.read()))
    assert workbook.sheetnames == [
        "测评体系",
        "测评项目",
        "测评指标",
        "测评标准",
        "负面清单",
        "负面清单处罚",
        "点位类型",
        "检查项",
        "测评点位",
    ]
    assert workbook["测评标准"].max_row == 7 and workbook["测评点位"].max_row == 5


def test_office_clones_the_system_as_next_years_draft(live_server, page, login):
    build_cast()
    small_system()
    login("office")
    page.goto(f"{live_server.url}/standards/T-2026/")
    page.click("[data-testid=clone-link]")
    assert page.input_value("#id_edition_year") == "2027"
    assert page.input_value("#id_code") == "T-2026-2027"
    shot(page, "clone-zh")
    page.click("button[type=submit]:has-text('保存')")
    page.wait_for_url(f"{live_server.url}/standards/T-2026-2027/")
    assert page.locator("[data-testid=system-status]").inner_text() == "草案"
    assert "T-2026" in page.locator("text=复制自").inner_text()
    assert page.locator("[data-testid=standard-row]").count() == 6
    clone = EvaluationSystem.objects.get(code="T-2026-2027")
    assert (clone.status, clone.edition_year, clone.checklist_items.count()) == ("draft", 2027, 6)


def test_the_urban_bureau_officer_sees_my_standards(live_server, page, login):
    build_cast()
    small_system()
    login("urban")
    page.goto(f"{live_server.url}/standards/mine/")
    rows = page.locator("[data-testid=my-standard]")
    codes = [rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())]
    assert codes == ["1.1.1", "1.1.2", "1.2.1", "2.1.1"]
    roles = [rows.nth(i).locator("td").nth(2).inner_text() for i in range(rows.count())]
    assert roles == ["牵头", "牵头", "牵头", "配合"]
    assert "市城市管理局" in page.locator("h1").inner_text()
    # A unit officer only ever sees the own unit: no unit picker.
    assert page.locator("select[name=unit]").count() == 0
    shot(page, "mine-zh")
    page.click("[data-testid=language-switch] button[value=en]")
    page.wait_for_load_state()
    assert "Standards of Urban Management Bureau" in page.locator("h1").inner_text()
    assert page.locator("[data-testid=my-standard] >> text=supporting").count() == 1
    shot(page, "mine-en")


def test_the_office_reads_the_coverage_gaps(live_server, page, login):
    build_cast()
    small_system()
    login("office")
    page.goto(f"{live_server.url}/standards/T-2026/")
    page.click("text=覆盖缺口")
    assert "1.2.2" in page.locator("[data-testid=gap-no-lead]").inner_text()
    assert "2.1.2" in page.locator("[data-testid=gap-untested]").inner_text()
    assert "PARK" in page.locator("[data-testid=gap-no-points]").inner_text()
    assert "MARKET" not in page.locator("[data-testid=gap-no-points]").inner_text()
    shot(page, "coverage-zh")


def test_office_walks_every_standards_and_points_page_in_english(live_server, page, login):
    """Every page answers, in English throughout (no stray Chinese interface words)."""
    from wenming.standards.models import ChecklistItem, Standard

    build_cast()
    system = small_system()
    login("office")
    page.click("[data-testid=language-switch] button[value=en]")
    page.wait_for_load_state()
    standard = Standard.objects.get(system=system, code="1.1.1").pk
    check = ChecklistItem.objects.get(system=system, code="MARKET-01").pk
    for path, name in (
        ("/standards/", "systems"),
        ("/standards/T-2026/", "system"),
        ("/standards/T-2026/edit/", "system-edit"),
        ("/standards/T-2026/matrix/", "matrix"),
        ("/standards/T-2026/coverage/", "coverage"),
        ("/standards/T-2026/rules/", "system-rules"),
        ("/standards/T-2026/negative/", "negative"),
        ("/standards/T-2026/negative/N02/edit/", "negative-edit"),
        ("/standards/point-types/new/", "type-new"),
        (f"/standards/T-2026/standards/{standard}/edit/", "standard-edit"),
        ("/standards/point-types/", "types"),
        ("/standards/point-types/MARKET/", "type"),
        ("/standards/point-types/MARKET/edit/", "type-edit"),
        (f"/standards/checklist/{check}/edit/", "check-edit"),
        ("/standards/mine/?unit=URBAN", "mine-urban"),
        ("/standards/import/", "import"),
        ("/points/", "points"),
        ("/points/ZS-MKT-1/", "point"),
        ("/points/ZS-MKT-1/edit/", "point-edit"),
        ("/points/mine/", "points-mine"),
    ):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        shot(page, f"en-{name}")
        # The interface's own words (data such as names stays Chinese; so does the switch).
        chrome = page.locator(
            "nav.navbar, label, th, main .btn, .form-text, .alert, .wm-empty"
        ).all_inner_texts()
        interface = " ".join(chrome)
        for word in ("测评", "点位", "保存", "编辑", "单位", "检查"):
            assert word not in interface, (path, word, interface[:300])
