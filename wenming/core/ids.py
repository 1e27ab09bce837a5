"""The bound of a row id that a client sends.

Python's int has no bound. SQLite refuses a parameter beyond 64 bits with an OverflowError
(no database error, so a 500), and PostgreSQL's bigint ends at the same place. Django answers a
lookup by primary key past that range itself (nothing found: a 404), but not a filter on a
foreign key, so an id that filters a list is checked where it is read: a larger one is the
caller's mistake, a 400.
"""

from typing import Annotated

from pydantic import Field

MAX_ROW_ID = 2**63 - 1

# An id that filters a list (a path takes `ninja.Path(ge=1, le=MAX_ROW_ID)`).
RowId = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]


def row_id(value) -> int | None:
    """The id a page's query string (or form) gives, or None when it gives none that can
    exist: not a decimal number, zero, or past the bound. A page then shows what it shows
    without that filter (or its 404), never a 500."""
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if 0 < number <= MAX_ROW_ID else None
