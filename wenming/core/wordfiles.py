"""The page every Word document Wenming writes starts from (python-docx).

python-docx's own template is an American letter: US Letter paper and East Asian text marked
en-US, so LibreOffice (and WPS or Word without a Chinese template) sets the Chinese in the
theme's Japanese font. Chinese government documents are A4, and a reader with no "宋体" still
gets a Simplified Chinese font when the text says it is zh-CN. Every report, briefing and letter
starts from `new_document()`, so they all print the same way.
"""

from __future__ import annotations

# A4, with the margins of GB/T 9704 (党政机关公文格式): top 37 mm, binding (left) 28 mm, the
# text block 156 × 225 mm, which leaves 26 mm on the right and 35 mm at the bottom.
PAGE_CM = (21.0, 29.7)
MARGINS_CM = {"top": 3.7, "bottom": 3.5, "left": 2.8, "right": 2.6}
EAST_ASIAN_LANGUAGE = "zh-CN"
# Body text in 宋体 and headings in 黑体, as in official documents. Named by their Chinese
# names, which Word, WPS and LibreOffice's font substitution all know. The template's styles
# name the theme's fonts instead, which LibreOffice reads as the theme's Japanese ones (ＭＳ 明朝,
# ＭＳ ゴシック) whatever the language: each theme font is replaced by its Chinese counterpart.
BODY_FONT = "宋体"
HEADING_FONT = "黑体"
THEME_FONTS = {"minorEastAsia": BODY_FONT, "majorEastAsia": HEADING_FONT}


def new_document():
    """An empty python-docx Document on A4 with Chinese text set up and page numbers."""
    from docx import Document

    doc = Document()
    for section in doc.sections:
        _a4(section)
        _page_number(section.footer)
    _east_asian_language(doc)
    _east_asian_fonts(doc)
    return doc


def text_width(doc):
    """The width between the margins (a Length), the widest a picture may be."""
    from docx.shared import Emu

    section = doc.sections[-1]
    return Emu(section.page_width - section.left_margin - section.right_margin)


def _a4(section) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Cm(v) for v in PAGE_CM)
    for side, cm in MARGINS_CM.items():
        setattr(section, f"{side}_margin", Cm(cm))


def _east_asian_language(doc) -> None:
    """zh-CN on the document's default run properties and on every style that names a
    language of its own (the default template's only language is en-US)."""
    from docx.oxml.ns import qn

    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _lang(run_defaults)
    for lang in styles.iter(qn("w:lang")):
        lang.set(qn("w:eastAsia"), EAST_ASIAN_LANGUAGE)


def _lang(rpr) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), EAST_ASIAN_LANGUAGE)


def _east_asian_fonts(doc) -> None:
    """A named Chinese font wherever a style names a theme font, and on Normal in any case
    (every paragraph and table cell without a style of its own is Normal)."""
    from docx.oxml.ns import qn

    doc.styles["Normal"].element.get_or_add_rPr().get_or_add_rFonts()
    for fonts in doc.styles.element.iter(qn("w:rFonts")):
        # Where both are given, Word takes the theme's font: it goes.
        theme = fonts.attrib.pop(qn("w:eastAsiaTheme"), None)
        if theme is not None or fonts.get(qn("w:eastAsia")) is None:
            fonts.set(qn("w:eastAsia"), THEME_FONTS.get(theme, BODY_FONT))


def _page_number(footer) -> None:
    """The page number, centred in the footer, as a PAGE field that the reader's program
    fills in (python-docx cannot count pages)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for element in _field("PAGE", shown="1"):
        paragraph.add_run()._r.append(element)


def _field(instruction: str, *, shown: str) -> list:
    """A complex field (begin, instruction, separate, the value shown until updated, end), one
    part per run as Word writes it: Word, WPS and LibreOffice all update it."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind: str):
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        return element

    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    value = OxmlElement("w:t")
    value.text = shown
    return [char("begin"), code, char("separate"), value, char("end")]
