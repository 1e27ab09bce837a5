"""Pages show names, not internal codes (issue 10, item 12): matrix headers, check categories."""

import re

import pytest

from wenming.problems.tests.factories import ensure_categories

UNIT_CODES = ("URBAN", "PSB", "EDU")


def _headers(page: str) -> list[str]:
    return re.findall(r'data-testid="matrix-unit"><a [^>]*>([^<]*)</a>', page)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", {"Urban Management Bureau", "Public Security Bureau", "Education Bureau"}),
        ("zh-hans", {"市城市管理局", "市公安局", "市教育局"}),
    ],
)
def test_matrix_headers_are_unit_names_not_codes(cast, system, page_as, language, expected):
    client = page_as(cast.office)
    client.cookies["wenming_language"] = language
    page = client.get("/standards/T-2026/matrix/").content.decode()
    headers = _headers(page)
    assert set(headers) == expected
    assert not set(headers) & set(UNIT_CODES)
    # The standard's text is kept readable: a column of its own width, not squeezed.
    assert 'class="wm-matrix-text"' in page and "standards/matrix.css" in page


def test_matrix_is_three_queries_whatever_the_number_of_units(
    cast, system, page_as, django_assert_max_num_queries
):
    client = page_as(cast.office)
    client.get("/standards/T-2026/matrix/")
    with django_assert_max_num_queries(12):
        assert client.get("/standards/T-2026/matrix/").status_code == 200


@pytest.mark.parametrize(
    ("language", "name"), [("en", "Poor sanitation (bins, toilets)"), ("zh-hans", "环境卫生不洁")]
)
def test_checklist_shows_category_names_not_codes(cast, system, page_as, language, name):
    ensure_categories()
    client = page_as(cast.zhongshan)
    client.cookies["wenming_language"] = language
    page = client.get("/standards/point-types/MARKET/?system=T-2026").content.decode()
    cells = re.findall(r'data-testid="checklist-category">([^<]*)<', page)
    assert cells and not any("." in cell for cell in cells), cells
    assert "dirty.sanitation" not in page
    assert name in cells, cells
