"""The points list names its responsible units instead of their codes (issue 10, item 12)."""

import re

import pytest


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Public Security Bureau, Urban Management Bureau"),
        ("zh-hans", "市公安局、市城市管理局"),
    ],
)
def test_points_list_shows_unit_names(cast, system, page_as, language, expected):
    client = page_as(cast.office)
    client.cookies["wenming_language"] = language
    page = client.get("/points/").content.decode()
    row = next(
        r for r in re.findall(r'<tr data-testid="point-row">.*?</tr>', page) if "GJZ-MKT-1" in r
    )
    assert expected in row
    assert "URBAN" not in row and "PSB" not in row


def test_a_points_history_shows_words_not_codes(cast, system, page_as):
    page = page_as(cast.office).get("/points/GJZ-MKT-1/").content.decode()
    history = page.split("</ul>")[-2]
    assert "导入测评点位" in history
    assert 'title="import"' not in page
