"""The evaluation-system API: the tree, point types with checklists, one checklist item."""

from wenming.standards import services
from wenming.standards.models import ChecklistItem


def test_every_working_role_reads_the_tree_in_force(cast, system, api_as):
    for person in cast.everyone:
        response = api_as(person).get("standards")
        assert response.status_code == 200, person
        body = response.json()
        assert body["system"]["code"] == "T-2026"
        assert [i["code"] for i in body["items"]] == ["1", "2"]
        standard = body["items"][1]["indicators"][0]["standards"][0]
        clauses = standard.pop("clauses")
        assert standard == {
            "id": standard["id"],
            "level": "content",
            "code": "2.1.1",
            "text": "学校周边无网吧",
            "points": 20.0,
            "methods": ["material", "field"],
            "is_hard": True,
            "lead_unit": "EDU",
            "co_units": ["URBAN"],
            "notes": "",
        }
        assert [c["code"] for c in clauses] == ["2.1.1.1"]
        assert {t["method"]: t["points"] for t in body["totals"]} == {
            "material": 40.0,
            "field": 40.0,
            "questionnaire": 20.0,
        }
        assert [e["code"] for e in body["negative_list"]] == ["N01", "N02"]


def test_a_draft_is_404_for_officers_and_visible_to_the_office(cast, system, api_as):
    services.system_clone(
        system=system, actor=cast.office, code="T-2027", name="草案", edition_year=2027
    )
    assert api_as(cast.office).get("standards", system="T-2027").status_code == 200
    response = api_as(cast.zhongshan).get("standards", system="T-2027")
    assert response.status_code == 404
    assert response.json()["error"] == "system_not_found"
    systems = api_as(cast.urban).get("evaluation-systems").json()
    assert [s["code"] for s in systems] == ["T-2026"]


def test_point_types_come_with_their_checklist(cast, system, api_as):
    body = api_as(cast.inspector).get("point-types").json()
    market = next(t for t in body if t["code"] == "MARKET")
    assert market["sampling_weight"] == 2.0
    assert [c["code"] for c in market["checklist"]] == ["MARKET-01", "MARKET-02", "MARKET-03"]
    check = market["checklist"][0]
    assert (
        check["standard"],
        check["deduction"],
        check["default_category_code"],
        check["deadline_days"],
        check["photo_required"],
    ) == ("1.1.1", 0.5, "dirty.sanitation", 2, True)


def test_one_checklist_item(cast, system, api_as):
    item = ChecklistItem.objects.get(system=system, code="SCHOOL-01")
    body = api_as(cast.inspector).get(f"checklist-items/{item.pk}").json()
    assert body["code"] == "SCHOOL-01" and body["deadline_days"] == 10
    assert api_as(cast.inspector).get("checklist-items/999999").status_code == 404


def test_no_system_and_no_token(cast, api_as):
    response = api_as(cast.office).get("standards")
    assert response.status_code == 404 and response.json()["error"] == "system_not_found"
    assert api_as(None).get("standards").status_code == 401
    assert api_as(None).get("point-types").json()["error"] == "unauthorized"
