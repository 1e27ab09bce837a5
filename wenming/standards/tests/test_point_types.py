"""Point types and checks as the handbook's forms have them: virtual points, retiring a type
with open work, observation methods, sampling rules and the score rate beside points."""

import io
from decimal import Decimal

import openpyxl
import pytest

from wenming.core.errors import Conflict, InvalidInput
from wenming.points.models import Point
from wenming.standards import services
from wenming.standards.models import ChecklistItem, Clause, PointType, Standard
from wenming.standards.scoring import Observed, checklist_score, places_on_route
from wenming.standards.workbook import export_workbook, parse_workbook
from wenming.testing.inspections import drawn_round

# --- the score rate (pure) ------------------------------------------------------------------


def test_score_rate_is_places_passed_over_places_observed_beside_points():
    score = checklist_score(
        [
            # walk 200 m, one place per 20 m: 10 places, 7 passed; loses 3/10 of 1.0
            Observed(Decimal("1.0"), "score_rate", observed=10, passed=7),
            Observed(Decimal("0.5"), "pass_fail", observed=1, passed=0),  # loses all 0.5
            Observed(Decimal("0.3"), "pass_fail"),  # passed
            Observed(Decimal("2.0"), "score_rate", observed=0, passed=0),  # not observed
        ]
    )
    assert (score.observed, score.passed) == (12, 8)
    assert score.rate == Decimal("0.6667") and score.percent == Decimal("66.7")
    assert score.points_possible == Decimal("1.8")
    assert score.points_lost == Decimal("0.80")
    assert score.points == Decimal("1.00")


def test_score_rate_is_not_the_mean_of_the_checks_rates():
    # 1 of 1 and 1 of 9: the mean of rates would be 55.6 %, the forms report 2 ÷ 10.
    score = checklist_score(
        [
            Observed(Decimal("1"), "pass_fail"),
            Observed(Decimal("1"), "score_rate", observed=9, passed=1),
        ]
    )
    assert score.percent == Decimal("20.0")


def test_nothing_observed_has_no_rate_and_bad_observations_are_refused():
    empty = checklist_score([])
    assert empty.rate is None and empty.percent is None and empty.points == 0
    with pytest.raises(ValueError):
        Observed(Decimal("1"), "score_rate", observed=3, passed=4)
    with pytest.raises(ValueError):
        Observed(Decimal("1"), "pass_fail", observed=2, passed=1)
    with pytest.raises(ValueError):
        Observed(Decimal("1"), "guess")


def test_a_walk_counts_its_places():
    assert places_on_route(route_m=200, spacing_m=20) == 10
    assert places_on_route(route_m=None, spacing_m=20) is None


# --- point types ------------------------------------------------------------------------------


def test_office_adds_a_virtual_point_type_on_the_page(cast, system, page_as):
    client = page_as(cast.office)
    response = client.post(
        "/standards/point-types/new/",
        {
            "code": "HOTLINE_12345",
            "name": "12345热线",
            "name_en": "12345 hotline",
            "group": "virtual",
            "sampling_weight": "1",
            "description": "拨打热线，记录是否接通",
            "is_virtual": "on",
        },
    )
    assert response.status_code == 302
    hotline = PointType.objects.get(code="HOTLINE_12345")
    assert hotline.is_virtual and hotline.is_active and hotline.group == "virtual"
    page = client.get("/standards/point-types/HOTLINE_12345/").content.decode()
    assert 'data-testid="virtual"' in page
    again = client.post(
        "/standards/point-types/new/",
        {"code": "HOTLINE_12345", "name": "重复", "group": "virtual", "sampling_weight": "1"},
    )
    assert again.status_code == 409
    assert page_as(cast.zhongshan).get("/standards/point-types/new/").status_code == 403


def test_retiring_a_type_with_open_problems_is_409_naming_them(cast, system, page_as):
    from wenming.problems.tests.factories import report

    point = Point.objects.get(code="ZS-MKT-1")
    problem = report(cast.office, region=point.region, point=point, title="地面积水")
    market = PointType.objects.get(code="MARKET")
    assert services.point_type_open_work(market) == {"problems": [problem.code]}
    with pytest.raises(Conflict) as refused:
        services.point_type_update(point_type=market, actor=cast.office, data={"is_active": False})
    assert problem.code in str(refused.value.message)
    assert refused.value.details["open"] == {"problems": [problem.code]}
    market.refresh_from_db()
    assert market.is_active

    form = {"name": "农贸市场", "group": "commerce", "sampling_weight": "3"}
    response = page_as(cast.office).post("/standards/point-types/MARKET/edit/", form)
    assert response.status_code == 409 and problem.code in response.content.decode()
    market.refresh_from_db()
    assert market.is_active and market.sampling_weight == Decimal("2")

    # Re-weighting alone is not retiring; a type without open work retires.
    services.point_type_update(
        point_type=market, actor=cast.office, data={"sampling_weight": Decimal("3")}
    )
    park = PointType.objects.get(code="PARK")
    services.point_type_update(point_type=park, actor=cast.office, data={"is_active": False})
    park.refresh_from_db()
    assert not park.is_active and PointType.objects.get(code="MARKET").sampling_weight == 3


# --- checks with their method and sampling rule ------------------------------------------------


def test_office_adds_a_check_with_its_sampling_rule_and_clause(cast, system, page_as):
    line = Standard.objects.get(system=system, code="1.1.1")
    clause = Clause.objects.get(standard=line, number=1)
    response = page_as(cast.office).post(
        "/standards/point-types/SCHOOL/checks/new/?system=T-2026",
        {
            "code": "SCHOOL-09",
            "text": "校门外200米内可见垃圾不超过2处",
            "standard": line.pk,
            "clause": clause.pk,
            "deduction": "0.5",
            "observation": "observation",
            "scoring": "score_rate",
            "sample_route_m": "200",
            "sample_spacing_m": "20",
            "sampling_note": "从校门起步行200米，每20米计一处",
            "photo_required": "on",
            "default_category_code": "dirty.appearance",
            "deadline_days": "3",
        },
    )
    assert response.status_code == 302
    check = ChecklistItem.objects.get(system=system, code="SCHOOL-09")
    assert (check.clause, check.scoring, check.sample_route_m, check.sample_spacing_m) == (
        clause,
        "score_rate",
        200,
        20,
    )
    page = page_as(cast.inspector).get("/standards/point-types/SCHOOL/?system=T-2026")
    text = page.content.decode()
    assert "从校门起步行200米，每20米计一处" in text and 'data-testid="sampling-rule"' in text
    # The inspector reads the rule on the point of a visit assigned to them (inspections).
    drawn_round(
        office=cast.office, system=system, regions=[cast.city], team=[cast.inspector],
        type_codes=["SCHOOL"],
    )
    point_page = page_as(cast.inspector).get("/points/ZS-SCH-1/").content.decode()
    assert "从校门起步行200米，每20米计一处" in point_page


def test_a_check_s_clause_must_be_of_its_line_and_a_place_shorter_than_the_walk(cast, system):
    school = PointType.objects.get(code="SCHOOL")
    line = Standard.objects.get(system=system, code="1.1.1")
    other = Clause.objects.get(system=system, code="1.2.1.1")
    common = {"system": system, "point_type": school, "standard": line, "actor": cast.office}
    with pytest.raises(InvalidInput):
        services.checklist_item_create(
            code="S-X", text="x", deduction="0.1", clause=other, **common
        )
    with pytest.raises(InvalidInput):
        services.checklist_item_create(
            code="S-Y", text="y", deduction="0.1", sample_route_m=20, sample_spacing_m=50, **common
        )
    with pytest.raises(InvalidInput):
        services.checklist_item_create(
            code="S-Z", text="z", deduction="0.1", observation="guesswork", **common
        )
    assert not ChecklistItem.objects.filter(code__in=["S-X", "S-Y", "S-Z"]).exists()


def test_the_sampling_rule_is_editable_in_force_but_the_scoring_is_history(
    cast, system, monkeypatch
):
    from wenming.standards.services import rules

    monkeypatch.setattr(rules, "system_references", lambda system: ["problems"])
    check = ChecklistItem.objects.get(system=system, code="MARKET-01")
    services.checklist_item_update(
        item=check, actor=cast.office, data={"sample_count": 20, "sampling_note": "抽查20个摊位"}
    )
    check.refresh_from_db()
    assert check.sample_count == 20
    with pytest.raises(Conflict):
        services.checklist_item_update(
            item=check, actor=cast.office, data={"scoring": "score_rate"}
        )


def test_api_gives_each_check_its_method_and_sampling_rule(cast, system, api_as):
    check = ChecklistItem.objects.get(system=system, code="MARKET-01")
    clause = Clause.objects.get(system=system, code="1.1.1.1")
    services.checklist_item_update(
        item=check,
        actor=cast.office,
        data={
            "clause": clause,
            "observation": "record",
            "sample_count": 20,
            "sampling_note": "抽查20个摊位",
        },
    )
    for person in (cast.inspector, cast.zhongshan, cast.office):
        body = api_as(person).get("point-types").json()
        market = next(t for t in body if t["code"] == "MARKET")
        assert market["is_virtual"] is False
        row = next(c for c in market["checklist"] if c["code"] == "MARKET-01")
        assert row["observation"] == "record" and row["scoring"] == "pass_fail"
        assert row["clause"] == "1.1.1.1"
        assert row["sampling"] == {
            "route_m": None,
            "spacing_m": None,
            "minutes": None,
            "count": 20,
            "note": "抽查20个摊位",
        }
        other = next(c for c in market["checklist"] if c["code"] == "MARKET-02")
        assert other["sampling"] is None
        one = api_as(person).get(f"checklist-items/{check.pk}").json()
        assert one["sampling"]["count"] == 20


def test_workbook_round_trip_keeps_methods_sampling_and_virtual_types(cast, system):
    check = ChecklistItem.objects.get(system=system, code="SCHOOL-01")
    services.checklist_item_update(
        item=check,
        actor=cast.office,
        data={
            "observation": "simulated",
            "sample_route_m": 200,
            "sample_spacing_m": 20,
            "sample_minutes": 5,
            "sample_count": 3,
            "sampling_note": "从校门起步行200米",
            "clause": Clause.objects.get(system=system, code="2.1.1.1"),
        },
    )
    services.point_type_create(
        code="CONSUMER_LINE", name="消费投诉渠道", group="virtual", is_virtual=True, actor=None
    )
    buffer = io.BytesIO()
    export_workbook(system, buffer, actor=cast.office)
    parsed = parse_workbook(io.BytesIO(buffer.getvalue()))
    assert parsed.problems == []
    row = next(c for c in parsed.spec.checklist if c.code == "SCHOOL-01")
    assert (
        row.observation,
        row.scoring,
        row.clause_code,
        row.sample_route_m,
        row.sample_spacing_m,
        row.sample_minutes,
        row.sample_count,
        row.sampling_note,
    ) == ("simulated", "pass_fail", "2.1.1.1", 200, 20, 5, 3, "从校门起步行200米")
    virtual = next(t for t in parsed.spec.point_types if t.code == "CONSUMER_LINE")
    assert virtual.is_virtual and virtual.group == "virtual"


def test_a_bad_sampling_cell_names_its_row(cast, system):
    buffer = io.BytesIO()
    export_workbook(system, buffer, actor=cast.office)
    workbook = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    sheet = workbook["检查项"]
    headers = [c.value for c in sheet[1]]
    sheet.cell(row=3, column=headers.index("观察次数") + 1, value=0)
    sheet.cell(row=4, column=headers.index("检查方式") + 1, value="猜测")
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(InvalidInput) as refused:
        services.workbook_import(file=io.BytesIO(out.getvalue()), actor=cast.office)
    errors = [e for e in refused.value.details["errors"] if e["sheet"] == "检查项"]
    assert {(e["row"], e["column"]) for e in errors} == {
        (3, openpyxl.utils.get_column_letter(headers.index("观察次数") + 1)),
        (4, openpyxl.utils.get_column_letter(headers.index("检查方式") + 1)),
    }

