"""The API's list pages: `{"items": [...], "next": cursor}`, keyed by primary key.

The cursor is the last id of the page just read, so a page is one index range scan whatever
how deep the reader is (no OFFSET), and rows written meanwhile never shift a page.
"""

from collections.abc import Callable

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .errors import InvalidInput


def cursor_id(after: str | None) -> int | None:
    """The id a cursor names (None for the first page); a malformed cursor is a 400."""
    if after in (None, ""):
        return None
    if not str(after).isdigit() or len(str(after)) > 18:
        raise InvalidInput(_("The cursor is not valid."), code="invalid_cursor")
    return int(after)


def id_page(
    qs: QuerySet, *, after: str | None, limit: int, out: Callable, newest_first: bool = True
) -> dict:
    """One page of `qs` after the cursor `after`, newest (highest id) first by default."""
    last = cursor_id(after)
    qs = qs.order_by("-pk" if newest_first else "pk")
    if last is not None:
        qs = qs.filter(pk__lt=last) if newest_first else qs.filter(pk__gt=last)
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": [out(row) for row in rows], "next": str(rows[-1].pk) if more else None}
