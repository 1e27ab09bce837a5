"""Material review in the browser: a unit officer on a phone uploads evidence (a file that is
not what its name says is refused beside the form, as the officer left it), submits it, and
the office pre-scores it from the review queue."""

import datetime as dt

import pytest
from django.utils import timezone

from wenming.materials import services
from wenming.materials.models import Submission, SubmissionStatus
from wenming.materials.samples import docx_bytes, png_bytes
from wenming.standards.tests.factories import small_system
from wenming.testing.personas import build_cast
from wenming.testing.storage import isolate_media

from .walk_pages import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_unit_uploads_and_submits_and_the_office_pre_scores(
    live_server, browser, settings, tmp_path
):
    isolate_media(settings, tmp_path)
    cast = build_cast()
    system = small_system()
    window = services.window_create(
        actor=cast.office,
        system=system,
        name="2026 材料审核",
        assessment_date=timezone.localdate() + dt.timedelta(days=60),
    )
    submission = Submission.objects.get(window=window, clause__code="1.1.2.1", unit=cast.urban_unit)
    fake = tmp_path / "红头文件.pdf"
    fake.write_bytes(png_bytes())
    report = tmp_path / "说明报告.docx"
    report.write_bytes(docx_bytes("说明报告"))
    day = (timezone.localdate() - dt.timedelta(days=20)).isoformat()

    phone = browser.new_context(
        locale="en-US", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = phone.new_page()
    page.set_default_timeout(15000)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, live_server, "urban")
    page.goto(f"{live_server.url}/materials/")
    page.click(f"[data-testid=due-row][href='/materials/{submission.pk}/']")
    page.select_option("#f-kind", "document")
    page.fill("#f-date", day)
    page.set_input_files("#f-file", str(fake))
    page.click("[data-testid=upload-form] button[type=submit]")
    error = page.locator("[data-testid=action-error]")
    error.wait_for()
    assert "红头文件.pdf" in error.inner_text()
    assert page.input_value("#f-date") == day  # the form kept what the officer entered
    page.select_option("#f-kind", "report")
    page.set_input_files("#f-file", str(report))
    page.click("[data-testid=upload-form] button[type=submit]")
    page.locator("[data-testid=action-result]").wait_for()
    assert "说明报告.docx" in page.locator("[data-testid=files]").inner_text()
    page.click("[data-testid=submit]")
    # The upload's result is already on the page, so wait for the submission itself: the
    # submit button goes once the swapped block shows the submitted state.
    page.locator("[data-testid=submit]").wait_for(state="detached")
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED
    # The refused upload's 400 is the browser's only complaint.
    assert [e for e in errors if "status of 400" not in e] == []
    phone.close()

    office = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = office.new_page()
    page.set_default_timeout(15000)
    sign_in(page, live_server, "office")
    page.goto(f"{live_server.url}/materials/review/")
    assert page.locator("[data-testid=count-submitted]").inner_text() == "1"
    page.click(f"[data-testid=queue-row] a[href='/materials/{submission.pk}/']")
    page.fill("#r-percent", "80")
    page.fill("#r-comments", "材料齐全")
    page.click("[data-testid=score-button]")
    page.locator("[data-testid=action-result]").wait_for()
    assert "80" in page.locator("[data-testid=score]").inner_text()
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SCORED and str(submission.score) == "0.8000"
    office.close()
