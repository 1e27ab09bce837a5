"""Two rules every app asks and none restates: region containment, and who is the office."""

import pytest
from django.contrib.auth.models import AnonymousUser

from wenming.core.errors import NotAllowed
from wenming.org.roles import is_office, require_office


def _regions(cast):
    return [
        cast.city,
        cast.zhongshan_district,
        cast.zhongshan_street,
        cast.zhongshan_community,
        cast.ganjingzi_district,
        cast.ganjingzi_street,
        cast.ganjingzi_community,
    ]


def test_a_region_contains_exactly_its_subtree(cast):
    """In memory (`contains`) and in SQL (`subtree_ids`) the rule gives the same answer."""
    regions = _regions(cast)
    for outer in regions:
        below = set(outer.subtree_ids())
        for inner in regions:
            assert outer.contains(inner) == (inner.pk in below), (outer.code, inner.code)
    assert cast.zhongshan_district.contains(cast.zhongshan_community)
    assert not cast.zhongshan_district.contains(cast.ganjingzi_community)
    assert not cast.zhongshan_street.contains(cast.zhongshan_district)
    assert not cast.city.contains(None)


def test_lineage_codes_run_from_the_city_down(cast):
    assert cast.zhongshan_community.lineage_codes() == [
        "210200",
        "210202",
        "210202001",
        "210202001001",
    ]
    assert cast.city.lineage_codes() == ["210200"]


def test_only_the_office_counts_as_the_office(cast):
    assert [p.username for p in cast.everyone if is_office(p)] == ["office"]
    assert all(p.is_office == is_office(p) for p in cast.everyone)
    require_office(cast.office)
    for someone in [*cast.everyone[1:], AnonymousUser(), None]:
        assert not is_office(someone)
        with pytest.raises(NotAllowed) as refused:
            require_office(someone, "Only the office settles this.")
        assert refused.value.message == "Only the office settles this."
