"""Text search on the ledger: code prefix as an index range, words through a full-text index.

Chinese has no spaces, so word tokenizers see a whole title as one token. We index the
characters and the overlapping character pairs of every CJK run (the bigram scheme of
Lucene's CJKAnalyzer) and lower-cased ASCII words; a query of two or more CJK characters
becomes its pairs, all of which must be present. The grams are kept in `Problem.search_text`
by the services (and by bulk loaders through `search_text_for`), and indexed by:

- SQLite: an FTS5 table with external content (`problems_problem_fts`), filled in batches
  (`fts_index_backlog`) and rebuilt after bulk loads (`search_rebuild`). A one-row table
  (`problems_problem_fts_mark`) says up to which id it is filled; the few newer problems are
  matched by a scan of that backlog, so a search finds a problem the moment it is reported;
- PostgreSQL: a GIN index on `string_to_array(search_text, ' ')`, maintained by the database
  itself; a query is an array containment (`@>`), which needs no locale or text parser.
"""

import re

from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.db.models.expressions import RawSQL

FTS_TABLE = "problems_problem_fts"
FTS_MARK_TABLE = "problems_problem_fts_mark"
# Every FTS5 commit pays for a segment flush and merge work (9–10 ms on a 1M ledger whether it
# adds 1 row or 64, and now and then a merge of 50–150 ms), so new problems are indexed this
# many at a time; until then the search scans them by id range (~1 ms at this length).
FTS_BATCH = 1024
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"[{_CJK}]+|[0-9a-z]+")
_CJK_RUN = re.compile(rf"^[{_CJK}]+$")
_CODE_PREFIX = re.compile(r"^WM(\d{0,4})(-(\d{0,7}))?$")
MAX_QUERY_TOKENS = 12


def _runs(text: str) -> list[str]:
    return _RUN.findall((text or "").lower())


def index_tokens(*texts: str) -> list[str]:
    """Every token a text is findable by: CJK characters and pairs, ASCII words."""
    seen: dict[str, None] = {}
    for text in texts:
        for run in _runs(text):
            if _CJK_RUN.match(run):
                for char in run:
                    seen.setdefault(char)
                for i in range(len(run) - 1):
                    seen.setdefault(run[i : i + 2])
            else:
                seen.setdefault(run)
    return list(seen)


def query_tokens(query: str) -> list[str]:
    """The tokens a query needs: pairs of a CJK run (a lone character as itself), words."""
    seen: dict[str, None] = {}
    for run in _runs(query):
        if _CJK_RUN.match(run) and len(run) > 1:
            for i in range(len(run) - 1):
                seen.setdefault(run[i : i + 2])
        else:
            seen.setdefault(run)
    return list(seen)[:MAX_QUERY_TOKENS]


def search_text_for(*, title: str, address: str = "", description: str = "") -> str:
    """The value of `Problem.search_text` for these fields (bulk loaders call it too)."""
    return " ".join(index_tokens(title, address))


_SEVEN_DIGIT_YEARS: dict[int, tuple[bool, float]] = {}
_SEVEN_DIGIT_TTL_SECONDS = 60


def _year_has_seven_digit_serials(year: int) -> bool:
    """Whether `year` issued a serial past 999,999 (read once a minute per process).

    A year that has crossed stays crossed, so only the "not yet" answer can go stale, for at
    most a minute after the millionth problem of a year.
    """
    import time

    from .models import ProblemCounter

    known = _SEVEN_DIGIT_YEARS.get(year)
    if known is not None and (known[0] or time.monotonic() - known[1] < _SEVEN_DIGIT_TTL_SECONDS):
        return known[0]
    last = ProblemCounter.objects.filter(year=year).values_list("last", flat=True).first()
    crossed = bool(last and last > 999_999)
    _SEVEN_DIGIT_YEARS[year] = (crossed, time.monotonic())
    return crossed


def code_prefix_filter(prefix: str) -> Q | None:
    """A code prefix ("WM2026-0001") as a range on (code_year, code_serial); None if not a code.

    A range on two integer columns uses their unique index on both databases, where
    `LIKE 'WM2026-0001%'` would not (SQLite's LIKE ignores case; PostgreSQL needs "C" collation).
    """
    match = _CODE_PREFIX.match((prefix or "").strip().upper())
    if match is None:
        return None
    year_digits, dash, serial_digits = match.group(1), match.group(2), match.group(3) or ""
    if len(year_digits) < 4:
        if dash:
            return Q(pk__in=[])
        low = int(year_digits.ljust(4, "0"))
        high = int(year_digits.ljust(4, "9"))
        return Q(code_year__gte=low, code_year__lte=high)
    year = int(year_digits)
    if not serial_digits:
        return Q(code_year=year)
    condition = Q(pk__in=[])
    # Serials are written with six digits, seven once a year passes 999,999. The second range
    # is added only for a year that has such serials: with two ranges neither database can
    # walk the code index in order, and a short prefix then sorts a hundred thousand rows.
    widths = (6, 7) if _year_has_seven_digit_serials(year) else (6,)
    for width in widths:
        if len(serial_digits) > width or (width == 7 and serial_digits[0] == "0"):
            continue
        pad = width - len(serial_digits)
        low = int(serial_digits) * 10**pad
        high = (int(serial_digits) + 1) * 10**pad - 1
        condition |= Q(code_year=year, code_serial__gte=low, code_serial__lte=high)
    return condition


# A query that is one number: a serial ("018886"), a phone ("13800138000", "+86 …" without the
# spaces), a 12345 ticket. Digits with an optional leading "+" and inner dashes.
_NUMBER = re.compile(r"^\+?[0-9][0-9-]{0,39}$")
# A 12345 ticket as clerks copy it: one run of letters, digits and dashes with a digit in it.
_TICKET = re.compile(r"^(?=[^\s]*[0-9])[0-9A-Za-z-]{1,40}$")
MAX_SERIAL_DIGITS = 7


MAX_NUMBER_MATCHES = 1_000


def number_condition(query: str, *, phones: bool) -> Q | None:
    """A query of digits as exact look-ups, each served by an index; None when it is not a
    number.

    - a serial of at most seven digits in any year codes were issued (`018886` finds
      WM2026-018886): `code_year IN (years) AND code_serial = n`, the unique code index;
    - the 12345 ticket number, exactly as typed (its partial index);
    - with `phones` (the office: privacy.py), the reporter's phone exactly as stored (its
      partial index). Anyone else gets no phone match, which says nothing about whether a
      reporter with that number exists.
    A number is never matched as words: a scan of titles for digits would be the slow part.
    """
    from .models import ProblemCounter

    text = (query or "").strip()
    if not _NUMBER.match(text):
        return None
    condition = Q(hotline_ticket=text)
    if text.isdigit() and len(text) <= MAX_SERIAL_DIGITS:
        years = ProblemCounter.objects.values("year")
        condition |= Q(code_year__in=years, code_serial=int(text))
    if phones:
        # `> ''` repeats the partial index's condition, so SQLite sees it may use it.
        condition |= Q(reporter_phone=text, reporter_phone__gt="")
    return condition


def number_ids(query: str, *, phones: bool) -> list[int] | None:
    """Ids of the problems a number matches (`number_condition`), before any scope or filter.

    Asked on its own, the OR of look-ups is one index read per branch (SQLite's multi-index
    OR, PostgreSQL's BitmapOr); beside a scope or a sort either planner may rather walk a
    district's index or the whole table in id order. The scope applies to the ids after.
    """
    from .models import Problem

    condition = number_condition(query, phones=phones)
    if condition is None:
        return None
    found = Problem.objects.filter(condition).order_by().values_list("id", flat=True)
    return list(found[:MAX_NUMBER_MATCHES])


def query_filter(queryset: QuerySet, query: str, *, phones: bool) -> QuerySet:
    """The ledger's search box, when the query is not a code prefix: a number (serial, ticket,
    phone) by exact look-ups, else words through the text index, or a ticket with letters."""
    ids = number_ids(query, phones=phones)
    if ids is not None:
        return queryset.filter(id__in=ids)
    text = query.strip()
    if _TICKET.match(text):
        # One word with a digit in it ("GD2026-0012") may be a ticket or a word of a title.
        from .models import Problem

        # The ticket's ids first, as for a number, so the text index's plan stays as it was.
        tickets = (
            Problem.objects.filter(hotline_ticket=text).order_by().values_list("id", flat=True)
        )
        ticket, words = Q(id__in=list(tickets[:MAX_NUMBER_MATCHES])), text_condition(text)
        return queryset.filter(ticket if words is None else ticket | words)
    return text_filter(queryset, query)


def text_filter(queryset: QuerySet, query: str) -> QuerySet:
    """Problems whose title or address contain every token of `query` (index-served)."""
    condition = text_condition(query)
    return queryset.none() if condition is None else queryset.filter(condition)


def text_condition(query: str):
    """`text_filter`'s condition (a Q or a boolean expression); None for a query of no token."""
    tokens = query_tokens(query)
    if not tokens:
        return None
    if connection.vendor == "postgresql":
        contains = RawSQL(  # noqa: S611 - constant SQL, the tokens are a parameter
            "string_to_array(problems_problem.search_text, ' ') @> %s::text[]", (tokens,)
        )
        return ExpressionWrapper(contains, output_field=BooleanField())
    if connection.vendor == "sqlite":
        match = " ".join(f'"{token}"' for token in tokens)
        # The backlog not yet in the index: every token must be one of the row's grams.
        backlog = " AND ".join("instr(' ' || search_text || ' ', %s) > 0" for _token in tokens)
        # Constant SQL; the user's words travel as parameters (quoted tokens of [0-9a-z] / CJK).
        sql = (  # noqa: S608 - constant SQL: `backlog` is one fixed clause per token
            "SELECT rowid FROM problems_problem_fts WHERE problems_problem_fts MATCH %s"
            " UNION ALL SELECT id FROM problems_problem WHERE id > ("
            "SELECT indexed_upto FROM problems_problem_fts_mark WHERE id = 1) AND "
        ) + backlog
        ids = RawSQL(sql, (match, *(f" {token} " for token in tokens)))  # noqa: S611
        return Q(id__in=ids)
    condition = Q()
    for token in tokens:
        condition &= Q(search_text__contains=token)
    return condition


def fts_index_backlog(*, newest_id: int | None = None, force: bool = False) -> int:
    """Index the problems above the mark once they are FTS_BATCH (or any, with `force`).

    Call inside a transaction that holds the write lock (every SQLite write transaction does:
    IMMEDIATE), so no other writer moves the mark or adds rows below `newest_id` meanwhile.
    Returns how many ids it indexed; PostgreSQL indexes by itself and gets 0.
    """
    if connection.vendor != "sqlite":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexed_upto FROM problems_problem_fts_mark WHERE id = 1")
        mark = cursor.fetchone()[0]
        if newest_id is None:
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM problems_problem")
            newest_id = cursor.fetchone()[0]
        if newest_id <= mark or (newest_id - mark < FTS_BATCH and not force):
            return 0
        # In id order: FTS5 flushes a segment whenever a rowid goes backwards.
        cursor.execute(
            "INSERT INTO problems_problem_fts(rowid, search_text) SELECT id, search_text"
            " FROM problems_problem WHERE id > %s AND id <= %s ORDER BY id",
            [mark, newest_id],
        )
        cursor.execute(
            "UPDATE problems_problem_fts_mark SET indexed_upto = %s WHERE id = 1", [newest_id]
        )
    return newest_id - mark


def fts_replace(*, problem_id: int, old_text: str, new_text: str) -> None:
    """Re-index a problem whose title or address changed (the backlog needs nothing)."""
    if connection.vendor != "sqlite" or old_text == new_text:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexed_upto FROM problems_problem_fts_mark WHERE id = 1")
        if problem_id > cursor.fetchone()[0]:
            return  # not indexed yet; the batch will read the new text from the row
        cursor.execute(
            "INSERT INTO problems_problem_fts(problems_problem_fts, rowid, search_text) "
            "VALUES ('delete', %s, %s)",
            [problem_id, old_text],
        )
        cursor.execute(
            "INSERT INTO problems_problem_fts(rowid, search_text) VALUES (%s, %s)",
            [problem_id, new_text],
        )


def search_rebuild() -> None:
    """Rebuild the SQLite full-text index from `search_text` (after bulk loads or deletes)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO problems_problem_fts(problems_problem_fts) VALUES ('rebuild')")
        cursor.execute(
            "UPDATE problems_problem_fts_mark SET indexed_upto = "
            "(SELECT COALESCE(MAX(id), 0) FROM problems_problem) WHERE id = 1"
        )


def create_search_index(schema_editor) -> None:
    """Create the vendor's text index (called from migrations 0002 and 0007)."""
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        # detail='none': the ledger only asks whether every token is present, never for
        # phrases or positions. Without positions each commit's segment merge is small:
        # creating a problem on a 1M ledger went from ~50 ms to ~12 ms (docs/performance.md).
        schema_editor.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS problems_problem_fts USING fts5("
            "search_text, content='problems_problem', content_rowid='id', "
            "tokenize='unicode61', detail='none')"
        )
    elif vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS problem_search_gin ON problems_problem "
            "USING gin (string_to_array(search_text, ' '))"
        )


def create_backlog_mark(schema_editor) -> None:
    """The SQLite row saying up to which problem id the full-text index is filled."""
    schema_editor.execute(
        "CREATE TABLE IF NOT EXISTS problems_problem_fts_mark ("
        "id INTEGER PRIMARY KEY CHECK (id = 1), indexed_upto INTEGER NOT NULL)"
    )
    schema_editor.execute(
        "INSERT OR REPLACE INTO problems_problem_fts_mark (id, indexed_upto) "
        "SELECT 1, COALESCE(MAX(id), 0) FROM problems_problem"
    )


def drop_search_index(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS problems_problem_fts")
    elif vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS problem_search_gin")
