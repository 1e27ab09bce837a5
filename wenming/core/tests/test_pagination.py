"""The API's keyset pages (`core.pagination.id_page`)."""

import pytest

from wenming.core.errors import InvalidInput
from wenming.core.pagination import cursor_id, id_page
from wenming.org.models import Unit


@pytest.mark.parametrize("bad", ["x", "-1", "1.5", "9" * 19])
def test_a_malformed_cursor_is_a_400(bad):
    with pytest.raises(InvalidInput) as refused:
        cursor_id(bad)
    assert refused.value.status == 400


def test_pages_walk_every_row_once_in_both_orders(cast):
    ids = sorted(Unit.objects.values_list("pk", flat=True))
    for newest_first, expected in ((True, ids[::-1]), (False, ids)):
        seen, after = [], None
        while True:
            page = id_page(Unit.objects.all(), after=after, limit=2, out=lambda u: u.pk,
                           newest_first=newest_first)
            seen += page["items"]
            after = page["next"]
            if after is None:
                break
        assert seen == expected


# Every API list whose cursor is a row id, the cursor's query parameter, and the error code its
# clients were given (the plans API published "bad_cursor"; the others say "invalid_cursor").
ID_CURSOR_LISTS = [
    ("campaigns", "after", "bad_cursor"),
    ("letters", "after", "bad_cursor"),
    ("materials", "after", "invalid_cursor"),
    ("creation/entries", "after", "invalid_cursor"),
    ("notifications", "cursor", "invalid_cursor"),
    ("rounds", "after", "invalid_cursor"),
    ("visits", "after", "invalid_cursor"),
    ("surveys", "after", "invalid_cursor"),
    ("supervision-orders", "after", "invalid_cursor"),
]


@pytest.mark.parametrize("path,param,code", ID_CURSOR_LISTS)
@pytest.mark.parametrize("bad", ["abc", "-1", "0", "1.5", "١٢٣", "99999999999999999999"])
def test_every_id_cursor_list_refuses_a_cursor_it_never_gave(cast, api_as, path, param, code, bad):
    """One reading of a cursor (`cursor_id`) for every list: the plans lists took "-1" and
    Arabic-Indic digits, the inbox a cursor past 64 bits, as a page."""
    answer = api_as(cast.office).get(path, **{param: bad})
    assert answer.status_code == 400, (path, bad, answer.content)
    assert answer.json()["error"] == code


@pytest.mark.parametrize("path,param,code", ID_CURSOR_LISTS)
def test_every_id_cursor_list_takes_a_cursor_it_gave(cast, api_as, path, param, code):
    assert api_as(cast.office).get(path, **{param: "1"}).status_code == 200
