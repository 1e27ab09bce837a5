"""Evaluation-system pages as each persona uses them."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wenming.standards import services
from wenming.standards.models import EvaluationSystem, Standard
from wenming.standards.services import rules
from wenming.testing.tasks import run_worker

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def referenced(monkeypatch):
    monkeypatch.setattr(rules, "system_references", lambda system: ["problems"])


def test_everyone_reads_the_system_and_its_views(cast, system, page_as):
    urls = [
        "/standards/",
        "/standards/T-2026/",
        "/standards/T-2026/matrix/",
        "/standards/T-2026/coverage/",
        "/standards/point-types/",
        "/standards/point-types/MARKET/",
        "/standards/mine/",
    ]
    for person in cast.everyone:
        client = page_as(person)
        for url in urls:
            assert client.get(url).status_code == 200, (person, url)
    page = page_as(cast.zhongshan).get("/standards/T-2026/").content.decode()
    assert "主次干道路面干净整洁" in page and "硬性要求" in page
    assert "/standards/T-2026/edit/" not in page  # no office buttons for a district officer


def test_office_only_pages_are_403_for_others(cast, system, page_as):
    standard = Standard.objects.get(system=system, code="1.1.1")
    urls = [
        "/standards/import/",
        "/standards/T-2026/export/",
        "/standards/T-2026/edit/",
        "/standards/T-2026/clone/",
        f"/standards/T-2026/standards/{standard.pk}/edit/",
    ]
    for person in (cast.leader, cast.zhongshan, cast.urban, cast.inspector):
        for url in urls:
            assert page_as(person).get(url).status_code == 403, (person, url)
        assert page_as(person).post("/standards/T-2026/archive/").status_code == 403


def test_a_unit_officer_sees_my_standards_on_the_page_and_home(cast, system, page_as):
    client = page_as(cast.education)
    page = client.get("/standards/mine/").content.decode()
    assert page.count('data-testid="my-standard"') == 3
    home = client.get("/").content.decode()
    assert "我的测评标准" in home and "本单位牵头的标准" in home


def test_the_office_home_shows_coverage_gaps_and_the_nav_links(cast, system, page_as):
    home = page_as(cast.office).get("/").content.decode()
    assert "T-2026 的覆盖缺口" in home
    assert "无牵头单位的测评标准" in home and "没有点位的点位类型" in home
    assert 'href="/standards/"' in home and 'href="/points/"' in home


def test_office_edits_a_standard_and_history_refuses_rewrites(cast, system, page_as, referenced):
    standard = Standard.objects.get(system=system, code="1.1.1")
    client = page_as(cast.office)
    url = f"/standards/T-2026/standards/{standard.pk}/edit/"
    form = {
        "code": "1.1.1",
        "text": standard.text,
        "points": "25",
        "methods": ["field"],
        "lead_unit": cast.urban_unit.pk,
        "notes": "",
    }
    response = client.post(url, form, follow=True)
    assert "此修改会改写历史" in response.content.decode()
    standard.refresh_from_db()
    assert standard.points == 20
    form.update(points="20", notes="由城管局牵头", co_units=[cast.police_unit.pk])
    response = client.post(url, form)
    assert response.status_code == 302
    standard.refresh_from_db()
    assert standard.notes == "由城管局牵头"
    assert list(standard.co_units.values_list("code", flat=True)) == ["PSB"]


def test_office_clones_activates_and_deletes_through_the_pages(cast, system, page_as):
    client = page_as(cast.office)
    response = client.post(
        "/standards/T-2026/clone/", {"code": "T-2027", "name": "2027 版", "edition_year": 2027}
    )
    assert response.status_code == 302 and response["Location"] == "/standards/T-2027/"
    response = client.post("/standards/T-2027/activate/", follow=True)
    assert "该测评体系已启用" in response.content.decode()
    assert EvaluationSystem.objects.get(code="T-2026").status == "archived"
    response = client.post("/standards/T-2026/delete/", follow=True)
    assert "只能删除草案" in response.content.decode()
    assert client.post("/standards/T-2026/explode/").status_code == 404


def exported(client) -> bytes:
    """The office asks for the workbook, the worker makes it, the office downloads it."""
    response = client.post("/standards/T-2026/export/")
    assert response.status_code == 302 and response["Location"].startswith("/jobs/")
    run_worker()
    download = client.get(response["Location"] + "download/")
    assert download.status_code == 200 and download["Content-Type"] == XLSX
    return b"".join(download.streaming_content)


def test_export_downloads_a_real_workbook(cast, system, page_as):
    workbook = openpyxl.load_workbook(io.BytesIO(exported(page_as(cast.office))))
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
    assert workbook["测评点位"].max_row == 5


def test_import_page_lists_every_error_and_then_imports(cast, system, page_as):
    client = page_as(cast.office)
    data = exported(client)
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    workbook["测评标准"]["G2"] = "NOPE"
    workbook["测评点位"]["D2"] = "000"
    broken = io.BytesIO()
    workbook.save(broken)
    response = client.post(
        "/standards/import/",
        {"file": SimpleUploadedFile("broken.xlsx", broken.getvalue(), content_type=XLSX)},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="import-errors"' in page
    assert "未知的成员单位：NOPE" in page and "未知的街道或社区：000" in page
    workbook["测评体系"]["A2"] = "T-2027"
    workbook["测评体系"]["E2"] = "草案"
    workbook["测评标准"]["G2"] = "URBAN"
    workbook["测评点位"]["D2"] = "210211001001"
    fixed = io.BytesIO()
    workbook.save(fixed)
    response = client.post(
        "/standards/import/",
        {"file": SimpleUploadedFile("fixed.xlsx", fixed.getvalue(), content_type=XLSX)},
    )
    assert response.status_code == 302 and response["Location"] == "/standards/T-2027/"
    assert EvaluationSystem.objects.get(code="T-2027").status == "draft"


def test_import_page_refuses_a_non_workbook(cast, page_as):
    response = page_as(cast.office).post(
        "/standards/import/",
        {"file": SimpleUploadedFile("notes.xlsx", b"just text", content_type=XLSX)},
    )
    assert response.status_code == 400
    assert "不是 Excel 工作簿" in response.content.decode()


def test_pages_switch_to_english(cast, system, page_as):
    client = page_as(cast.office)
    client.cookies["wenming_language"] = "en"
    page = client.get("/standards/T-2026/").content.decode()
    assert "Responsibility matrix" in page and "field inspection" in page


def test_office_adds_a_check_to_the_system_in_force_and_edits_a_point_type(
    cast, system, page_as, referenced
):
    client = page_as(cast.office)
    standard = Standard.objects.get(system=system, code="1.1.1")
    response = client.post(
        "/standards/point-types/PARK/checks/new/?system=T-2026",
        {
            "code": "PARK-01",
            "text": "园内公益广告不少于10处",
            "standard": standard.pk,
            "deduction": "0.3",
            "photo_required": "on",
            "default_category_code": "lacking.psa",
            "deadline_days": "5",
        },
    )
    assert response.status_code == 302
    assert system.checklist_items.filter(code="PARK-01", point_type__code="PARK").exists()
    response = client.post(
        "/standards/point-types/PARK/edit/",
        {
            "name": "公园",
            "name_en": "Parks",
            "group": "public_space",
            "sampling_weight": "1.5",
            "description": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    page = client.get("/standards/point-types/PARK/").content.decode()
    assert "1.5" in page and "PARK-01" in page
    assert page_as(cast.urban).get("/standards/point-types/PARK/edit/").status_code == 403
    assert page_as(cast.urban).get("/standards/point-types/PARK/checks/new/").status_code == 403


@pytest.mark.parametrize(
    "path", ["/standards/", "/standards/mine/", "/standards/point-types/", "/points/"]
)
def test_before_any_system_exists_the_pages_say_so_instead_of_404(cast, page_as, path):
    """Day one: the office opens the standards pages before importing anything."""
    response = page_as(cast.office).get(path)
    assert response.status_code == 200
    if path in ("/standards/mine/", "/standards/point-types/"):
        assert 'data-testid="no-system"' in response.content.decode()
        assert "/standards/import/" in response.content.decode()


def test_a_point_type_page_without_any_system_says_so(cast, page_as):
    services.point_type_create(actor=cast.office, code="PARK", name="公园", group="public_space")
    response = page_as(cast.education).get("/standards/point-types/PARK/")
    assert response.status_code == 200
    assert 'data-testid="no-system"' in response.content.decode()
    assert "/standards/import/" not in response.content.decode()


def test_a_system_named_in_the_address_that_does_not_exist_is_404(cast, system, page_as):
    client = page_as(cast.urban)
    assert client.get("/standards/mine/?system=NOPE").status_code == 404
    assert client.get("/standards/point-types/?system=NOPE").status_code == 404


def test_the_office_is_asked_to_choose_a_unit(cast, system, page_as):
    page = page_as(cast.office).get("/standards/mine/").content.decode()
    assert 'data-testid="choose-unit"' in page
