"""Every job is made in the language of the person who asked, whatever the worker's own
(`wenming.core.jobs`): the file, and the message of a job that failed."""

import io

import openpyxl
import pytest
from django.utils import translation

from wenming.core import jobs
from wenming.core.models import Job, JobStatus
from wenming.standards.tests.factories import small_system
from wenming.testing.storage import isolate_media
from wenming.testing.tasks import run_worker


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    isolate_media(settings, tmp_path)


def _language_file(*, job, out, progress):
    """A maker that writes the language it runs in."""
    out.write(translation.get_language().encode())
    return "language.txt"


def _broken(*, job, out, progress):
    raise RuntimeError("disk full")


@pytest.fixture
def kinds(monkeypatch):
    monkeypatch.setitem(jobs._KINDS, "test.language", _language_file)
    monkeypatch.setitem(jobs._KINDS, "test.broken", _broken)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_worker_makes_a_job_in_its_askers_language(cast, kinds, language):
    with translation.override(language):
        job = jobs.job_start(owner=cast.office, kind="test.language", params={}, title="x")
    assert job.params == {"lang": language}
    with translation.override("zh-hans" if language == "en" else "en"):  # the worker's own
        run_worker()
    job.refresh_from_db()
    assert job.result.read().decode() == language


def test_a_failed_job_says_so_in_its_askers_language(cast, kinds):
    with translation.override("en"):
        job = jobs.job_start(owner=cast.office, kind="test.broken", params={}, title="x")
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message == "The document could not be made. Try again, or tell the office."


def test_without_a_request_the_askers_own_choice_is_kept(cast, kinds):
    cast.office.language = "en"
    with translation.override(None):  # a command that deactivated translations
        job = jobs.job_start(owner=cast.office, kind="test.language", params={}, title="x")
    assert jobs.job_language(job) == "en"


def test_a_job_queued_with_no_language_is_made_in_the_sites(cast):
    assert jobs.job_language(Job(owner=cast.office, kind="x", params={})) == "zh-hans"


def test_an_english_user_gets_the_standards_workbook_in_english(cast, page_as):
    small_system()
    office = page_as(cast.office)
    office.cookies["wenming_language"] = "en"
    assert office.post("/standards/T-2026/export/").status_code == 302
    run_worker()
    job = Job.objects.get()
    book = openpyxl.load_workbook(io.BytesIO(job.result.read()))
    assert "测评点位" not in book.sheetnames
    headers = [str(c.value) for ws in book.worksheets for c in ws[1]]
    assert headers and not any("\u4e00" <= ch <= "\u9fff" for h in headers for ch in h), headers
