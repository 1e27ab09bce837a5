"""Reads of the evaluation system: who sees drafts, totals, matrix, coverage, my standards."""

from decimal import Decimal

import pytest

from wenming.core.errors import NotFound
from wenming.points.models import Point
from wenming.standards import selectors, services
from wenming.standards.models import ChecklistItem, PointType, Standard


@pytest.fixture
def draft(cast, system):
    return services.system_clone(
        system=system, actor=cast.office, code="T-2027", name="草案", edition_year=2027
    )


def test_published_systems_are_read_by_everyone_drafts_by_office_and_leaders(cast, system, draft):
    for person in (cast.office, cast.leader):
        assert set(selectors.systems_visible(actor=person).values_list("code", flat=True)) == {
            "T-2026",
            "T-2027",
        }
    for person in (cast.zhongshan, cast.ganjingzi, cast.urban, cast.inspector, cast.evaluator):
        assert list(selectors.systems_visible(actor=person).values_list("code", flat=True)) == [
            "T-2026"
        ]
        with pytest.raises(NotFound):
            selectors.system_get(actor=person, code="T-2027")
    assert selectors.systems_visible(actor=None).count() == 0


def test_checklist_item_get_hides_draft_items_and_bad_ids(cast, system, draft):
    draft_item = ChecklistItem.objects.get(system=draft, code="MARKET-01")
    live_item = ChecklistItem.objects.get(system=system, code="MARKET-01")
    assert selectors.checklist_item_get(actor=cast.office, pk=draft_item.pk) == draft_item
    assert selectors.checklist_item_get(actor=cast.inspector, pk=live_item.pk) == live_item
    with pytest.raises(NotFound):
        selectors.checklist_item_get(actor=cast.inspector, pk=draft_item.pk)
    for bad in (999999, "abc", None):
        with pytest.raises(NotFound):
            selectors.checklist_item_get(actor=cast.office, pk=bad)


def test_the_system_in_force_is_the_default(cast, system, draft):
    assert selectors.system_current(actor=cast.zhongshan) == system
    assert selectors.system_resolve(actor=cast.office, code=None) == system
    assert selectors.system_resolve(actor=cast.office, code="T-2027") == draft


def test_method_totals_share_multi_method_points(cast, system):
    totals = selectors.method_totals(system=system)
    # 2.1.1 is worth 20 by material review and field inspection: 10 each.
    assert totals == {
        "material": Decimal("40.00"),
        "field": Decimal("40.00"),
        "questionnaire": Decimal("20.00"),
    }
    assert all(row["ok"] for row in selectors.method_balance(system=system))


def test_tree_comes_in_order_with_owners(cast, system, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        items = selectors.system_tree(actor=cast.zhongshan, system=system)
        codes = [s.code for i in items for d in i.indicators.all() for s in d.standards.all()]
        owners = [
            s.lead_unit.code if s.lead_unit else None
            for i in items
            for d in i.indicators.all()
            for s in d.standards.all()
        ]
    assert codes == ["1.1.1", "1.1.2", "1.2.1", "1.2.2", "2.1.1", "2.1.2"]
    assert owners == ["URBAN", "URBAN", "URBAN", None, "EDU", "EDU"]


def test_responsibility_matrix_marks_lead_and_support(cast, system):
    matrix = selectors.responsibility_matrix(actor=cast.office, system=system)
    units = [u.code for u in matrix["units"]]
    assert units == ["EDU", "PSB", "URBAN"]
    row = next(r for r in matrix["rows"] if r["standard"].code == "1.2.1")
    assert dict(zip(units, row["cells"], strict=True)) == {
        "EDU": "co",
        "PSB": "co",
        "URBAN": "lead",
    }


def test_my_standards_are_those_a_unit_leads_or_supports(cast, system):
    urban = selectors.standards_of_unit(actor=cast.urban, system=system, unit=cast.urban_unit)
    assert sorted(urban.values_list("code", flat=True)) == ["1.1.1", "1.1.2", "1.2.1", "2.1.1"]
    edu = selectors.standards_of_unit(actor=cast.education, system=system, unit=cast.education_unit)
    assert sorted(edu.values_list("code", flat=True)) == ["1.2.1", "2.1.1", "2.1.2"]
    assert selectors.unit_standard_counts(actor=cast.office, system=system) == {
        "URBAN": 3,
        "EDU": 2,
    }


def test_coverage_gaps(cast, system):
    gaps = selectors.coverage_gaps(actor=cast.office, system=system)
    assert [s.code for s in gaps["no_lead"]] == ["1.2.2"]
    # 2.1.2 (field) has no checklist item; 1.1.1, 1.2.1 and 2.1.1 have.
    assert [s.code for s in gaps["field_untested"]] == ["2.1.2"]
    assert [t.code for t in gaps["types_without_points"]] == ["PARK"]
    Point.objects.filter(point_type__code="SCHOOL").update(is_active=False)
    gaps = selectors.coverage_gaps(actor=cast.office, system=system)
    assert [t.code for t in gaps["types_without_points"]] == ["SCHOOL", "PARK"]


def test_point_types_carry_their_checklist_of_one_system(cast, system, draft):
    services.checklist_item_delete(
        item=ChecklistItem.objects.get(system=draft, code="MARKET-03"), actor=cast.office
    )
    live = {
        t.code: t
        for t in selectors.point_types_with_checklists(actor=cast.inspector, system=system)
    }
    assert [c.code for c in live["MARKET"].checklist] == ["MARKET-01", "MARKET-02", "MARKET-03"]
    assert live["MARKET"].checklist_total == Decimal("1.3")
    assert live["PARK"].checklist == []
    planned = {
        t.code: t for t in selectors.point_types_with_checklists(actor=cast.office, system=draft)
    }
    assert [c.code for c in planned["MARKET"].checklist] == ["MARKET-01", "MARKET-02"]
    assert PointType.objects.count() == 3


def test_standard_get_hides_draft_standards(cast, system, draft):
    hidden = Standard.objects.get(system=draft, code="1.1.1")
    with pytest.raises(NotFound):
        selectors.standard_get(actor=cast.urban, pk=hidden.pk)
    assert selectors.standard_get(actor=cast.office, pk=hidden.pk) == hidden
