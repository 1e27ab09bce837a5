"""Letters of responsibility: made by the worker as real .docx (one, or all in a zip), kept
on their rows; signing recorded with the scan, the signer and the date."""

import datetime
import io
import zipfile

import docx
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from wenming.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from wenming.core.models import Job, JobStatus
from wenming.core.tests.wordfile_checks import assert_chinese_a4
from wenming.plans import letters, selectors
from wenming.plans.models import Letter
from wenming.plans.services.letters import letter_sign
from wenming.testing.tasks import run_worker

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def text_of(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_all_unit_letters_in_one_zip(cast, campaign, urban_task, education_task, media):
    job = letters.letters_start(actor=cast.office, campaign=campaign, holder="unit")
    assert run_worker() == 1
    job = Job.objects.get(pk=job.pk)
    assert job.status == JobStatus.DONE
    with job.result.open("rb") as f, zipfile.ZipFile(io.BytesIO(f.read())) as archive:
        names = archive.namelist()
        # Urban leads, the police helps, education leads its own: three letters.
        assert len(names) == 3
        urban = next(n for n in names if "市城市管理局" in n)
        body = text_of(archive.read(urban))
    assert urban_task.title in body and urban_task.deadline.isoformat() in body
    assert "方案" in body  # the milestone
    assert education_task.title not in body
    assert Letter.objects.filter(campaign=campaign, generated_at__isnull=False).count() == 3


def test_one_region_letter(cast, campaign, urban_task, media):
    job = letters.letters_start(
        actor=cast.office, campaign=campaign, holder="region", target_id=cast.zhongshan_district.pk
    )
    run_worker()
    job = Job.objects.get(pk=job.pk)
    with job.result.open("rb") as f:
        body = text_of(f.read())
    assert urban_task.title in body
    letter = Letter.objects.get(region=cast.zhongshan_district)
    assert default_storage.exists(letter.document)


def test_only_the_office_makes_letters(cast, campaign):
    with pytest.raises(NotAllowed):
        letters.letters_start(actor=cast.urban, campaign=campaign, holder="unit")
    with pytest.raises(InvalidInput):
        letters.letters_start(actor=cast.office, campaign=campaign, holder="street")


def test_signing_is_recorded_and_shown(cast, campaign, urban_task, education_task, media):
    letters.letters_start(actor=cast.office, campaign=campaign, holder="unit")
    run_worker()
    mine = Letter.objects.get(unit=cast.urban_unit)
    theirs = Letter.objects.get(unit=cast.education_unit)
    with pytest.raises(NotFound):
        letter_sign(
            actor=cast.urban,
            letter=theirs,
            scan=SimpleUploadedFile("s.pdf", PDF),
            signer="x",
            signed_on=datetime.date.today(),
        )
    with pytest.raises(InvalidInput):
        letter_sign(
            actor=cast.urban,
            letter=mine,
            scan=SimpleUploadedFile("s.pdf", b"nope"),
            signer="孙强",
            signed_on=datetime.date.today(),
        )
    letter_sign(
        actor=cast.urban,
        letter=mine,
        scan=SimpleUploadedFile("signed.pdf", PDF),
        signer="孙强",
        signed_on=datetime.date.today(),
    )
    mine.refresh_from_db()
    assert mine.signer == "孙强" and mine.signed_scan_name == "signed.pdf"
    with pytest.raises(Conflict):
        letter_sign(
            actor=cast.office,
            letter=mine,
            scan=SimpleUploadedFile("s.pdf", PDF),
            signer="y",
            signed_on=datetime.date.today(),
        )
    signing = selectors.letter_signing(actor=cast.office, campaign=campaign)
    assert [x.unit.code for x in signing["signed"]] == ["URBAN"]
    assert sorted(x.unit.code for x in signing["unsigned"]) == ["EDU", "PSB"]
    assert selectors.letter_signing(actor=cast.urban, campaign=campaign)["total"] == 1


def _letter(cast, campaign, language: str) -> bytes:
    with translation.override(language):
        job = letters.letters_start(
            actor=cast.office, campaign=campaign, holder="unit", target_id=cast.urban_unit.pk
        )
    run_worker()
    with Job.objects.get(pk=job.pk).result.open("rb") as f:
        return f.read()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    "name", ["大连市全国文明城市创建（2024–2026）", "2026 创建周期"], ids=["with-years", "without"]
)
def test_a_letter_names_the_cycle_once(cast, campaign, urban_task, media, language, name):
    """The campaign's name often holds its years already: they were said twice."""
    campaign.name = name
    campaign.save()
    document = docx.Document(io.BytesIO(_letter(cast, campaign, language)))
    opening = document.paragraphs[2].text
    assert opening.count("2024") == 1 and opening.count("2026") == 1 + ("2026 " in name), opening
    assert name in opening


def test_the_chinese_signature_lines_use_full_width_colons(cast, campaign, urban_task, media):
    document = docx.Document(io.BytesIO(_letter(cast, campaign, "zh-hans")))
    lines = [cell.text for row in document.tables[-1].rows[1:] for cell in row.cells]
    assert lines and all(text.endswith("：") for text in lines), lines
    assert "签署人：" in lines
    english = docx.Document(io.BytesIO(_letter(cast, campaign, "en")))
    assert english.tables[-1].cell(1, 0).text == "Signed by:"


def test_a_letter_is_a4_chinese_with_page_numbers(cast, campaign, urban_task, media):
    assert_chinese_a4(_letter(cast, campaign, "zh-hans"))
