"""History lists speak the reader's language instead of showing action codes."""

import pytest
from django.utils import translation

from wenming.standards.labels import action_label


@pytest.mark.parametrize(
    ("action", "subject", "english", "chinese"),
    [
        ("standard.update", "", "Standard changed", "测评标准 已修改"),
        ("system.import", "", "Evaluation system imported", "测评体系 已导入"),
        ("standards.system.delete", "", "Evaluation system deleted", "测评体系 已删除"),
        ("create", "point", "Assessment point created", "测评点位 已新增"),
        ("something.new", "", "something.new", "something.new"),
    ],
)
def test_action_codes_read_as_words(action, subject, english, chinese):
    with translation.override("en"):
        assert action_label(action, subject=subject) == english
    with translation.override("zh-hans"):
        assert action_label(action, subject=subject) == chinese


def test_the_system_page_history_shows_words_not_codes(cast, system, page_as):
    page = page_as(cast.office).get("/standards/T-2026/").content.decode()
    assert "测评体系 已导入" in page
    assert "<code>system.import</code>" not in page
