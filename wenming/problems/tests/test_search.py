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


def _sqlite_only():
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's FTS5 index and its backlog")


def _indexed_ids() -> set[int]:
    """Ids in the full-text index itself (a plain SELECT would read the content table)."""
    from django.db import connection

    with connection.cursor() as cursor:
        tokens = " OR ".join(
            f'"{token}"' for token in ("垃圾", "井盖", "广告", "占道", "乱堆", "路灯")
        )
        cursor.execute(
            f"SELECT rowid FROM {search.FTS_TABLE} WHERE {search.FTS_TABLE} MATCH %s", [tokens]
        )
        return {row[0] for row in cursor.fetchall()}


def test_a_new_problem_is_found_before_and_after_its_batch_is_indexed(cast):
    """Reports join the full-text index in batches; until then the backlog scan finds them."""
    from django.db import transaction

    _sqlite_only()
    place = cast.zhongshan_community
    bins = report(cast.office, region=place, title="天津街垃圾桶满溢", address="中山路12号")
    report(cast.office, region=place, title="路灯不亮", address="天津街")
    assert bins.pk not in _indexed_ids()  # a batch is FTS_BATCH reports
    for query in ("垃圾桶", "中山路", "12", "天津街"):
        before = set(search.text_filter(Problem.objects.all(), query).values_list("pk", flat=True))
        with transaction.atomic():
            search.fts_index_backlog(force=True)
        assert bins.pk in _indexed_ids()
        after = set(search.text_filter(Problem.objects.all(), query).values_list("pk", flat=True))
        assert before == after, query
    assert list(
        search.text_filter(Problem.objects.all(), "垃圾桶").values_list("pk", flat=True)
    ) == [bins.pk]


def test_the_batch_is_indexed_by_the_report_that_fills_it(cast, monkeypatch):
    _sqlite_only()
    monkeypatch.setattr(search, "FTS_BATCH", 3)
    place = cast.zhongshan_community
    first = [report(cast.office, region=place, title=f"井盖缺失{n}") for n in range(2)]
    assert not {p.pk for p in first} & _indexed_ids()
    third = report(cast.office, region=place, title="井盖缺失3")
    assert {p.pk for p in [*first, third]} <= _indexed_ids()
    found = search.text_filter(Problem.objects.all(), "井盖")
    assert found.count() == 3  # each once: indexed rows are no longer in the backlog


def test_the_tick_indexes_a_quiet_ledgers_backlog(cast):
    from django.utils import timezone

    from wenming.problems.ticks import problems_tick

    _sqlite_only()
    lonely = report(cast.office, region=cast.zhongshan_community, title="广告牌破损")
    assert lonely.pk not in _indexed_ids()
    assert problems_tick(now=timezone.now())["search_indexed"] >= 1
    assert lonely.pk in _indexed_ids()
    assert problems_tick(now=timezone.now())["search_indexed"] == 0  # idempotent


def test_renaming_a_problem_in_the_backlog_leaves_the_index_alone(cast):
    from django.db import transaction

    _sqlite_only()
    problem = report(cast.office, region=cast.zhongshan_community, title="占道经营")
    old = problem.search_text
    new = search.search_text_for(title="乱堆乱放")
    Problem.objects.filter(pk=problem.pk).update(search_text=new)
    search.fts_replace(problem_id=problem.pk, old_text=old, new_text=new)  # backlog: no-op
    with transaction.atomic():
        search.fts_index_backlog(force=True)
    assert search.text_filter(Problem.objects.all(), "乱堆").count() == 1
    assert search.text_filter(Problem.objects.all(), "占道").count() == 0
    # Once indexed, a rename replaces the indexed grams.
    search.fts_replace(problem_id=problem.pk, old_text=new, new_text=old)
    Problem.objects.filter(pk=problem.pk).update(search_text=old)
    assert search.text_filter(Problem.objects.all(), "占道").count() == 1
    assert search.text_filter(Problem.objects.all(), "乱堆").count() == 0


def test_a_broad_text_search_pages_the_same_rows_as_a_narrow_one(cast, api_as, monkeypatch):
    """A search with more matches than the count cap is read another way on PostgreSQL
    (walking the sort index); the pages must be exactly those of the text-index path."""
    from wenming.problems import selectors

    place = cast.zhongshan_community
    for n in range(7):
        report(cast.office, region=place, title=f"垃圾桶满溢{n}", address=f"中山路{n}号")
        report(cast.office, region=place, title=f"路灯不亮{n}")
    api = api_as(cast.office)

    def pages(**params):
        codes, cursor = [], None
        while True:
            body = api.get(
                "problems", q="垃圾桶", limit=3, **params, **({"cursor": cursor} if cursor else {})
            ).json()
            codes += [item["code"] for item in body["items"]]
            cursor = body["next_cursor"]
            if not cursor:
                return codes, body["count"], body["count_exact"]

    narrow = pages()
    assert narrow[1:] == (7, True) and len(narrow[0]) == 7
    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 3)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as seen:
        broad = pages()
    assert broad == (narrow[0], 3, False)
    walked = any("enable_bitmapscan" in query["sql"] for query in seen.captured_queries)
    assert walked == (connection.vendor == "postgresql")
    assert pages(sort="created")[0] == list(reversed(narrow[0]))


def test_a_broad_search_leaves_the_planner_as_it_found_it(cast, monkeypatch):
    """The planner settings of a broad PostgreSQL search end with its page, even inside a
    longer transaction (as in a test, or a caller's atomic block)."""
    from django.db import connection

    from wenming.problems import selectors

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL planner settings")
    report(cast.office, region=cast.zhongshan_community, title="垃圾桶满溢")
    qs = search.text_filter(Problem.objects.all(), "垃圾桶")
    assert len(selectors.ledger_page(qs, sort="-id", broad=True).items) == 1
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone()[0] == "on"
