"""Writes to the evaluation system: who may write, the life of an edition, the editing rules."""

from decimal import Decimal

import pytest
from django.utils import translation

from wenming.core.errors import Conflict, InvalidInput, NotAllowed
from wenming.core.models import AuditEntry
from wenming.standards import services
from wenming.standards.models import (
    ChecklistItem,
    EvaluationSystem,
    PointType,
    Standard,
    StandardsEvent,
    SystemStatus,
)
from wenming.standards.services import rules

from .factories import small_system


@pytest.fixture
def referenced(monkeypatch):
    """Pretend results (problems, findings) already refer to every system's tree."""
    monkeypatch.setattr(rules, "system_references", lambda system: ["problems"])


def std(system, code) -> Standard:
    return Standard.objects.get(system=system, code=code)


def test_office_creates_a_draft_and_a_district_officer_may_not(cast):
    system = services.system_create(
        code="NEW-2027", name="新体系", edition_year=2027, actor=cast.office
    )
    assert system.status == SystemStatus.DRAFT
    assert (system.weight_material, system.weight_field, system.weight_questionnaire) == (
        40,
        40,
        20,
    )
    assert AuditEntry.objects.filter(action="standards.system.create", actor=cast.office).exists()
    with pytest.raises(NotAllowed):
        services.system_create(code="X-2027", name="x", edition_year=2027, actor=cast.zhongshan)
    with pytest.raises(Conflict):
        services.system_create(code="NEW-2027", name="again", edition_year=2027, actor=cast.office)


def test_office_cannot_activate_a_system_whose_points_do_not_add_up(cast, system):
    draft = services.system_clone(
        system=system, actor=cast.office, code="T-2027", name="下一版", edition_year=2027
    )
    services.standard_update(
        standard=std(draft, "1.1.1"), actor=cast.office, data={"points": Decimal("25")}
    )
    with pytest.raises(InvalidInput) as refused:
        services.system_activate(system=draft, actor=cast.office)
    assert refused.value.code == "unbalanced"
    assert refused.value.details["methods"] == ["field"]
    draft.refresh_from_db()
    assert draft.status == SystemStatus.DRAFT


def test_activating_the_next_edition_archives_the_one_in_force(cast, system):
    draft = services.system_clone(
        system=system, actor=cast.office, code="T-2027", name="下一版", edition_year=2027
    )
    services.system_activate(system=draft, actor=cast.office)
    system.refresh_from_db()
    draft.refresh_from_db()
    assert (system.status, draft.status) == (SystemStatus.ARCHIVED, SystemStatus.ACTIVE)
    assert StandardsEvent.objects.filter(system=system, action="system.archive").exists()


def test_illegal_transitions_answer_409_with_the_allowed_moves(cast, system):
    draft = services.system_clone(
        system=system, actor=cast.office, code="T-2027", name="下一版", edition_year=2027
    )
    with pytest.raises(Conflict) as refused:
        services.system_archive(system=draft, actor=cast.office)
    assert refused.value.details == {"status": "draft", "allowed": ["activate"]}
    with pytest.raises(Conflict):
        services.system_activate(system=system, actor=cast.office)


def test_a_referenced_system_refuses_edits_that_rewrite_history(cast, system, referenced):
    standard = std(system, "1.1.1")
    for change in (
        {"points": Decimal("21")},
        {"text": "改写"},
        {"methods": ["material"]},
        {"code": "1.1.9"},
        {"is_hard": True},
    ):
        with pytest.raises(Conflict) as refused:
            services.standard_update(standard=standard, actor=cast.office, data=change)
        assert refused.value.code == "history_protected"
        assert "problems" in str(refused.value.message)
    with pytest.raises(Conflict):
        services.standard_delete(standard=standard, actor=cast.office)
    item = ChecklistItem.objects.get(system=system, code="MARKET-01")
    with pytest.raises(Conflict):
        services.checklist_item_update(
            item=item, actor=cast.office, data={"deduction": Decimal("1")}
        )
    with pytest.raises(Conflict):
        services.checklist_item_delete(item=item, actor=cast.office)
    with pytest.raises(Conflict):
        services.system_update(
            system=system, actor=cast.office, data={"weight_field": Decimal("50")}
        )
    standard.refresh_from_db()
    assert standard.points == Decimal("20") and standard.text == "主次干道路面干净整洁"
    assert Standard.objects.filter(system=system).count() == 6


def test_a_referenced_system_still_takes_owners_notes_and_routing(cast, system, referenced):
    standard = std(system, "1.1.1")
    services.standard_update(
        standard=standard,
        actor=cast.office,
        data={"lead_unit": cast.education_unit, "notes": "移交", "co_units": [cast.urban_unit]},
    )
    standard.refresh_from_db()
    assert standard.lead_unit == cast.education_unit
    assert list(standard.co_units.values_list("code", flat=True)) == ["URBAN"]
    item = ChecklistItem.objects.get(system=system, code="MARKET-01")
    services.checklist_item_update(
        item=item,
        actor=cast.office,
        data={
            "deadline_days": 4,
            "photo_required": False,
            "default_category_code": "dirty.appearance",
        },
    )
    item.refresh_from_db()
    assert (item.deadline_days, item.photo_required) == (4, False)
    # Adding a check does not change past results either.
    services.checklist_item_create(
        system=system,
        point_type=item.point_type,
        code="MARKET-09",
        text="新增检查",
        standard=standard,
        deduction="0.2",
        actor=cast.office,
    )
    event = StandardsEvent.objects.filter(system=system, action="standard.update").first()
    assert event.actor == cast.office
    assert event.data["changes"]["lead_unit"] == [cast.urban_unit.pk, cast.education_unit.pk]
    assert AuditEntry.objects.filter(action="standards.standard.update").exists()


def test_an_unreferenced_active_system_may_still_be_corrected(cast, system):
    services.standard_update(
        standard=std(system, "1.1.1"), actor=cast.office, data={"text": "主次干道路面整洁，无积水"}
    )
    assert std(system, "1.1.1").text == "主次干道路面整洁，无积水"


def test_an_archived_edition_is_read_only(cast, system):
    services.system_archive(system=system, actor=cast.office)
    with pytest.raises(Conflict) as refused:
        services.standard_update(
            standard=std(system, "1.1.1"), actor=cast.office, data={"notes": "x"}
        )
    assert refused.value.code == "system_archived"


def test_clone_copies_the_whole_tree_into_a_draft(cast, system):
    clone = services.system_clone(
        system=system, actor=cast.office, code="T-2027", name="下一版", edition_year=2027
    )
    assert clone.status == SystemStatus.DRAFT and clone.cloned_from == system
    for name in ("items", "indicators", "standards", "negative_entries", "checklist_items"):
        assert getattr(clone, name).count() == getattr(system, name).count(), name
    copied = std(clone, "1.2.1")
    assert sorted(copied.co_units.values_list("code", flat=True)) == ["EDU", "PSB"]
    assert copied.indicator.system == clone and copied.indicator.item.system == clone
    check = ChecklistItem.objects.get(system=clone, code="SCHOOL-01")
    assert check.standard.system == clone and check.standard.code == "2.1.1"
    # Every stored field of every tree table comes across, the keys translated.
    from django.forms.models import model_to_dict

    from wenming.standards.models import Clause, NegativeEffect

    skip = {"id", "system", "standard", "indicator", "item", "entry", "clause"}
    for model, key in ((Clause, "code"), (ChecklistItem, "code")):
        for old in model.objects.filter(system=system):
            new = model.objects.get(system=clone, **{key: getattr(old, key)})
            assert {k: v for k, v in model_to_dict(old).items() if k not in skip} == {
                k: v for k, v in model_to_dict(new).items() if k not in skip
            }, (model.__name__, getattr(old, key))
    assert ChecklistItem.objects.filter(system=clone, clause__system=clone).count() == (
        ChecklistItem.objects.filter(system=system, clause__isnull=False).count()
    )
    assert NegativeEffect.objects.filter(entry__system=clone).count() == (
        NegativeEffect.objects.filter(entry__system=system).count()
    ) > 0
    # Editing the clone leaves the edition in force untouched.
    services.standard_update(standard=copied, actor=cast.office, data={"points": Decimal("5")})
    assert std(system, "1.2.1").points == Decimal("10")


def test_only_an_unreferenced_draft_can_be_deleted(cast, system):
    with pytest.raises(Conflict):
        services.system_delete(system=system, actor=cast.office)
    clone = services.system_clone(
        system=system, actor=cast.office, code="T-2027", name="下一版", edition_year=2027
    )
    services.system_delete(system=clone, actor=cast.office)
    assert not EvaluationSystem.objects.filter(code="T-2027").exists()
    assert StandardsEvent.objects.filter(action="system.delete", target_code="T-2027").exists()


def test_tree_additions_check_codes_methods_and_parents(cast, system):
    draft = services.system_create(code="D-1", name="草案", edition_year=2027, actor=cast.office)
    item = services.item_create(system=draft, code="1", name="项目", actor=cast.office)
    indicator = services.indicator_create(item=item, code="1.1", name="指标", actor=cast.office)
    standard = services.standard_create(
        indicator=indicator,
        code="1.1.1",
        text="标准",
        points="2.5",
        methods=["field", "material"],
        co_units=[cast.urban_unit],
        actor=cast.office,
    )
    assert standard.methods == "material,field"
    with pytest.raises(InvalidInput):
        services.standard_create(
            indicator=indicator,
            code="1.1.2",
            text="x",
            points=1,
            methods=["telepathy"],
            actor=cast.office,
        )
    with pytest.raises(InvalidInput):
        services.standard_create(
            indicator=indicator, code="1.1.3", text="x", points=1, methods=[], actor=cast.office
        )
    with pytest.raises(InvalidInput):
        services.standard_create(
            indicator=indicator,
            code="abc",
            text="x",
            points=1,
            methods=["field"],
            actor=cast.office,
        )
    with pytest.raises(Conflict):
        services.standard_create(
            indicator=indicator,
            code="1.1.1",
            text="dup",
            points=1,
            methods=["field"],
            actor=cast.office,
        )
    other = Standard.objects.get(system=system, code="1.1.1")
    with pytest.raises(InvalidInput):
        services.standard_update(
            standard=standard, actor=cast.office, data={"indicator": other.indicator}
        )
    with pytest.raises(InvalidInput):
        services.negative_entry_create(
            system=draft, code="N1", text="x", penalty="deduct", actor=cast.office
        )
    entry = services.negative_entry_create(
        system=draft, code="N1", text="x", penalty="deduct", deduction=2, actor=cast.office
    )
    (effect,) = entry.effects.all()
    assert (effect.grade, effect.effect, effect.deduction) == (1, "deduct", 2)


def test_no_one_but_the_office_writes_the_rules(cast, system):
    standard = std(system, "1.1.1")
    for person in (cast.leader, cast.zhongshan, cast.urban, cast.inspector):
        with pytest.raises(NotAllowed):
            services.standard_update(standard=standard, actor=person, data={"notes": "x"})
        with pytest.raises(NotAllowed):
            services.system_clone(
                system=system, actor=person, code="Z", name="z", edition_year=2030
            )


def test_system_references_finds_rows_of_other_tables(cast, system, monkeypatch):
    assert services.system_references(system) == []
    # Counting this app's own tables as "other" shows the introspection at work: checklist
    # items refer to standards, events to the system.
    monkeypatch.setattr(rules, "OWN_APPS", frozenset())
    with translation.override("en"):
        found = services.system_references(system)
    assert "checklist items" in found and "standards events" in found


def test_point_types_in_use_cannot_be_deleted_but_can_be_retired(cast, system):
    market = PointType.objects.get(code="MARKET")
    with pytest.raises(Conflict):
        services.point_type_delete(point_type=market, actor=cast.office)
    services.point_type_update(
        point_type=market, actor=cast.office, data={"is_active": False, "sampling_weight": "3"}
    )
    market.refresh_from_db()
    assert (market.is_active, market.sampling_weight) == (False, Decimal("3"))
    with pytest.raises(InvalidInput):
        services.point_type_update(point_type=market, actor=cast.office, data={"code": "M2"})
    fresh = services.point_type_create(
        code="TOILET", name="公厕", group="facilities", actor=cast.office
    )
    services.point_type_delete(point_type=fresh, actor=cast.office)
    assert not PointType.objects.filter(code="TOILET").exists()


def test_checklist_items_must_test_a_standard_of_their_own_system(cast, system):
    clone = services.system_clone(
        system=system, actor=cast.office, code="T-2027", name="下一版", edition_year=2027
    )
    with pytest.raises(InvalidInput):
        services.checklist_item_create(
            system=clone,
            point_type=PointType.objects.get(code="PARK"),
            code="PARK-01",
            text="x",
            standard=std(system, "1.1.1"),
            deduction=1,
            actor=cast.office,
        )
    item = ChecklistItem.objects.get(system=clone, code="MARKET-01")
    with pytest.raises(InvalidInput):
        services.checklist_item_update(item=item, actor=cast.office, data={"deadline_days": 0})


def test_loading_the_same_draft_twice_replaces_it(cast):
    from .factories import small_spec

    first = small_system(code="R-1", status="draft")
    spec = small_spec(code="R-1", status="draft")
    spec.standards[0].text = "第二次导入"
    second = services.system_load(spec=spec, actor=cast.office)
    assert second.pk == first.pk
    assert std(second, "1.1.1").text == "第二次导入"
    assert Standard.objects.filter(system=second).count() == 6
