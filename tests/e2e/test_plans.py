"""Tasks in the browser: a unit officer reports progress with an attachment and submits the
task for acceptance; the office opens it, sees the report and its file, and accepts it."""

import datetime as dt

import pytest

from wenming.plans.models import Campaign, Task
from wenming.plans.services import tasks as task_services
from wenming.standards.tests.factories import small_system
from wenming.testing.personas import build_cast
from wenming.testing.storage import isolate_media

from .walk_pages import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def open_as(browser, live_server, username):
    """A fresh desk signed in as `username`, its console errors kept; returns (context, page,
    errors)."""
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, live_server, username)
    return context, page, errors


def test_a_unit_officer_reports_progress_and_the_office_accepts(
    live_server, browser, settings, tmp_path
):
    isolate_media(settings, tmp_path)
    cast = build_cast()
    campaign = Campaign.objects.create(
        name="2026 创建周期",
        region=cast.city,
        system=small_system(),
        cycle_start_year=2024,
        cycle_end_year=2026,
    )
    today = dt.date.today()
    task = task_services.task_create(
        actor=cast.office,
        campaign=campaign,
        title="主次干道保洁",
        description="每日两次清扫",
        lead_unit=cast.urban_unit,
        start=today - dt.timedelta(days=20),
        deadline=today + dt.timedelta(days=40),
    )
    scan = tmp_path / "保洁台账.pdf"
    scan.write_bytes(PDF)

    context, page, errors = open_as(browser, live_server, "urban")
    page.goto(f"{live_server.url}/plans/")
    page.click(f"[data-testid=task-row] a[href='/plans/tasks/{task.pk}/']")
    page.fill("#p-percent", "100")
    page.fill("#p-text", "全部路段已完成保洁，台账附后。")
    page.set_input_files("#p-files", str(scan))
    page.click("[data-testid=report-progress]")
    page.locator("[data-testid=attachment]", has_text="保洁台账.pdf").wait_for()
    assert page.locator("[data-testid=task-status]").get_attribute("data-status") == "in_progress"
    page.click("[data-testid=action-submit]")
    page.locator("[data-testid=task-status][data-status=submitted]").wait_for()
    assert errors == []
    context.close()

    context, page, errors = open_as(browser, live_server, "office")
    page.goto(f"{live_server.url}/plans/?status=submitted")
    page.click(f"[data-testid=task-row] a[href='/plans/tasks/{task.pk}/']")
    assert "全部路段已完成保洁" in page.locator("[data-testid=progress-list]").inner_text()
    with page.expect_download() as download:
        page.click("[data-testid=attachment]")
    assert download.value.suggested_filename == "保洁台账.pdf"
    page.fill("#move-note", "验收合格")
    page.click("[data-testid=action-accept]")
    page.locator("[data-testid=task-status][data-status=accepted]").wait_for()
    assert page.locator("[data-testid=impl-effect]").get_attribute("data-missing") == "0"
    assert errors == []
    context.close()
    task = Task.objects.get(pk=task.pk)
    assert task.status == "accepted" and task.review_note == "验收合格"
