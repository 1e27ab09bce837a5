"""What every page says is in the reader's language, punctuated as that language is.

- No template names a landmark or control in English only: an `aria-label` is translated (a
  screen reader in Chinese announced "breadcrumb").
- The Chinese catalogues use full-width parentheses and colons after Chinese text
  ("核查不通过（返工）", "问题类别：请选择类别。"), never "(" or ":" straight after a CJK
  character; placeholders such as %(name)s and formulas in ASCII are left alone.
"""

import re
from pathlib import Path

import polib
import pytest
from django.template import engines
from django.utils import translation

import wenming

PACKAGE = Path(wenming.__file__).parent
TEMPLATES = sorted(PACKAGE.glob("*/templates/**/*.html"))
CATALOGUES = sorted(PACKAGE.glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))

CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
# A half-width "(" or ":" right after Chinese, or ASCII parentheses around Chinese words.
HALF_WIDTH = re.compile(rf"[{CJK}][(:]|\([^()]*[{CJK}][^()]*\)")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd%]|\{\w*\}")


def _literal_aria_labels(text: str) -> list[str]:
    """aria-label values with words outside a template tag or variable."""
    found = []
    for value in re.findall(r'aria-label="([^"]*)"', text):
        words = re.sub(r"\{% blocktranslate.*?endblocktranslate %\}", "", value)
        words = re.sub(r"\{%.*?%\}|\{\{.*?\}\}", "", words)
        if re.search(r"[A-Za-z]", words):
            found.append(value)
    return found


def test_no_template_has_an_untranslated_aria_label():
    untranslated = {
        str(path.relative_to(PACKAGE)): labels
        for path in TEMPLATES
        if (labels := _literal_aria_labels(path.read_text(encoding="utf-8")))
    }
    assert not untranslated, f"aria-label in English only: {untranslated}"


def test_the_check_sees_a_literal_label_and_the_breadcrumb_reads_in_chinese():
    assert _literal_aria_labels('<nav aria-label="breadcrumb">') == ["breadcrumb"]
    assert not _literal_aria_labels("<nav aria-label=\"{% translate 'Pages' %}\">")
    template = engines["django"].from_string(
        "{% load i18n %}{% translate 'Breadcrumb' context 'landmark' %}"
    )
    with translation.override("zh-hans"):
        assert template.render({}) == "当前位置"


def _half_width(entry: polib.POEntry) -> list[str]:
    texts = [entry.msgstr, *entry.msgstr_plural.values()]
    return [text for text in texts if HALF_WIDTH.search(PLACEHOLDER.sub("X", text))]


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.parents[3].name)
def test_chinese_translations_use_full_width_punctuation(po_path):
    bad = [
        (entry.msgid, text)
        for entry in polib.pofile(str(po_path))
        if not entry.obsolete
        for text in _half_width(entry)
    ]
    assert not bad, f"{po_path.parents[3].name}: half-width punctuation after Chinese: {bad}"


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("核查不通过(返工)", True),
        ("问题类别: 请选择类别。", True),
        ("文件(PDF、Word、Excel 或图片)", True),
        ("核查不通过（返工）", False),
        ("%(what)s必须是日期（YYYY-MM-DD）。", False),
        ("误差范围（95%）：1.96 × √(p(1 − p) / n)。", False),
        ("%(name)s (%(code)s)", False),
    ],
)
def test_the_punctuation_check(text, bad):
    assert bool(_half_width(polib.POEntry(msgid="x", msgstr=text))) is bad
