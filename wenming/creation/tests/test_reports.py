"""The registry's documents: made by the worker, real .xlsx/.docx, each over the reader's scope."""

import io
from datetime import timedelta

import docx
import openpyxl
import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from wenming.core.errors import NotAllowed
from wenming.core.models import Job, JobStatus
from wenming.core.tests.wordfile_checks import assert_chinese_a4
from wenming.creation import reports, services
from wenming.testing.tasks import run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def made(job) -> bytes:
    run_worker()
    job = Job.objects.get(pk=job.pk)
    assert job.status == JobStatus.DONE, job.message
    with default_storage.open(job.result.name, "rb") as handle:
        return handle.read()


@pytest.fixture
def honoured(cast, applied):
    step = services.application_transition
    step(actor=cast.zhongshan, application=applied, action="region_pass", score=88)
    return step(actor=cast.office, application=applied, action="office_pass", score=90)


def test_notice_list_in_word(cast, honoured, media):
    body = made(reports.export_start(actor=cast.office, kind="notice", type_code="VILLAGE"))
    text = "\n".join(
        c.text for t in docx.Document(io.BytesIO(body)).tables for r in t.rows for c in r.cells
    )
    assert "东村" in text and honoured.notice_ends.isoformat() in text
    # Ganjingzi's officer gets the list without Zhongshan's village.
    other = made(reports.export_start(actor=cast.ganjingzi, kind="notice", type_code="VILLAGE"))
    assert "东村" not in "\n".join(
        c.text for t in docx.Document(io.BytesIO(other)).tables for r in t.rows for c in r.cells
    )


def test_the_notice_list_is_a4_chinese_with_page_numbers(cast, honoured, media):
    assert_chinese_a4(
        made(reports.export_start(actor=cast.office, kind="notice", type_code="VILLAGE"))
    )


def test_honour_roll_and_coverage_in_excel(cast, honoured, media):
    services.application_transition(
        actor=cast.office,
        application=honoured,
        action="approve",
        at=timezone.now() + timedelta(days=10),
    )
    roll = openpyxl.load_workbook(
        io.BytesIO(made(reports.export_start(actor=cast.office, kind="roll", type_code="VILLAGE")))
    )
    names = [row[1] for row in roll.active.iter_rows(min_row=2, values_only=True)]
    assert names == ["东村"]
    table = openpyxl.load_workbook(
        io.BytesIO(
            made(reports.export_start(actor=cast.office, kind="coverage", type_code="VILLAGE"))
        )
    )
    rows = list(table.active.iter_rows(min_row=3, values_only=True))
    assert {r[0] for r in rows[:-1]} == {"中山区", "甘井子区"}


def test_inspectors_do_not_make_registry_documents(cast, village_type):
    with pytest.raises(NotAllowed):
        reports.export_start(actor=cast.inspector, kind="roll")
