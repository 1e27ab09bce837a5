"""The office plans a round in the pages and draws it; bad input is refused field by field."""

from wenming.inspections.models import InspectionEvent, Round, RoundStatus, Visit


def _post(cast, system, **extra):
    data = {
        "code": "R2026-12",
        "name": "十二月督查",
        "kind": "supervision",
        "system": system.pk,
        "regions": [cast.city.pk],
        "opens_on": "2026-12-01",
        "closes_on": "2026-12-20",
        "assign_mode": "balanced",
        "plan-MARKET-mode": "random",
        "plan-MARKET-size": "1",
        "plan-MARKET-by_district": "1",
        "plan-SCHOOL-mode": "all",
    }
    data.update(extra)
    return data


def test_the_office_plans_and_draws_a_round_in_the_pages(cast, system, page_as):
    office = page_as(cast.office)
    assert 'data-testid="plan-round"' in office.get("/inspections/").content.decode()
    assert office.get("/inspections/rounds/new/").status_code == 200
    response = office.post("/inspections/rounds/new/", _post(cast, system))
    round_ = Round.objects.get(code="R2026-12")
    assert (
        response.status_code == 302 and response["Location"] == f"/inspections/rounds/{round_.pk}/"
    )
    plans = {p.point_type.code: (p.mode, p.size, p.by_district) for p in round_.plans.all()}
    assert plans == {"MARKET": ("random", 1, True), "SCHOOL": ("all", 0, False)}
    page = office.get(f"/inspections/rounds/{round_.pk}/").content.decode()
    assert 'data-testid="draw"' in page
    drawn = office.post(
        f"/inspections/rounds/{round_.pk}/draw/",
        {"people": [cast.inspector.pk, cast.evaluator.pk], "pairs": "on"},
    )
    assert drawn.status_code == 302
    round_.refresh_from_db()
    assert round_.status == RoundStatus.OPEN
    visits = Visit.objects.filter(round=round_)
    # One market drawn (size 1, the district drawn in proportion), every active school.
    codes = set(visits.values_list("point__code", flat=True))
    assert len(codes) == 2 and "ZS-SCH-1" in codes and codes & {"ZS-MKT-1", "GJZ-MKT-1"}
    assert all(
        set(v.team.values_list("username", flat=True)) == {"evaluator", "inspector"} for v in visits
    )
    assert InspectionEvent.objects.filter(round=round_, action="round_draw").exists()
    # A second draw is refused with the reason; nothing changes.
    again = office.post(
        f"/inspections/rounds/{round_.pk}/draw/", {"people": [cast.inspector.pk]}, follow=True
    )
    assert again.status_code == 200 and visits.count() == 2


def test_bad_plans_are_refused_field_by_field_and_nothing_is_saved(cast, system, page_as):
    office = page_as(cast.office)
    bad = office.post(
        "/inspections/rounds/new/",
        _post(cast, system, closes_on="2026-11-01", **{"plan-MARKET-size": "x"}),
    )
    page = bad.content.decode()
    assert bad.status_code == 400 and 'data-testid="round-errors"' in page
    assert "R2026-12" in page  # what was typed is kept
    none = office.post(
        "/inspections/rounds/new/",
        {k: v for k, v in _post(cast, system).items() if not k.startswith("plan-")},
    )
    assert none.status_code == 400
    assert not Round.objects.exists()


def test_only_the_office_plans_rounds(cast, system, page_as):
    for person in (cast.leader, cast.zhongshan, cast.inspector):
        client = page_as(person)
        assert client.get("/inspections/rounds/new/").status_code == 403
        assert client.post("/inspections/rounds/new/", _post(cast, system)).status_code == 403
    assert not Round.objects.exists()


def test_the_office_reassigns_a_visit_and_the_log_says_who_had_it(cast, drawn, page_as):
    from wenming.inspections.models import InspectionEvent

    office = page_as(cast.office)
    assert (
        'data-testid="reassign"' in office.get(f"/inspections/rounds/{drawn.pk}/").content.decode()
    )
    visit = drawn.visits.select_related("point").first()
    response = office.post(
        f"/inspections/rounds/{drawn.pk}/reassign/",
        {"point": visit.point.code, "people": [cast.evaluator.pk], "reason": "病假"},
    )
    assert response.status_code == 302
    assert list(visit.team.values_list("username", flat=True)) == ["evaluator"]
    event = InspectionEvent.objects.get(visit=visit, action="visit_reassign")
    assert event.data["from"] == ["inspector"] and event.data["reason"] == "病假"
    # An unknown point or someone who is not an inspector: refused, nothing changes.
    office.post(
        f"/inspections/rounds/{drawn.pk}/reassign/",
        {"point": "NOPE", "people": [cast.inspector.pk]},
    )
    office.post(
        f"/inspections/rounds/{drawn.pk}/reassign/",
        {"point": visit.point.code, "people": [cast.zhongshan.pk]},
    )
    assert list(visit.team.values_list("username", flat=True)) == ["evaluator"]
    assert page_as(cast.zhongshan).post(
        f"/inspections/rounds/{drawn.pk}/reassign/",
        {"point": visit.point.code, "people": [cast.inspector.pk]},
    ).status_code in (302, 404)
    assert list(visit.team.values_list("username", flat=True)) == ["evaluator"]
