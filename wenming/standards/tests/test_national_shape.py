"""The evaluation system in its national shape: the minors' system as a prerequisite with its
threshold, and the demo built that way (vetoes not scored twice, the handbook's point types,
checks with methods and sampling rules linked to clauses)."""

from decimal import Decimal

import pytest

from wenming.core.errors import InvalidInput
from wenming.org import demo as org_demo
from wenming.standards import demo, selectors, services
from wenming.standards.models import (
    ChecklistItem,
    Clause,
    EvaluationSystem,
    NegativeDomain,
    NegativeEffect,
    NegativeListEntry,
    PointType,
    SystemKind,
)
from wenming.standards.selectors import method_balance

# --- the prerequisite system ----------------------------------------------------------------


def minors(**kwargs) -> EvaluationSystem:
    return services.system_create(
        code=kwargs.pop("code", "MINORS-2026"),
        name="未成年人思想道德建设测评体系",
        edition_year=2026,
        kind=SystemKind.PREREQUISITE,
        actor=None,
        **kwargs,
    )


def test_a_prerequisite_system_has_a_threshold_of_85_unless_told(cast):
    assert minors().threshold == Decimal("85")
    assert minors(code="MINORS-B", threshold=Decimal("90")).threshold == Decimal("90")
    main = services.system_create(code="MAIN", name="主体系", edition_year=2026, actor=None)
    assert main.kind == SystemKind.MAIN and main.threshold is None


@pytest.mark.parametrize("threshold", [Decimal("100.01"), Decimal("-1"), Decimal("250")])
def test_a_threshold_outside_0_to_100_is_refused(cast, threshold):
    with pytest.raises(InvalidInput):
        minors(threshold=threshold)
    system = minors()
    with pytest.raises(InvalidInput):
        services.system_update(system=system, actor=cast.office, data={"threshold": threshold})
    system.refresh_from_db()
    assert system.threshold == Decimal("85")


def test_a_main_system_names_a_prerequisite_system_and_nothing_else(cast, system):
    prerequisite = minors()
    services.system_update(system=system, actor=cast.office, data={"prerequisite": prerequisite})
    system.refresh_from_db()
    assert system.prerequisite == prerequisite
    assert list(prerequisite.main_systems.all()) == [system]
    other_main = services.system_create(code="MAIN2", name="另一主体系", edition_year=2026)
    with pytest.raises(InvalidInput):
        services.system_update(system=system, actor=cast.office, data={"prerequisite": other_main})
    with pytest.raises(InvalidInput):
        services.system_update(
            system=prerequisite, actor=cast.office, data={"prerequisite": prerequisite}
        )
    # A clone keeps the pair, so next year's draft still names its prerequisite.
    clone = services.system_clone(
        system=system, actor=cast.office, code="T-2027", name="草案", edition_year=2027
    )
    assert clone.prerequisite == prerequisite and clone.kind == SystemKind.MAIN


def test_putting_the_minors_system_in_force_leaves_the_main_one_in_force(cast, system):
    prerequisite = minors()
    services.standard_create(
        indicator=services.indicator_create(
            item=services.item_create(system=prerequisite, code="1", name="学校德育", actor=None),
            code="1.1",
            name="德育",
            actor=None,
        ),
        code="1.1.1",
        text="学校德育工作",
        points=100,
        methods=["material"],
        actor=None,
    )
    services.system_update(
        system=prerequisite,
        actor=cast.office,
        data={
            "weight_material": Decimal("100"),
            "weight_field": Decimal("0"),
            "weight_questionnaire": Decimal("0"),
        },
    )
    services.system_activate(system=prerequisite, actor=cast.office)
    system.refresh_from_db()
    assert system.status == "active"
    # The system in force, for every page that says "the current system", is the main one.
    assert selectors.system_current(actor=cast.zhongshan) == system


def test_the_office_sets_the_threshold_on_a_page_and_a_bad_one_is_a_400(cast, page_as):
    prerequisite = minors()
    client = page_as(cast.office)
    url = f"/standards/{prerequisite.code}/rules/"
    assert client.get(url).status_code == 200
    refused = client.post(url, {"kind": "prerequisite", "threshold": "120"})
    assert refused.status_code == 400 and "门槛分须在0至100之间" in refused.content.decode()
    prerequisite.refresh_from_db()
    assert prerequisite.threshold == Decimal("85")
    assert client.post(url, {"kind": "prerequisite", "threshold": "80"}).status_code == 302
    prerequisite.refresh_from_db()
    assert prerequisite.threshold == Decimal("80")
    assert page_as(cast.zhongshan).get(url).status_code == 403


def test_api_shows_kind_threshold_and_prerequisite_and_the_office_changes_them(
    cast, system, api_as
):
    prerequisite = minors()
    services.system_update(system=system, actor=cast.office, data={"prerequisite": prerequisite})
    body = {s["code"]: s for s in api_as(cast.office).get("evaluation-systems").json()}
    assert (body["T-2026"]["kind"], body["T-2026"]["prerequisite"]) == ("main", "MINORS-2026")
    assert body["T-2026"]["threshold"] is None
    assert (body["MINORS-2026"]["kind"], body["MINORS-2026"]["threshold"]) == (
        "prerequisite",
        85.0,
    )
    office = api_as(cast.office)
    url = "/api/v1/evaluation-systems/MINORS-2026"

    def patch(client, payload):
        return client.client.patch(
            url, payload, content_type="application/json", headers=client.headers
        )

    refused = patch(office, {"threshold": 101})
    assert refused.status_code == 400 and refused.json()["error"] == "threshold_out_of_range"
    assert patch(office, {"threshold": 90}).json()["threshold"] == 90.0
    assert patch(api_as(cast.leader), {"threshold": 70}).status_code == 403
    assert EvaluationSystem.objects.get(code="MINORS-2026").threshold == Decimal("90")
    # Officers never see the draft prerequisite; the main system in force still names it.
    officer = {s["code"] for s in api_as(cast.zhongshan).get("evaluation-systems").json()}
    assert officer == {"T-2026"}


# --- the demo ---------------------------------------------------------------------------------


def test_the_demo_has_the_national_shape(db):
    org_demo.load(scale="small")
    demo.load(scale="small")
    main = EvaluationSystem.objects.get(code=demo.content.DEMO_SYSTEM_CODE)
    prerequisite = EvaluationSystem.objects.get(code=demo.content.DEMO_MINORS_CODE)
    assert (prerequisite.kind, prerequisite.threshold, prerequisite.status) == (
        "prerequisite",
        Decimal("85"),
        "active",
    )
    assert main.kind == "main" and main.prerequisite == prerequisite and main.status == "active"
    assert EvaluationSystem.objects.get(code=demo.content.DEMO_NEXT_CODE).prerequisite == (
        prerequisite
    )
    for system in (main, prerequisite):
        assert all(row["ok"] for row in method_balance(system=system)), system.code
        assert Clause.objects.filter(system=system).count() > system.standards.count()
    # Four levels, methods per clause: a line tested in the field has its own field clause.
    mixed = Clause.objects.filter(system=main, standard__methods="material,field")
    assert mixed.filter(points_field__gt=0, points_material=0).exists()
    assert mixed.filter(points_material__gt=0, points_field=0).exists()

    # The hard requirements are vetoes, scored nowhere.
    assert not main.standards.filter(is_hard=True).exists()
    assert not main.standards.filter(text__contains="近12个月").exists()
    vetoes = NegativeListEntry.objects.filter(system=main, is_veto=True)
    assert vetoes.count() >= 5
    assert set(NegativeListEntry.objects.filter(system=main).values_list("domain", flat=True)) == (
        set(NegativeDomain.values)
    )
    graded = NegativeEffect.objects.filter(entry__system=main, grade__gte=2)
    assert graded.values("entry").distinct().count() >= 5
    assert set(
        NegativeEffect.objects.filter(entry__system=main).values_list("effect", flat=True)
    ) == {
        "deduct",
        "suspend_nomination",
        "suspend_title",
        "revoke_title",
    }

    # The handbook's point types, virtual ones among them, each with English names.
    types = PointType.objects.all()
    assert types.count() >= 40
    assert not types.filter(name_en="").exists()
    assert set(types.filter(is_virtual=True).values_list("code", flat=True)) == {
        "HOTLINE_12345",
        "CONSUMER_LINE",
    }
    for code in ("BANK", "TELECOM", "POST_OFFICE", "CITY_BUS", "TAXI", "HOTEL", "RESTAURANT"):
        assert ChecklistItem.objects.filter(system=main, point_type__code=code).exists(), code
    # The minors' system checks its own places.
    assert set(
        ChecklistItem.objects.filter(system=prerequisite).values_list("point_type__code", flat=True)
    ) == {"SCHOOL", "INTERNET_CAFE", "CHILDREN_CENTRE"}

    # Checks as the forms have them: linked to a clause of their line, with methods and rules.
    checks = ChecklistItem.objects.filter(system__in=[main, prerequisite])
    assert not checks.filter(clause=None).exists()
    assert not checks.exclude(clause__standard=models_f("standard")).exists()
    assert set(checks.values_list("observation", flat=True)) == {
        "simulated",
        "record",
        "observation",
    }
    assert checks.filter(scoring="score_rate").exists() and checks.filter(scoring="pass_fail")
    walk = checks.get(system=prerequisite, code="SCHOOL-02")
    assert (walk.sample_route_m, walk.sample_spacing_m) == (200, 20)
    assert checks.filter(sample_minutes=5, point_type__code="INTERSECTION").exists()
    calls = checks.get(system=main, code="HOTLINE_12345-01")
    assert (calls.observation, calls.scoring, calls.sample_count) == ("simulated", "score_rate", 3)


def models_f(name):
    from django.db.models import F

    return F(name)


def test_workbook_round_trip_keeps_kind_threshold_and_prerequisite(cast, system):
    import io

    from wenming.standards.workbook import export_workbook, parse_workbook

    prerequisite = minors(threshold=Decimal("88"))
    services.system_update(system=system, actor=cast.office, data={"prerequisite": prerequisite})
    system.refresh_from_db()
    for chosen, expected in (
        (system, ("main", None, "MINORS-2026")),
        (prerequisite, ("prerequisite", Decimal("88.00"), "")),
    ):
        buffer = io.BytesIO()
        export_workbook(chosen, buffer, actor=cast.office)
        spec = parse_workbook(io.BytesIO(buffer.getvalue())).spec.system
        assert (spec.kind, spec.threshold, spec.prerequisite) == expected


def test_a_point_page_shows_the_prerequisite_system_s_checks_too(cast, system, page_as):
    prerequisite = minors()
    line = services.standard_create(
        indicator=services.indicator_create(
            item=services.item_create(system=prerequisite, code="1", name="校园周边", actor=None),
            code="1.1",
            name="周边环境",
            actor=None,
        ),
        code="1.1.1",
        text="学校周边200米内无网吧",
        points=100,
        methods=["field"],
        actor=None,
    )
    services.checklist_item_create(
        system=prerequisite,
        point_type=PointType.objects.get(code="SCHOOL"),
        code="M-SCHOOL-01",
        text="校门外200米内网吧0家",
        standard=line,
        deduction="1",
        sample_route_m=200,
        sample_spacing_m=20,
        actor=None,
    )
    services.system_update(system=system, actor=cast.office, data={"prerequisite": prerequisite})
    page = page_as(cast.office).get("/points/ZS-SCH-1/").content.decode()
    assert 'data-testid="checklist-main"' in page and 'data-testid="checklist-prerequisite"' in page
    assert "校门外200米内网吧0家" in page
    # An officer does not see a draft prerequisite, nor its checks.
    officer = page_as(cast.zhongshan).get("/points/ZS-SCH-1/").content.decode()
    assert "校门外200米内网吧0家" not in officer
