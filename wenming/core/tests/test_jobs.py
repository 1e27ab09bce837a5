"""Long documents: a request starts a job, the worker makes the file, only its owner gets it."""

import io

import openpyxl
import pytest

from wenming.core import jobs
from wenming.core.models import AuditEntry, Job, JobStatus
from wenming.standards.tests.factories import small_system
from wenming.testing.tasks import queued_tasks, run_worker


@pytest.fixture
def system(cast):
    return small_system()


def test_a_workbook_export_is_a_job_the_worker_makes_for_its_owner_only(cast, system, page_as):
    office = page_as(cast.office)
    response = office.post("/standards/T-2026/export/")
    assert response.status_code == 302
    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert job.owner == cast.office and job.status == JobStatus.QUEUED
    assert AuditEntry.objects.filter(action="standards.export").exists()
    assert queued_tasks("wenming.core.jobs.run_job") == 1

    # No worker yet: the page says the document waits, and there is nothing to download.
    page = office.get(f"/jobs/{job.pk}/").content.decode()
    assert 'data-status="queued"' in page and "hx-trigger" in page
    assert 'data-testid="job-background"' in page and "`" not in page.split("<main", 1)[-1]
    assert office.get(f"/jobs/{job.pk}/download/").status_code == 404

    assert run_worker() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.total > 0 and job.done == job.total
    assert job.result_name == "T-2026.xlsx" and job.finished_at is not None
    status = office.get(f"/jobs/{job.pk}/status/").content.decode()
    assert 'data-status="done"' in status and "hx-trigger" not in status  # polling stops
    assert f"/jobs/{job.pk}/download/" in status and "100%" in status
    # Done: the page no longer says the document is being made.
    assert 'data-testid="job-background"' not in office.get(f"/jobs/{job.pk}/").content.decode()

    download = office.get(f"/jobs/{job.pk}/download/")
    assert download.status_code == 200
    assert 'filename="T-2026.xlsx"' in download["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert workbook["测评点位"].max_row == 5

    # Anyone else: no page, no progress, no file (404: the job's existence does not leak).
    for person in (cast.leader, cast.zhongshan, cast.urban):
        client = page_as(person)
        for url in ("", "status/", "download/"):
            assert client.get(f"/jobs/{job.pk}/{url}").status_code == 404, (person, url)
    assert page_as(cast.office).get(f"/jobs/{job.pk + 1}/").status_code == 404


def test_only_the_office_may_ask_and_only_by_post(cast, system, page_as):
    for person in (cast.leader, cast.zhongshan, cast.urban, cast.inspector):
        assert page_as(person).post("/standards/T-2026/export/").status_code == 403
    assert page_as(cast.office).get("/standards/T-2026/export/").status_code == 405
    assert not Job.objects.exists()


def test_a_failing_document_ends_failed_with_a_message(cast, monkeypatch, page_as):
    def broken(*, job, out, progress):
        progress.total(10)
        progress(3)
        raise RuntimeError("disk full")

    monkeypatch.setitem(jobs._KINDS, "test.broken", broken)
    job = jobs.job_start(owner=cast.office, kind="test.broken", params={}, title="坏文档")
    assert run_worker() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.done == 3 and job.total == 10
    assert not job.result and job.finished_at is not None
    page = page_as(cast.office).get(f"/jobs/{job.pk}/").content.decode()
    assert 'data-testid="job-error"' in page and "文档生成失败" in page
    assert page_as(cast.office).get(f"/jobs/{job.pk}/download/").status_code == 404
    # Run again (a duplicate task): a finished job is left alone.
    assert jobs.job_run(job_id=job.pk) == "skipped"


def test_progress_is_visible_while_the_worker_writes(cast, monkeypatch, page_as):
    seen = []

    def counting(*, job, out, progress):
        progress.total(4)
        for _ in range(4):
            progress(1)
        seen.append(Job.objects.get(pk=job.pk).status)
        out.write(b"done")
        return "count.txt"

    monkeypatch.setitem(jobs._KINDS, "test.counting", counting)
    monkeypatch.setattr(jobs, "PROGRESS_EVERY_S", 0)  # every step is written
    job = jobs.job_start(owner=cast.zhongshan, kind="test.counting", params={}, title="计数")
    run_worker()
    assert seen == [JobStatus.RUNNING]
    job.refresh_from_db()
    assert (job.done, job.total, job.status) == (4, 4, JobStatus.DONE)
    body = page_as(cast.zhongshan).get(f"/jobs/{job.pk}/download/")
    assert b"".join(body.streaming_content) == b"done"
    # The file gone from the store (removed by hand, an older back-up restored): 404, not 500.
    job.result.storage.delete(job.result.name)
    assert page_as(cast.zhongshan).get(f"/jobs/{job.pk}/download/").status_code == 404


def test_an_unknown_kind_is_refused(cast):
    from wenming.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        jobs.job_start(owner=cast.office, kind="nope", params={}, title="x")
    assert not Job.objects.exists()


def test_jobs_older_than_the_keep_days_go_with_their_files_at_the_tick(
    cast, system, settings, tmp_path
):
    from datetime import timedelta

    from django.core.files.storage import default_storage
    from django.utils import timezone

    from wenming.core.ticks import run_ticks
    from wenming.testing.storage import isolate_media

    isolate_media(settings, tmp_path)
    made = [
        jobs.job_start(
            owner=cast.office,
            kind="standards.workbook",
            params={"system": "T-2026"},
            title=f"导出{i}",
        )
        for i in range(3)
    ]
    assert run_worker() == 3
    old, recent, waiting_long = (Job.objects.get(pk=job.pk) for job in made)
    assert all(default_storage.exists(job.result.name) for job in (old, recent))
    now = timezone.now()
    keep = timedelta(days=settings.WENMING_JOB_KEEP_DAYS)
    Job.objects.filter(pk=old.pk).update(created_at=now - keep - timedelta(hours=1))
    Job.objects.filter(pk=recent.pk).update(created_at=now - keep + timedelta(hours=1))
    # Queued before the cut-off, but the worker only now makes it: left to finish.
    Job.objects.filter(pk=waiting_long.pk).update(
        created_at=now - keep - timedelta(days=1), status=JobStatus.RUNNING, started_at=now
    )

    report = run_ticks(now=now)
    assert report.ok, report.errors
    assert report.results["jobs"] == {"jobs_removed": 1, "job_files_removed": 1}
    assert set(Job.objects.values_list("pk", flat=True)) == {recent.pk, waiting_long.pk}
    assert not default_storage.exists(old.result.name)
    assert default_storage.exists(recent.result.name)
    # Run again: nothing left to remove.
    assert jobs.jobs_cleanup_tick(now=now) == {"jobs_removed": 0, "job_files_removed": 0}


def test_my_documents_lists_only_the_persons_own_jobs_newest_first(cast, system, page_as):
    office = page_as(cast.office)
    assert 'data-testid="job-list-empty"' in office.get("/jobs/").content.decode()
    first = jobs.job_start(owner=cast.office, kind="standards.workbook", params={}, title="First")
    second = jobs.job_start(owner=cast.office, kind="standards.workbook", params={}, title="Second")
    jobs.job_start(owner=cast.leader, kind="standards.workbook", params={}, title="Leader's own")
    page = office.get("/jobs/").content.decode()
    assert page.index(f'data-job="{second.pk}"') < page.index(f'data-job="{first.pk}"')
    assert "Leader&#x27;s own" not in page and "Leader's own" not in page
    assert page_as(cast.urban).get("/jobs/").content.decode().count("data-job=") == 0
    assert page_as(cast.urban).get("/jobs/").status_code == 200
