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
