"""Every Word document starts A4, with its Chinese marked zh-CN in Chinese fonts, and numbered
pages (`wenming.core.wordfiles.new_document`)."""

import io
import os
import re
import shutil
import subprocess
import zipfile

import pytest

from wenming.core.wordfiles import BODY_FONT, HEADING_FONT, new_document, text_width

from .wordfile_checks import assert_chinese_a4

OFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _saved(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _sample() -> bytes:
    doc = new_document()
    doc.add_heading("文明城市创建工作月度通报", level=0)
    doc.add_heading("各区", level=1)
    doc.add_paragraph("中山区本月上报问题 12 件。")
    return _saved(doc)


def test_a_new_document_is_a4_chinese_with_page_numbers():
    assert_chinese_a4(_sample())


def test_its_margins_leave_the_text_block_of_official_documents():
    doc = new_document()
    section = doc.sections[0]
    # GB/T 9704: a text block of 156 × 225 mm.
    assert round(text_width(doc).mm) == 156
    assert round((section.page_height - section.top_margin - section.bottom_margin) / 36000) == 225


def test_no_style_leaves_its_chinese_to_the_theme():
    """The theme's East Asian fonts are Japanese in LibreOffice's reading of the template."""
    styles = zipfile.ZipFile(io.BytesIO(_sample())).read("word/styles.xml").decode()
    assert "eastAsiaTheme" not in styles
    assert f'w:eastAsia="{BODY_FONT}"' in styles and f'w:eastAsia="{HEADING_FONT}"' in styles


@pytest.mark.skipif(
    not OFFICE and os.environ.get("WENMING_REQUIRE_OFFICE") != "1",
    reason="LibreOffice not installed",
)
def test_an_office_suite_reads_it_as_simplified_chinese(tmp_path):
    """LibreOffice, reading the file as WPS or Word would, finds Chinese in Chinese fonts (no
    Japanese font left anywhere) and A4 pages."""
    (tmp_path / "sample.docx").write_bytes(_sample())
    subprocess.run(
        [
            OFFICE,
            f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
            "--headless",
            "--convert-to",
            "odt",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "sample.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    styles = zipfile.ZipFile(tmp_path / "sample.odt").read("styles.xml").decode()
    assert 'style:language-asian="zh"' in styles and 'style:country-asian="CN"' in styles
    assert "ＭＳ" not in styles  # ＭＳ 明朝, ＭＳ ゴシック: the theme's Japanese fonts
    width, height = (_cm(styles, f"fo:page-{side}") for side in ("width", "height"))
    assert (round(width, 1), round(height, 1)) == (21.0, 29.7)
    assert "<text:page-number" in styles  # the footer's PAGE field, as LibreOffice knows it


def _cm(xml: str, attribute: str) -> float:
    value, unit = re.search(rf'{attribute}="([0-9.]+)(cm|mm|in)"', xml).groups()
    return float(value) * {"cm": 1, "mm": 0.1, "in": 2.54}[unit]
