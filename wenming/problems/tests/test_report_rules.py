"""Findings of the security read: the report's source is the service's rule (one table), and
nothing a reporter sends is cut short — too long or too many is refused with a clear 400."""

import pytest

from wenming.core.errors import InvalidInput, NotAllowed
from wenming.org.roles import Role
from wenming.problems import services
from wenming.problems.forms import ProblemForm
from wenming.problems.models import Category, Problem, Source, Status
from wenming.problems.services._common import MAX_CO_UNITS
from wenming.problems.services.creation import REPORT_SOURCES, report_sources
from wenming.testing.factories import UnitFactory

from .factories import category, report, report_payload


@pytest.fixture
def auto_route(cast):
    services.routing_rule_create(
        actor=cast.office, category=None, region=cast.zhongshan_district, unit=cast.urban_unit
    )


# --- which source a role may give ---------------------------------------------------------


def test_an_officer_cannot_file_an_inspection_that_dispatches_itself(cast, api_as, auto_route):
    answer = api_as(cast.zhongshan).post("problems", report_payload(source="inspection"))
    assert answer.status_code == 403, answer.content
    assert answer.json()["error"] == "source_not_allowed"
    assert Problem.objects.count() == 0


def test_the_same_officer_files_a_self_found_report_that_waits_for_the_office(
    cast, api_as, auto_route
):
    answer = api_as(cast.zhongshan).post("problems", report_payload(source="self_found"))
    assert answer.status_code == 201, answer.content
    assert answer.json()["status"] == Status.NEW


def test_an_inspectors_inspection_still_dispatches_itself(cast, api_as, auto_route):
    answer = api_as(cast.inspector).post("problems", report_payload(source="inspection"))
    assert answer.status_code == 201, answer.content
    assert answer.json()["status"] == Status.DISPATCHED


def test_a_report_without_source_is_refused_with_a_clear_message(cast, api_as):
    body = report_payload()
    del body["source"]
    answer = api_as(cast.office).post("problems", body)
    assert answer.status_code == 400, answer.content
    assert answer.json()["error"] == "invalid" and "source" in answer.json()["message"]
    assert Problem.objects.count() == 0


@pytest.mark.parametrize("role", [r for r in REPORT_SOURCES if r is not None])
def test_every_role_reports_exactly_the_sources_of_the_table(cast, role):
    actor = next(p for p in cast.everyone if p.role == role)
    region = cast.zhongshan_community
    for source in Source.values:
        if source in REPORT_SOURCES[role]:
            assert report(actor, region=region, source=source).source == source
        else:
            with pytest.raises(NotAllowed):
                report(actor, region=region, source=source)


def test_a_leader_reports_nothing_and_a_citizen_only_as_a_citizen(cast):
    assert report_sources(cast.leader) == frozenset()
    with pytest.raises(NotAllowed):
        report(cast.leader, region=cast.zhongshan_community, source=Source.SELF_FOUND)
    with pytest.raises(NotAllowed):
        report(None, region=cast.zhongshan_community, source=Source.HOTLINE)
    assert report(None, region=cast.zhongshan_community).source == Source.CITIZEN


@pytest.mark.parametrize("role", [Role.OFFICE_ADMIN, Role.REGION_OFFICER, Role.INSPECTOR])
def test_the_report_form_offers_the_sources_the_service_allows(cast, role):
    actor = next(p for p in cast.everyone if p.role == role)
    form = ProblemForm(
        regions=cast.city.__class__.objects.all(),
        categories=Category.objects.all(),
        sources=report_sources(actor),
    )
    offered = {value for value, _label in form.fields["source"].choices}
    assert offered == set(REPORT_SOURCES[role])


def test_the_report_page_refuses_a_source_the_role_may_not_give(cast, client):
    client.force_login(cast.zhongshan)
    answer = client.post(
        "/problems/new/",
        {
            "title": "井盖缺失",
            "category": category("poor.facilities").pk,
            "source": Source.INSPECTION,
            "severity": "normal",
            "region": cast.zhongshan_community.pk,
        },
    )
    assert answer.status_code == 400
    assert Problem.objects.count() == 0


# --- nothing cut short --------------------------------------------------------------------


def test_a_too_long_phone_number_is_refused_not_cut(cast, api_as):
    answer = api_as(cast.office).post("problems", report_payload(reporter_phone="1" * 31))
    assert answer.status_code == 400, answer.content
    assert answer.json()["error"] == "too_long" and "30" in answer.json()["message"]
    assert Problem.objects.count() == 0
    exact = api_as(cast.office).post("problems", report_payload(reporter_phone="1" * 30))
    assert exact.status_code == 201 and exact.json()["reporter_phone"] == "1" * 30


def test_a_too_long_reporter_name_is_refused_not_cut(cast):
    with pytest.raises(InvalidInput):
        report(cast.office, region=cast.zhongshan_community, reporter_name="张" * 101)
    assert Problem.objects.count() == 0


def _many_units(count):
    return [UnitFactory(code=f"CO{i:02d}", name=f"协办{i}") for i in range(count)]


def test_too_many_co_units_on_a_report_are_refused_not_cut(cast, api_as):
    codes = [u.code for u in _many_units(MAX_CO_UNITS + 1)]
    answer = api_as(cast.office).post("problems", report_payload(co_units=codes))
    assert answer.status_code == 400, answer.content
    assert answer.json()["error"] == "too_many_co_units"
    assert Problem.objects.count() == 0
    exact = api_as(cast.office).post("problems", report_payload(co_units=codes[:MAX_CO_UNITS]))
    assert exact.status_code == 201 and len(exact.json()["co_units"]) == MAX_CO_UNITS


def test_too_many_co_units_on_a_dispatch_are_refused_not_cut(cast, api_as):
    problem = report(cast.office, region=cast.zhongshan_community)
    codes = [u.code for u in _many_units(MAX_CO_UNITS + 1)]
    answer = api_as(cast.office).post(
        f"problems/{problem.code}/transitions",
        {"action": "dispatch", "unit": "URBAN", "co_units": codes},
    )
    assert answer.status_code == 400, answer.content
    assert answer.json()["error"] == "too_many_co_units"
    problem.refresh_from_db()
    assert problem.status == Status.NEW and problem.co_units.count() == 0
    with pytest.raises(InvalidInput):
        services.problem_dispatch(
            problem=problem,
            actor=cast.office,
            unit=cast.urban_unit,
            co_units=_many_units(MAX_CO_UNITS + 1),
        )


def test_too_long_category_names_and_rule_notes_are_refused_not_cut(cast):
    with pytest.raises(InvalidInput):
        services.category_create(
            actor=cast.office,
            code="poor.benches",
            name="名" * 101,
            problem_class="poor",
            subject="sanitation",
            kind="facility",
            deadline_days=5,
        )
    assert not Category.objects.filter(code="poor.benches").exists()
    with pytest.raises(InvalidInput):
        services.routing_rule_create(
            actor=cast.office,
            category=None,
            region=cast.zhongshan_district,
            unit=cast.urban_unit,
            note="注" * 201,
        )
