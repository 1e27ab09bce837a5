"""Level IV: standard clauses with their own points per method and owners (issue 11)."""

from decimal import Decimal

import pytest

from wenming.core.errors import Conflict, InvalidInput, NotAllowed
from wenming.org.models import Unit
from wenming.standards import selectors, services
from wenming.standards.models import Clause, Standard, StandardsEvent


def line(system, code):
    return Standard.objects.get(system=system, code=code)


@pytest.fixture
def draft(cast, system):
    return services.system_clone(
        system=system, actor=cast.office, code="T-2027", name="草案", edition_year=2027
    )


def test_every_content_line_has_its_first_clause_with_its_points_split(cast, system):
    mixed = line(system, "2.1.1")  # 20 points, material + field
    (clause,) = mixed.clauses.all()
    assert (clause.code, clause.number, clause.text) == ("2.1.1.1", 1, mixed.text)
    assert (clause.points, clause.points_material, clause.points_field) == (20, 10, 10)
    assert clause.method_list == ["material", "field"]
    assert clause.effective_lead_unit.code == "EDU"
    assert [u.code for u in clause.effective_co_units] == ["URBAN"]
    # A clause worth nothing takes its line's methods.
    assert line(system, "2.1.2").clauses.get().method_list == ["field"]


def test_clauses_are_added_edited_and_deleted_and_the_line_follows(cast, draft):
    standard = line(draft, "1.2.2")  # 20 points, questionnaire
    psb = Unit.objects.get(code="PSB")
    added = services.clause_create(
        standard=standard,
        text="材料齐全",
        points="6",
        points_material="4",
        points_questionnaire="2",
        lead_unit=psb,
        actor=cast.office,
    )
    assert (added.code, added.number) == ("1.2.2.2", 2)
    assert added.get_methods_display() == "材料审核 / 问卷调查"
    assert added.effective_lead_unit == psb
    standard.refresh_from_db()
    assert standard.points == Decimal("26")
    assert standard.methods == "material,questionnaire"
    services.clause_update(
        clause=added,
        actor=cast.office,
        data={"points": "5", "points_material": "5", "points_questionnaire": "0", "number": 3},
    )
    added.refresh_from_db()
    assert (added.code, added.method_list) == ("1.2.2.3", ["material"])
    standard.refresh_from_db()
    assert standard.points == Decimal("25")
    # A line with several clauses is re-weighted clause by clause, not as a whole.
    with pytest.raises(InvalidInput, match="1.2.2"):
        services.standard_update(standard=standard, actor=cast.office, data={"points": "30"})
    # Renumbering the line renumbers its clauses.
    services.standard_update(standard=standard, actor=cast.office, data={"code": "1.2.9"})
    assert sorted(Clause.objects.filter(standard=standard).values_list("code", flat=True)) == [
        "1.2.9.1",
        "1.2.9.3",
    ]
    services.clause_delete(
        clause=Clause.objects.get(code="1.2.9.3", system=draft), actor=cast.office
    )
    standard.refresh_from_db()
    assert (standard.points, standard.methods) == (Decimal("20"), "questionnaire")
    with pytest.raises(Conflict, match="1.2.9.1"):
        services.clause_delete(clause=standard.clauses.get(), actor=cast.office)
    actions = list(
        StandardsEvent.objects.filter(system=draft, target_type="clause")
        .order_by("pk")
        .values_list("action", "target_code")
    )
    assert actions == [
        ("clause.create", "1.2.2.2"),
        ("clause.update", "1.2.2.3"),
        ("clause.delete", "1.2.9.3"),
    ]


def test_a_one_clause_line_reweighted_moves_its_clause(cast, draft):
    standard = line(draft, "1.1.1")
    services.standard_update(
        standard=standard,
        actor=cast.office,
        data={"points": "12", "methods": ["field", "material"]},
    )
    clause = standard.clauses.get()
    assert (clause.points, clause.points_material, clause.points_field) == (12, 6, 6)


def test_bad_clauses_are_refused_naming_the_clause(cast, draft):
    standard = line(draft, "1.1.1")
    with pytest.raises(InvalidInput, match="1.1.1.2") as refused:
        services.clause_create(
            standard=standard, text="x", points="5", points_field="3", actor=cast.office
        )
    assert refused.value.code == "clause_points_do_not_add_up"
    with pytest.raises(InvalidInput, match="1.1.1.2") as refused:
        services.clause_create(standard=standard, text="x", points="5", actor=cast.office)
    assert refused.value.code == "clause_has_no_method"
    with pytest.raises(InvalidInput, match="1.1.1.2"):
        services.clause_create(
            standard=standard, text="x", points="-1", points_field="-1", actor=cast.office
        )
    with pytest.raises(Conflict):
        services.clause_create(
            standard=standard, text="x", number=1, points="1", points_field="1", actor=cast.office
        )
    clause = standard.clauses.get()
    with pytest.raises(InvalidInput, match="1.1.1.1"):
        services.clause_update(clause=clause, actor=cast.office, data={"points_field": "3"})
    assert Clause.objects.filter(standard=standard).count() == 1


def test_only_the_office_writes_clauses_and_history_is_protected(cast, system, draft):
    clause = line(draft, "1.1.1").clauses.get()
    for person in (cast.leader, cast.zhongshan, cast.urban, cast.inspector):
        with pytest.raises(NotAllowed):
            services.clause_update(clause=clause, actor=person, data={"notes": "x"})
    services.clause_update(clause=clause, actor=cast.office, data={"notes": "见附件"})
    clause.refresh_from_db()
    assert clause.notes == "见附件"
    archived = services.system_archive(system=system, actor=cast.office)
    with pytest.raises(Conflict):
        services.clause_update(
            clause=line(archived, "1.1.1").clauses.get(), actor=cast.office, data={"notes": "x"}
        )


def test_the_method_balance_adds_the_clauses_points(cast, draft):
    assert {r["method"]: r["points"] for r in selectors.method_balance(system=draft)} == {
        "material": 40,
        "field": 40,
        "questionnaire": 20,
    }
    services.clause_create(
        standard=line(draft, "1.1.1"),
        text="问卷",
        points="3",
        points_questionnaire="3",
        actor=cast.office,
    )
    totals = {r["method"]: r["points"] for r in selectors.method_balance(system=draft)}
    assert totals["questionnaire"] == 23


def test_the_api_returns_four_levels_each_with_its_level(cast, system, api_as):
    services.system_clone(
        system=system, actor=cast.office, code="T-2027", name="草案", edition_year=2027
    )
    draft = selectors.system_get(actor=cast.office, code="T-2027")
    services.clause_create(
        standard=line(draft, "1.1.2"),
        text="档案完整",
        points="2",
        points_material="1.5",
        points_field="0.5",
        lead_unit=Unit.objects.get(code="PSB"),
        actor=cast.office,
    )
    body = api_as(cast.office).get("standards", system="T-2027").json()
    item = body["items"][0]
    indicator = item["indicators"][0]
    content = indicator["standards"][1]
    assert (item["level"], indicator["level"], content["level"]) == ("item", "indicator", "content")
    assert [c["level"] for c in content["clauses"]] == ["clause", "clause"]
    first, second = content["clauses"]
    assert first["effective_lead_unit"] == "URBAN" and first["lead_unit"] is None
    assert first["effective_co_units"] == ["PSB"]
    assert second == {
        "id": second["id"],
        "level": "clause",
        "code": "1.1.2.2",
        "number": 2,
        "text": "档案完整",
        "points": 2.0,
        "methods": ["material", "field"],
        "method_points": {"material": 1.5, "field": 0.5, "questionnaire": 0.0},
        "lead_unit": "PSB",
        "co_units": [],
        "effective_lead_unit": "PSB",
        "effective_co_units": ["PSB"],
        "notes": "",
    }
    assert content["points"] == 32.0


def test_the_system_page_shows_each_line_with_its_clauses_and_their_methods(cast, system, page_as):
    draft = services.system_clone(
        system=system, actor=cast.office, code="T-2027", name="草案", edition_year=2027
    )
    services.clause_create(
        standard=line(draft, "1.1.2"),
        text="档案完整",
        points="2",
        points_material="1.5",
        points_field="0.5",
        lead_unit=Unit.objects.get(code="PSB"),
        actor=cast.office,
    )
    page = page_as(cast.office).get("/standards/T-2027/").content.decode()
    assert page.count('data-testid="clause-row"') == 7
    assert "1.1.2.2" in page and "2) 档案完整" in page
    assert "材料审核 1.50 / 实地考察 0.50" in page
    assert "共 7 条测评标准。" in page


def test_a_unit_sees_the_lines_it_owns_through_a_clause(cast, system, page_as):
    draft = services.system_clone(
        system=system, actor=cast.office, code="T-2027", name="草案", edition_year=2027
    )
    psb = Unit.objects.get(code="PSB")
    assert not selectors.standards_of_unit(actor=cast.office, system=draft, unit=psb).filter(
        code="1.2.2"
    )
    services.clause_create(
        standard=line(draft, "1.2.2"),
        text="治安问卷",
        points="2",
        points_questionnaire="2",
        lead_unit=psb,
        actor=cast.office,
    )
    mine = selectors.standards_of_unit(actor=cast.office, system=draft, unit=psb)
    assert "1.2.2" in set(mine.values_list("code", flat=True))
    page = page_as(cast.office).get("/standards/mine/", {"system": "T-2027", "unit": "PSB"})
    html = page.content.decode()
    assert "1.2.2.2" in html and "2) 治安问卷" in html
    # 1.1.2's one clause has no owners of its own: PSB supports it as it supports the line.
    roles = {
        clause.code: role
        for s in selectors.unit_clause_roles(standards=mine, unit=psb)
        for clause, role in s.unit_clauses
    }
    assert roles["1.2.2.2"] == "lead" and roles["1.1.2.1"] == "co"
    assert "1.2.2.1" not in roles


def test_the_matrix_counts_a_clause_owner_as_supporting_its_line(cast, system):
    draft = services.system_clone(
        system=system, actor=cast.office, code="T-2027", name="草案", edition_year=2027
    )
    services.clause_create(
        standard=line(draft, "1.2.2"),
        text="治安问卷",
        points="2",
        points_questionnaire="2",
        co_units=[Unit.objects.get(code="EDU")],
        actor=cast.office,
    )
    matrix = selectors.responsibility_matrix(actor=cast.office, system=draft)
    units = [u.code for u in matrix["units"]]
    row = next(r for r in matrix["rows"] if r["standard"].code == "1.2.2")
    assert dict(zip(units, row["cells"], strict=True))["EDU"] == "co"
