"""Data scope: each persona sees exactly its own share of every organisation selector."""

import pytest

from wenming.core.scope import ScopeRule, can_see, scope_queryset
from wenming.org import selectors
from wenming.org.models import Person, Region


def codes(qs):
    return {obj.code for obj in qs}


@pytest.mark.parametrize("who", ["office", "leader"])
def test_office_and_leader_see_every_region(cast, who):
    assert codes(selectors.regions_visible(actor=getattr(cast, who))) == set(
        Region.objects.values_list("code", flat=True))


def test_zhongshan_officer_sees_only_the_zhongshan_subtree(cast):
    seen = codes(selectors.regions_visible(actor=cast.zhongshan))
    assert seen == {"210202", "210202001", "210202001001"}


def test_ganjingzi_officer_gets_nothing_of_zhongshan(cast):
    seen = codes(selectors.regions_visible(actor=cast.ganjingzi))
    assert seen == {"210211", "210211001", "210211001001"}
    assert not can_see(cast.ganjingzi, cast.zhongshan_community)


def test_street_officer_sees_only_their_street(cast):
    street_officer = Person.objects.create(username="street", role="region_officer",
                                           region=cast.zhongshan_street)
    assert codes(selectors.regions_visible(actor=street_officer)) == {"210202001", "210202001001"}


@pytest.mark.parametrize("who", ["urban", "inspector", "evaluator"])
def test_regions_are_reference_data_for_units_and_inspectors(cast, who):
    assert selectors.regions_visible(actor=getattr(cast, who)).count() == Region.objects.count()


def test_unit_officer_sees_only_their_unit_in_units(cast):
    assert codes(selectors.units_visible(actor=cast.urban)) == {"URBAN"}


@pytest.mark.parametrize("who", ["office", "leader", "zhongshan", "inspector"])
def test_units_are_reference_data_for_other_roles(cast, who):
    assert codes(selectors.units_visible(actor=getattr(cast, who))) == {"URBAN", "EDU", "PSB"}


def test_people_scope(cast):
    assert {p.username for p in selectors.people_visible(actor=cast.zhongshan)} == {"zhongshan"}
    assert {p.username for p in selectors.people_visible(actor=cast.urban)} == {"urban"}
    assert selectors.people_visible(actor=cast.inspector).count() == 0
    assert selectors.people_visible(actor=cast.office).count() == len(cast.everyone)


def test_anonymous_and_inactive_see_nothing(cast):
    from django.contrib.auth.models import AnonymousUser

    assert selectors.regions_visible(actor=AnonymousUser()).count() == 0
    assert selectors.regions_visible(actor=None).count() == 0
    cast.office.is_active = False
    assert selectors.regions_visible(actor=cast.office).count() == 0


def test_person_without_role_sees_nothing(cast):
    nobody = Person.objects.create(username="nobody")
    assert selectors.regions_visible(actor=nobody).count() == 0
    assert selectors.units_visible(actor=nobody).count() == 0


def test_model_without_rule_is_refused(cast):
    from wenming.core.models import AuditEntry

    with pytest.raises(TypeError):
        scope_queryset(AuditEntry.objects.all(), cast.office)


def test_rule_is_frozen():
    rule = ScopeRule(region="region")
    with pytest.raises(AttributeError):
        rule.region = "other"


PERSONAS = ["office", "leader", "zhongshan", "ganjingzi", "urban", "education", "inspector",
            "evaluator"]


@pytest.mark.parametrize("who", PERSONAS)
def test_the_in_memory_check_agrees_with_the_database_for_every_region_and_unit(cast, who):
    """Cached reference rows are checked in memory; the answer must be the database's."""
    from wenming.core.scope import scope_allows
    from wenming.org.models import Unit

    actor = getattr(cast, who)
    for obj in [*Region.objects.all(), *Unit.objects.all(), actor]:
        assert scope_allows(actor, obj) == can_see(actor, obj), (who, obj)


def test_the_in_memory_check_refuses_anonymous_and_inactive_people(cast):
    from django.contrib.auth.models import AnonymousUser

    from wenming.core.scope import scope_allows

    assert not scope_allows(None, cast.zhongshan_community)
    assert not scope_allows(AnonymousUser(), cast.zhongshan_community)
    cast.office.is_active = False
    assert not scope_allows(cast.office, cast.zhongshan_community)
