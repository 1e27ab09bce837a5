"""History lists speak the reader's language instead of showing action codes."""

import pytest
from django.utils import translation

from wenming.core.activity import action_label as activity_label
from wenming.standards.labels import LABELS, action_label


@pytest.mark.parametrize(
    ("action", "subject", "english", "chinese"),
    [
        ("standard.update", "", "Standard changed", "修改测评标准"),
        ("standard.create", "", "Standard added", "新增测评标准"),
        ("system.import", "", "Evaluation system imported", "导入测评体系"),
        ("standards.system.delete", "", "Evaluation system deleted", "删除测评体系"),
        ("create", "point", "Assessment point added", "新增测评点位"),
        ("something.new", "", "something.new", "something.new"),
    ],
)
def test_action_codes_read_as_one_sentence(action, subject, english, chinese):
    """One translated sentence per action, never a subject and a verb joined by a space."""
    with translation.override("en"):
        assert action_label(action, subject=subject) == english
    with translation.override("zh-hans"):
        assert action_label(action, subject=subject) == chinese


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_activity_log_names_an_action_as_the_history_does(language):
    with translation.override(language):
        for code in LABELS:
            audit = (
                f"points.{code.split('.')[1]}" if code.startswith("point.") else f"standards.{code}"
            )
            assert activity_label(audit) == action_label(code), code
        assert activity_label("standards.export") == action_label("system.export")


def test_the_system_page_history_shows_words_not_codes(cast, system, page_as):
    page = page_as(cast.office).get("/standards/T-2026/").content.decode()
    assert "导入测评体系" in page
    assert "<code>system.import</code>" not in page
    # Not even as a tooltip: a clerk reads words.
    assert 'title="system.import"' not in page
