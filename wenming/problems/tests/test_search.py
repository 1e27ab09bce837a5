"""Code prefixes become index ranges on (code_year, code_serial)."""

import pytest

from wenming.problems import search
from wenming.problems.models import Problem, ProblemCounter

from .factories import report


@pytest.fixture(autouse=True)
def forget_counter_cache():
    search._SEVEN_DIGIT_YEARS.clear()
    yield
    search._SEVEN_DIGIT_YEARS.clear()


def test_a_prefix_is_one_range_while_the_year_has_six_digit_serials(db):
    condition = search.code_prefix_filter("WM2026-1")
    assert "1000000" not in str(condition)
    assert "100000" in str(condition) and "199999" in str(condition)


def test_a_year_past_a_million_also_matches_seven_digit_serials(db):
    ProblemCounter.objects.create(year=2026, last=1_000_123)
    condition = str(search.code_prefix_filter("WM2026-1"))
    assert "100000" in condition and "1000000" in condition and "1999999" in condition


def test_prefix_search_finds_exactly_the_matching_codes(cast):
    place = cast.zhongshan_community
    first, second = report(cast.office, region=place), report(cast.office, region=place)
    prefix = first.code[:-1]
    found = set(
        Problem.objects.filter(search.code_prefix_filter(prefix)).values_list("code", flat=True)
    )
    assert first.code in found
    assert found == {p.code for p in (first, second) if p.code.startswith(prefix)}
    assert not Problem.objects.filter(search.code_prefix_filter("WM1999-")).exists()
    assert search.code_prefix_filter("not a code") is None


def test_sqlite_full_text_index_keeps_no_positions(db):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's FTS5 table")
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [search.FTS_TABLE])
        assert "detail='none'" in cursor.fetchone()[0]


def test_text_search_finds_reports_by_words_of_the_title(cast):
    place = cast.zhongshan_community
    bins = report(cast.office, region=place, title="天津街垃圾桶满溢")
    report(cast.office, region=place, title="路灯不亮")
    found = search.text_filter(Problem.objects.all(), "垃圾桶")
    assert list(found.values_list("code", flat=True)) == [bins.code]
