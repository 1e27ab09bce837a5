"""The API's list pages: `{"items": [...], "next": cursor}`, keyed by primary key.

The cursor is the last id of the page just read, so a page is one index range scan whatever
how deep the reader is (no OFFSET), and rows written meanwhile never shift a page.
"""

from collections.abc import Callable

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .errors import InvalidInput
from .ids import MAX_ROW_ID


def cursor_id(after: str | None, *, code: str = "invalid_cursor") -> int | None:
    """The id a cursor names (None for the first page); a malformed cursor is a 400.

    A cursor is always one this API gave out: ASCII digits naming a row id (1 … 2**63−1).
    """
    if after in (None, ""):
        return None
    text = str(after)
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= MAX_ROW_ID:
        raise InvalidInput(_("The cursor is not valid."), code=code)
    return int(text)


def _row_id(row) -> int:
    return row["id"] if isinstance(row, dict) else row.pk


def id_page(
    qs: QuerySet,
    *,
    after: str | None,
    limit: int,
    out: Callable,
    newest_first: bool = True,
    cursor_code: str = "invalid_cursor",
) -> dict:
    """One page of `qs` after the cursor `after`, newest (highest id) first by default.

    `qs` may yield instances or `values()` rows (with their "id").
    """
    last = cursor_id(after, code=cursor_code)
    qs = qs.order_by("-pk" if newest_first else "pk")
    if last is not None:
        qs = qs.filter(pk__lt=last) if newest_first else qs.filter(pk__gt=last)
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": [out(row) for row in rows], "next": str(_row_id(rows[-1])) if more else None}
