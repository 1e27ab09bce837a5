"""The ledger's filter choices come from the reference copies, with the scope's own rule.

`region_choices`, `unit_choices` and `category_choices` must list exactly what the scoped
querysets list, in the same order, for every persona (the copies are a faster road to the
same rows, never other rows); warm, they cost no query.
"""

import pytest

from wenming.org.models import RegionLevel
from wenming.org.selectors import region_choices, regions_visible, unit_choices, units_visible
from wenming.org.services import unit_update
from wenming.problems.reference import category_choices
from wenming.problems.selectors import categories_visible

PERSONAS = ["office", "leader", "zhongshan", "ganjingzi", "urban", "education", "inspector",
            "evaluator"]


@pytest.mark.parametrize("who", PERSONAS)
def test_the_choices_are_the_scoped_querysets_rows(cast, who):
    person = getattr(cast, who)
    regions = regions_visible(actor=person).exclude(level=RegionLevel.COMMUNITY)
    assert region_choices(actor=person, exclude_level=RegionLevel.COMMUNITY) == list(regions)
    assert region_choices(actor=person) == list(regions_visible(actor=person))
    for active_only in (True, False):
        units = units_visible(actor=person, active_only=active_only)
        assert unit_choices(actor=person, active_only=active_only) == list(units)
        categories = categories_visible(actor=person, active_only=active_only)
        assert category_choices(actor=person, active_only=active_only) == list(categories)


def test_a_district_officer_is_offered_only_their_district(cast):
    codes = {r.code for r in region_choices(actor=cast.zhongshan)}
    assert cast.zhongshan_street.code in codes and cast.ganjingzi_street.code not in codes
    assert [u.pk for u in unit_choices(actor=cast.urban)] == [cast.urban_unit.pk]


def test_warm_choices_cost_no_query(cast, django_assert_num_queries):
    region_choices(actor=cast.office), unit_choices(actor=cast.office)
    category_choices(actor=cast.office)
    with django_assert_num_queries(0):
        assert region_choices(actor=cast.office, exclude_level=RegionLevel.COMMUNITY)
        assert unit_choices(actor=cast.office, active_only=True)
        assert category_choices(actor=cast.office)


def test_a_unit_made_inactive_leaves_the_choices_at_once(cast):
    assert cast.police_unit in unit_choices(actor=cast.office, active_only=True)
    unit_update(actor=cast.office, unit=cast.police_unit, is_active=False)
    assert cast.police_unit not in unit_choices(actor=cast.office, active_only=True)
    assert cast.police_unit in unit_choices(actor=cast.office)
