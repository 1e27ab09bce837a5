"""Routing as data: rules, owners first for facilities, the locality first for events."""

import pytest

from wenming.core.audit import audit_verify
from wenming.core.errors import InvalidInput, NotAllowed
from wenming.core.models import AuditEntry
from wenming.problems import services
from wenming.problems.models import Source, Status
from wenming.problems.routing import route_for

from .factories import category, market_point, report


def route(cast, cat, region=None, point=None):
    return route_for(category=category(cat), region=region or cast.zhongshan_community, point=point)


def test_an_event_goes_to_its_street_without_a_rule(cast):
    result = route(cast, "chaotic.street_order")
    assert result.chosen.region == cast.zhongshan_street and result.basis == "locality"


def test_a_facility_goes_to_the_point_owner_first(cast):
    point = market_point(cast.zhongshan_community, units=[cast.urban_unit])
    result = route(cast, "poor.facilities", point=point)
    assert result.chosen.unit == cast.urban_unit and result.basis == "owner"
    # An event at the same point still goes to the locality first.
    assert route(cast, "chaotic.street_order", point=point).chosen.region == cast.zhongshan_street


def test_two_owners_leave_the_choice_to_the_dispatcher(cast):
    point = market_point(cast.zhongshan_community, units=[cast.urban_unit, cast.police_unit])
    result = route(cast, "poor.facilities", point=point)
    assert result.chosen is None
    assert {t.unit.code for t in result.candidates} == {"URBAN", "PSB"}


def test_the_most_specific_rule_wins(cast):
    services.routing_rule_create(actor=cast.office, unit=cast.urban_unit)  # everything
    services.routing_rule_create(
        actor=cast.office, category=category("chaotic.parking"), unit=cast.police_unit
    )
    services.routing_rule_create(
        actor=cast.office,
        category=category("chaotic.parking"),
        region=cast.ganjingzi_district,
        target_level="street",
    )
    assert route(cast, "dirty.appearance").chosen.unit == cast.urban_unit
    assert route(cast, "chaotic.parking").chosen.unit == cast.police_unit
    gjz = route(cast, "chaotic.parking", region=cast.ganjingzi_community)
    assert gjz.chosen.region == cast.ganjingzi_street and gjz.basis == "rule"


def test_equally_specific_rules_are_ambiguous(cast):
    services.routing_rule_create(
        actor=cast.office, category=category("chaotic.parking"), unit=cast.police_unit
    )
    services.routing_rule_create(
        actor=cast.office, category=category("chaotic.parking"), unit=cast.urban_unit
    )
    assert route(cast, "chaotic.parking").chosen is None


def test_inactive_rules_are_ignored(cast):
    rule = services.routing_rule_create(actor=cast.office, unit=cast.police_unit)
    services.routing_rule_update(actor=cast.office, rule_id=rule.pk, is_active=False)
    assert route(cast, "chaotic.street_order").basis == "locality"


def test_inspection_problems_dispatch_automatically_unless_switched_off(cast):
    services.routing_rule_create(
        actor=cast.office, category=category("chaotic.parking"), unit=cast.police_unit
    )
    problem = report(
        cast.inspector,
        region=cast.zhongshan_community,
        cat="chaotic.parking",
        source=Source.INSPECTION,
    )
    assert problem.status == Status.DISPATCHED and problem.responsible_unit == cast.police_unit
    dispatch = problem.events.get(action="dispatch")
    assert dispatch.actor is None and dispatch.from_status == "new"
    # Citizen reports wait for the dispatcher.
    citizen = report(cast.office, region=cast.zhongshan_community, cat="chaotic.parking")
    assert citizen.status == Status.NEW
    services.ledger_config_update(actor=cast.office, auto_dispatch=False)
    waiting = report(
        cast.inspector,
        region=cast.zhongshan_community,
        cat="chaotic.parking",
        source=Source.INSPECTION,
    )
    assert waiting.status == Status.NEW


def test_an_ambiguous_inspection_problem_waits(cast):
    point = market_point(cast.zhongshan_community, units=[cast.urban_unit, cast.police_unit])
    problem = report(
        cast.inspector,
        region=None,
        point=point,
        cat="poor.facilities",
        source=Source.INSPECTION,
        lat=None,
        lon=None,
    )
    assert problem.status == Status.NEW
    assert problem.region == cast.zhongshan_community and problem.lat == point.lat


def test_rule_changes_are_office_only_and_audited(cast):
    with pytest.raises(NotAllowed):
        services.routing_rule_create(actor=cast.urban, unit=cast.urban_unit)
    with pytest.raises(InvalidInput):  # a unit and a locality at once
        services.routing_rule_create(actor=cast.office, unit=cast.urban_unit, target_level="street")
    rule = services.routing_rule_create(actor=cast.office, unit=cast.urban_unit, note="兜底")
    services.routing_rule_update(actor=cast.office, rule_id=rule.pk, unit=cast.police_unit)
    services.routing_rule_delete(actor=cast.office, rule_id=rule.pk)
    actions = list(
        AuditEntry.objects.filter(action__startswith="routing_rule.").values_list(
            "action", flat=True
        )
    )
    assert actions == ["routing_rule.create", "routing_rule.update", "routing_rule.delete"]
    update = AuditEntry.objects.get(action="routing_rule.update")
    assert update.data["before"]["unit"] == "URBAN" and update.data["after"]["unit"] == "PSB"
    assert audit_verify().ok


def test_recurrence_at_the_same_point_within_30_days(cast):
    from datetime import timedelta

    from django.utils import timezone

    from wenming.problems.models import Problem

    from .factories import closed

    point = market_point(cast.zhongshan_community, units=[cast.urban_unit])
    first = closed(cast, point=point, cat="dirty.sanitation")
    again = report(cast.office, region=None, point=point, cat="dirty.sanitation")
    assert again.recurrence_of == first
    other_category = report(cast.office, region=None, point=point, cat="chaotic.parking")
    assert other_category.recurrence_of is None
    Problem.objects.filter(pk=first.pk).update(closed_at=timezone.now() - timedelta(days=31))
    late = report(cast.office, region=None, point=point, cat="dirty.sanitation")
    assert late.recurrence_of is None


def test_categories_are_edited_by_the_office_with_audit(cast):
    with pytest.raises(NotAllowed):
        services.category_update(
            actor=cast.zhongshan, category=category("poor.roads"), deadline_days=3
        )
    with pytest.raises(InvalidInput):
        services.category_update(
            actor=cast.office, category=category("poor.roads"), deadline_days=0
        )
    services.category_update(
        actor=cast.office,
        category=category("poor.roads"),
        deadline_days=3,
        after_photo_required=False,
    )
    assert category("poor.roads").deadline_days == 3
    created = services.category_create(
        actor=cast.office,
        code="poor.lamps",
        name="路灯不亮",
        name_en="Broken street lamps",
        problem_class="poor",
        subject="facilities",
        kind="facility",
        deadline_days=2,
    )
    assert created.is_active
    with pytest.raises(InvalidInput):
        services.category_create(
            actor=cast.office,
            code="poor.lamps",
            name="重复",
            problem_class="poor",
            subject="facilities",
            kind="facility",
        )
    assert AuditEntry.objects.filter(action__startswith="problem_category.").count() == 2
