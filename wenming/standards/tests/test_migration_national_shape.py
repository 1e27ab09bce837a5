"""Migration 0003_national_shape keeps every standard's owners, points and links (issue 11).

The data is written with the models as they were before the migration (the migration
executor's historical models), then the database is migrated forward and read with
today's models; then back again, which restores the negative list's single penalty.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from wenming.problems.models import Problem
from wenming.standards.models import ChecklistItem, NegativeListEntry, Standard

BEFORE = [("standards", "0002_tree_node_bases")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    loader = MigrationLoader(connection)
    return loader.project_state(tuple(loader.applied_migrations), at_end=True).apps


def _old_world(apps) -> dict:
    Region = apps.get_model("org", "Region")
    Unit = apps.get_model("org", "Unit")
    System = apps.get_model("standards", "EvaluationSystem")
    Item = apps.get_model("standards", "Item")
    Indicator = apps.get_model("standards", "Indicator")
    OldStandard = apps.get_model("standards", "Standard")
    Entry = apps.get_model("standards", "NegativeListEntry")
    PointType = apps.get_model("standards", "PointType")
    Check = apps.get_model("standards", "ChecklistItem")
    Category = apps.get_model("problems", "Category")
    OldProblem = apps.get_model("problems", "Problem")

    region = Region.objects.create(
        code="210202",
        name="中山区",
        name_en="Zhongshan",
        kind="district",
        level="district",
        path="210202",
    )
    units = [
        Unit.objects.create(code=c, name=c, name_en=c, short_name=c) for c in ("URB", "PSB", "EDU")
    ]
    system = System.objects.create(code="OLD", name="旧体系", edition_year=2025)
    item = Item.objects.create(system=system, code="1", name="环境")
    indicator = Indicator.objects.create(system=system, item=item, code="1.1", name="市容")
    three = OldStandard.objects.create(
        system=system,
        indicator=indicator,
        code="1.1.1",
        text="三种方法",
        points=Decimal("10"),
        methods="material,field,questionnaire",
        lead_unit=units[0],
        notes="备注",
        order=1,
    )
    three.co_units.set(units[1:])
    field = OldStandard.objects.create(
        system=system,
        indicator=indicator,
        code="1.1.2",
        text="实地",
        points=Decimal("7.5"),
        methods="field",
        is_hard=True,
        order=2,
    )
    OldStandard.objects.create(
        system=system,
        indicator=indicator,
        code="1.1.3",
        text="零分",
        points=Decimal("0"),
        methods="material,field",
        lead_unit=units[2],
        order=3,
    )
    Entry.objects.create(
        system=system, code="N1", text="造假", penalty="deduct", deduction=Decimal("2")
    )
    Entry.objects.create(system=system, code="N2", text="事故", penalty="revoke_title")
    point_type = PointType.objects.create(
        code="ROAD", name="道路", name_en="Roads", group="roads", description=""
    )
    check = Check.objects.create(
        system=system,
        point_type=point_type,
        code="ROAD-1",
        text="干净",
        standard=field,
        deduction=Decimal("0.5"),
    )
    category = Category.objects.create(
        code="dirty.x", name="脏", name_en="dirty", problem_class="dirty", subject="x", kind="event"
    )
    problem = OldProblem.objects.create(
        code="WM2025-000001",
        code_year=2025,
        code_serial=1,
        title="垃圾",
        description="",
        category=category,
        source="self",
        region=region,
        address="",
        reporter_name="",
        reporter_phone="",
        hold_plan="",
        extension_reason="",
        hold_request_plan="",
        search_text="",
        checklist_item=check,
        standard=field,
    )
    return {"check": check.pk, "problem": problem.pk}


@pytest.mark.django_db(transaction=True)
def test_every_standard_keeps_its_owners_points_and_links():
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    ids = _old_world(_migrate(BEFORE))
    _migrate(leaves)

    three, field, zero = Standard.objects.filter(system__code="OLD").order_by("code")
    assert (three.points, three.methods, three.lead_unit.code, three.notes) == (
        Decimal("10"),
        "material,field,questionnaire",
        "URB",
        "备注",
    )
    assert sorted(u.code for u in three.co_units.all()) == ["EDU", "PSB"]
    assert (field.points, field.methods, field.is_hard, field.lead_unit) == (
        Decimal("7.5"),
        "field",
        True,
        None,
    )
    assert zero.lead_unit.code == "EDU"
    split = {
        s.code: [
            (
                c.number,
                c.code,
                c.text,
                c.points,
                c.points_material,
                c.points_field,
                c.points_questionnaire,
                c.lead_unit_id,
                c.co_units.count(),
            )
            for c in s.clauses.all()
        ]
        for s in (three, field, zero)
    }
    assert split == {
        "1.1.1": [
            (
                1,
                "1.1.1.1",
                "三种方法",
                10,
                Decimal("3.33"),
                Decimal("3.33"),
                Decimal("3.34"),
                None,
                0,
            )
        ],
        "1.1.2": [(1, "1.1.2.1", "实地", Decimal("7.5"), 0, Decimal("7.5"), 0, None, 0)],
        "1.1.3": [(1, "1.1.3.1", "零分", 0, 0, 0, 0, None, 0)],
    }
    # Owners left empty are the line's; a clause worth nothing has its line's methods.
    clause = three.clauses.get()
    assert clause.effective_lead_unit.code == "URB"
    assert sorted(u.code for u in clause.effective_co_units) == ["EDU", "PSB"]
    assert clause.method_list == ["material", "field", "questionnaire"]
    assert zero.clauses.get().method_list == ["material", "field"]
    assert ChecklistItem.objects.get(pk=ids["check"]).standard == field
    problem = Problem.objects.get(pk=ids["problem"])
    assert (problem.standard, problem.checklist_item_id) == (field, ids["check"])
    effects = {
        e.code: [(f.grade, f.effect, f.deduction) for f in e.effects.all()]
        for e in NegativeListEntry.objects.filter(system__code="OLD")
    }
    assert effects == {"N1": [(1, "deduct", Decimal("2"))], "N2": [(1, "revoke_title", None)]}

    # And back: the single penalty comes back from the mildest effect.
    old = _migrate(BEFORE)
    rows = old.get_model("standards", "NegativeListEntry").objects.order_by("code")
    assert [(e.code, e.penalty, e.deduction) for e in rows] == [
        ("N1", "deduct", Decimal("2")),
        ("N2", "revoke_title", None),
    ]
    assert old.get_model("standards", "Standard").objects.filter(system__code="OLD").count() == 3
    _migrate(leaves)
