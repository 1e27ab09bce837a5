"""The briefing opened by an office suite, not only by the library that wrote it.

Word and WPS cannot run here; LibreOffice (Debian's `libreoffice-writer-nogui` and
`libreoffice-calc-nogui`) is the nearest independent reader of the same OOXML: it must load the
.docx and the .xlsx and print them to PDF, and the PDF must carry the Chinese text (as text:
`pdftotext` reads it back) and every chart as an image (`pdfimages -list`). A file that Word or
WPS would refuse as damaged usually fails here too (a broken relationship, a missing part).
CI installs the suite and sets WENMING_REQUIRE_OFFICE=1, so there a missing suite fails the
run instead of skipping these tests.
"""

import io
import os
import shutil
import subprocess
import zipfile

import pytest
from django.core.management import call_command

from wenming.problems.deadlines import local_today
from wenming.problems.tests.factories import closed

pytestmark = pytest.mark.django_db

OFFICE = shutil.which("soffice") or shutil.which("libreoffice")
POPPLER = shutil.which("pdftotext") and shutil.which("pdfimages")

if not (OFFICE and POPPLER):
    if os.environ.get("WENMING_REQUIRE_OFFICE") == "1":
        raise RuntimeError(
            "the briefing's office test needs LibreOffice and poppler-utils "
            "(apt-get install libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils)"
        )
    pytestmark = [
        pytestmark,
        pytest.mark.skip(reason="LibreOffice or poppler-utils not installed"),
    ]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _to_pdf(path, tmp_path):
    """Print `path` to PDF with a headless LibreOffice of its own (a private profile, so a
    second run or a desktop session on the same machine does not block it)."""
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            OFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "pdf" / (path.stem + ".pdf")
    assert pdf.exists(), f"LibreOffice did not print {path.name}"
    return pdf


def _pdf_text(pdf) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


def _pdf_images(pdf) -> int:
    listing = subprocess.run(
        ["pdfimages", "-list", str(pdf)], check=True, capture_output=True, text=True
    ).stdout
    return len(listing.splitlines()) - 2  # two header lines


@pytest.fixture
def made(cast, tmp_path):
    """The month's briefing as `wenming briefing` writes it: {"docx": path, "xlsx": path}."""
    closed(cast)
    month = f"{local_today():%Y-%m}"
    call_command("briefing", month=month, out=str(tmp_path / "out"), stdout=io.StringIO())
    return {p.suffix[1:]: p for p in (tmp_path / "out").glob(f"briefing-{month}.*")}


def test_the_word_briefing_opens_in_an_office_suite_with_its_chinese_and_charts(
    cast, made, tmp_path
):
    docx = made["docx"]
    with zipfile.ZipFile(docx) as z:
        charts = len([n for n in z.namelist() if n.startswith("word/media/")])
    assert charts >= 4

    pdf = _to_pdf(docx, tmp_path)
    text = _pdf_text(pdf)
    assert "文明城市创建工作月度通报" in text
    assert "各区" in text and cast.zhongshan_district.display_name in text
    assert _pdf_images(pdf) >= charts  # every chart survived as a picture


def test_the_excel_workbook_opens_in_an_office_suite(cast, made, tmp_path):
    text = _pdf_text(_to_pdf(made["xlsx"], tmp_path))
    assert cast.zhongshan_district.display_name in text
