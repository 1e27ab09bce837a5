"""The demo evaluation system and points: shape, arithmetic, ownership, speed of loading."""

from collections import Counter
from decimal import Decimal

import pytest

from wenming.org import demo as org_demo
from wenming.points import demo as points_demo
from wenming.points.models import Point
from wenming.standards import demo
from wenming.standards.models import ChecklistItem, EvaluationSystem, NegativeListEntry
from wenming.standards.selectors import method_balance

CATEGORIES = {
    "dirty.appearance",
    "dirty.sanitation",
    "chaotic.street_order",
    "chaotic.parking",
    "chaotic.advertising",
    "chaotic.market_order",
    "chaotic.traffic",
    "poor.facilities",
    "poor.roads",
    "poor.greening",
    "poor.construction",
    "lacking.psa",
    "lacking.signage",
    "lacking.facilities",
    "lacking.service",
    "civil.behaviour",
}


@pytest.fixture
def demo_city(db):
    org_demo.load(scale="small")
    demo.load(scale="small")
    points_demo.load(scale="small")


def test_demo_system_has_the_national_shape_and_adds_up(demo_city):
    system = EvaluationSystem.objects.get(code=demo.content.DEMO_SYSTEM_CODE)
    assert system.status == "active" and system.is_demo
    assert system.items.count() == 7
    assert system.indicators.count() >= 30
    assert system.standards.count() >= 120
    # The hard requirements are the negative list's vetoes, not scored standards as well.
    assert not system.standards.filter(is_hard=True).exists()
    assert NegativeListEntry.objects.filter(system=system, is_veto=True).count() >= 5
    assert all(row["ok"] for row in method_balance(system=system))
    assert (system.weight_material, system.weight_field, system.weight_questionnaire) == (
        Decimal("40"),
        Decimal("40"),
        Decimal("20"),
    )
    assert NegativeListEntry.objects.filter(system=system).count() >= 10
    next_edition = EvaluationSystem.objects.get(code=demo.content.DEMO_NEXT_CODE)
    assert next_edition.status == "draft" and next_edition.cloned_from == system


def test_demo_point_types_and_quantified_checklists(demo_city):
    system = EvaluationSystem.objects.get(code=demo.content.DEMO_SYSTEM_CODE)
    checks = ChecklistItem.objects.filter(system=system)
    assert checks.values("point_type").distinct().count() >= 20
    assert checks.count() >= 150
    assert set(checks.values_list("default_category_code", flat=True)) <= CATEGORIES
    # Quantified, as domain.md asks: every check names a number, a rate or a count.
    assert all(any(ch.isdigit() for ch in text) for text in checks.values_list("text", flat=True))
    assert not checks.exclude(standard__system=system).exists()


def test_demo_points_spread_over_every_district_with_owners(demo_city):
    assert Point.objects.count() >= 2000
    by_district = Counter(Point.objects.values_list("region__path", flat=True))
    districts = {path.split("/")[2] for path in by_district}
    assert len(districts) == 11
    for point in Point.objects.select_related("region", "region__parent").order_by("?")[:200]:
        street = point.region if point.region.level == "street" else point.region.parent
        assert (
            abs(point.lat - street.center_lat) < 0.06 and abs(point.lon - street.center_lon) < 0.08
        )
    schools = Point.objects.filter(point_type__code="SCHOOL")
    assert schools.exists() and not schools.exclude(responsible_units__code="EDU").exists()
    markets = Point.objects.filter(point_type__code="MARKET")
    assert not markets.exclude(responsible_units__code="MARKET").exists()
    backs = Point.objects.filter(point_type__code="BACK_STREET")
    assert not backs.exclude(responsible_units__code="URBAN").exists()


def test_demo_load_is_idempotent_and_reset_removes_it(demo_city):
    before = (EvaluationSystem.objects.count(), Point.objects.count())
    demo.load(scale="small")
    points_demo.load(scale="small")
    assert (EvaluationSystem.objects.count(), Point.objects.count()) == before
    points_demo.reset()
    demo.reset()
    assert not Point.objects.exists() and not EvaluationSystem.objects.exists()


def test_larger_scales_make_more_points(db):
    org_demo.load(scale="small")
    rows = points_demo.build_rows(scale="city")
    assert len(rows) >= 12000
    assert len({r.code for r in rows}) == len(rows)
