"""The plans pages for each persona: what they show, the forms, scope as 404, the Excel."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wenming.plans.models import Task, WorkPlan

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TODAY = datetime.date.today()


def test_ledger_shows_each_persona_their_tasks(cast, page_as, urban_task, education_task):
    office = page_as(cast.office).get("/plans/")
    assert office.status_code == 200
    assert urban_task.title in office.text and education_task.title in office.text
    urban = page_as(cast.urban).get("/plans/")
    assert urban_task.title in urban.text and education_task.title not in urban.text
    filtered = page_as(cast.office).get("/plans/", {"unit": cast.education_unit.pk})
    assert education_task.title in filtered.text and urban_task.title not in filtered.text


def test_task_page_and_scope(cast, page_as, urban_task):
    page = page_as(cast.urban).get(f"/plans/tasks/{urban_task.pk}/")
    assert page.status_code == 200
    assert 'data-testid="progress-form"' in page.text
    assert 'data-testid="impl-personnel" data-missing="1"' in page.text
    assert page_as(cast.education).get(f"/plans/tasks/{urban_task.pk}/").status_code == 404
    leader = page_as(cast.leader).get(f"/plans/tasks/{urban_task.pk}/")
    assert leader.status_code == 200 and 'data-testid="progress-form"' not in leader.text


def test_report_progress_with_attachment_then_office_accepts(cast, page_as, urban_task, media):
    urban = page_as(cast.urban)
    response = urban.post(
        f"/plans/tasks/{urban_task.pk}/progress/",
        {"percent": "100", "text": "完成", "files": [SimpleUploadedFile("照片.pdf", PDF)]},
    )
    assert response.status_code == 302
    page = urban.get(f"/plans/tasks/{urban_task.pk}/")
    assert "照片.pdf" in page.text
    attachment = urban_task.progress_reports.get().attachments.get()
    download = urban.get(f"/plans/attachments/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert page_as(cast.education).get(f"/plans/attachments/{attachment.pk}/").status_code == 404
    urban.post(f"/plans/tasks/{urban_task.pk}/move/", {"action": "submit"})
    office = page_as(cast.office)
    office.post(f"/plans/tasks/{urban_task.pk}/move/", {"action": "accept", "note": "好"})
    assert Task.objects.get(pk=urban_task.pk).status == "accepted"


def test_a_refused_form_answers_its_status_with_the_reason(cast, page_as, urban_task):
    response = page_as(cast.urban).post(
        f"/plans/tasks/{urban_task.pk}/progress/", {"percent": "150", "text": "x"}
    )
    assert response.status_code == 400
    assert 'data-testid="progress-error"' in response.text
    office = page_as(cast.office)
    office.post(f"/plans/tasks/{urban_task.pk}/move/", {"action": "accept"})
    page_as(cast.urban).post(f"/plans/tasks/{urban_task.pk}/move/", {"action": "submit"})
    refused = office.post(f"/plans/tasks/{urban_task.pk}/move/", {"action": "accept"})
    assert refused.status_code == 409 and 'data-testid="move-error"' in refused.text


def test_campaign_breakdown_and_coverage_pages(cast, page_as, campaign, media):
    office = page_as(cast.office)
    assert office.get(f"/plans/campaigns/{campaign.pk}/").status_code == 200
    office.post(
        f"/plans/campaigns/{campaign.pk}/generate/",
        {"start": TODAY.isoformat(), "deadline": (TODAY + datetime.timedelta(days=90)).isoformat()},
    )
    assert Task.objects.filter(is_published=False).count() == 5
    page = office.get(f"/plans/campaigns/{campaign.pk}/")
    assert 'data-testid="drafts"' in page.text
    office.post(f"/plans/campaigns/{campaign.pk}/publish/")
    office.post(f"/plans/campaigns/{campaign.pk}/publish/")
    assert Task.objects.filter(is_published=True).count() == 5
    coverage = office.get(f"/plans/campaigns/{campaign.pk}/coverage/")
    assert "1.2.2" in coverage.text
    office.post(
        f"/plans/campaigns/{campaign.pk}/plans/",
        {
            "kind": "promotion",
            "title": "推进行动方案",
            "document": SimpleUploadedFile("方案.pdf", PDF),
        },
    )
    plan = WorkPlan.objects.get()
    assert plan.document_name == "方案.pdf"
    assert page_as(cast.urban).get(f"/plans/work-plans/{plan.pk}/document/").status_code == 200
    assert page_as(cast.urban).post(f"/plans/campaigns/{campaign.pk}/publish/").status_code == 403


def test_timeline_and_letters_pages(cast, page_as, campaign, urban_task):
    timeline = page_as(cast.urban).get("/plans/timeline/")
    assert timeline.status_code == 200 and 'data-testid="gantt-row"' in timeline.text
    assert "style=" not in timeline.text.split("<main", 1)[-1]
    letters = page_as(cast.office).get(f"/plans/campaigns/{campaign.pk}/letters/")
    assert letters.status_code == 200


def test_ledger_excel_is_streamed_and_scoped(cast, page_as, urban_task, education_task):
    response = page_as(cast.urban).get("/plans/export.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][1] == urban_task.title


def test_home_panel_lists_the_officers_tasks(cast, page_as, urban_task):
    home = page_as(cast.urban).get("/")
    assert urban_task.title in home.text and "方案" in home.text


def test_a_filter_outside_the_readers_area_says_so(cast, page_as, urban_task):
    """/plans/?region=<another district> listed nothing with "no task matches"; the problem
    ledger says the region is outside the reader's area, and so does this page now."""
    zhongshan = page_as(cast.zhongshan)
    outside = zhongshan.get("/plans/", {"region": cast.ganjingzi_district.pk})
    assert 'data-testid="outside-scope"' in outside.text
    inside = zhongshan.get("/plans/", {"region": cast.zhongshan_district.pk})
    assert 'data-testid="outside-scope"' not in inside.text
    unit = page_as(cast.urban).get("/plans/", {"unit": cast.education_unit.pk})
    assert 'data-testid="outside-scope"' in unit.text


def test_the_task_ledger_refuses_an_unknown_filter_in_the_readers_language(cast, api_as):
    answer = api_as(cast.office).get("tasks", status="bogus")
    assert answer.status_code == 400 and "未知状态" in answer.json()["message"]
