"""What every Word document Wenming writes must be, checked on the saved bytes (the tests of
each app's documents call `assert_chinese_a4`)."""

import io
import zipfile

from wenming.core.wordfiles import EAST_ASIAN_LANGUAGE

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def page_setup(data: bytes) -> dict:
    """The saved .docx's page sizes (mm), East Asian languages, Normal's East Asian font and
    the fields of its footers."""
    import docx

    document = docx.Document(io.BytesIO(data))
    return {
        "sizes_mm": {(round(s.page_width.mm), round(s.page_height.mm)) for s in document.sections},
        "east_asian": {
            lang.get(f"{W}eastAsia") for lang in document.styles.element.iter(f"{W}lang")
        },
        "normal_east_asian_font": _east_asian_font(document.styles["Normal"]),
        "footer_fields": _footer_fields(data),
    }


def _east_asian_font(style) -> str | None:
    rpr = style.element.rPr
    fonts = rpr.rFonts if rpr is not None else None
    return fonts.get(f"{W}eastAsia") if fonts is not None else None


def _footer_fields(data: bytes) -> list[str]:
    from lxml import etree

    fields = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("word/footer"):
                footer = etree.fromstring(archive.read(name))
                fields += [(c.text or "").strip() for c in footer.iter(f"{W}instrText")]
                fields += [f.get(f"{W}instr", "").strip() for f in footer.iter(f"{W}fldSimple")]
    return fields


def assert_chinese_a4(data: bytes) -> None:
    """A4 pages, Chinese marked zh-CN and set in a named Chinese font, numbered pages."""
    setup = page_setup(data)
    assert setup["sizes_mm"] == {(210, 297)}, setup
    assert setup["east_asian"] == {EAST_ASIAN_LANGUAGE}, setup
    assert setup["normal_east_asian_font"], setup
    assert "PAGE" in setup["footer_fields"], setup
