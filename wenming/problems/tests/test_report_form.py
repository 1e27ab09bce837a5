"""The report form and its rules (issue 10, items 9–11): the 12345 ticket, the city's extent,
the region picker, the region worked out from a pin, open problems near it, and a refused form
that names what is wrong."""

import pytest

from wenming.org import places
from wenming.problems import services
from wenming.problems.models import Problem

from .factories import HERE, category, report, report_payload

TICKET = "DL12345-20261202-0042"


def form_data(cast, **extra) -> dict:
    return {
        "title": "占道经营",
        "category": category("chaotic.street_order").pk,
        "source": "hotline",
        "severity": "normal",
        "region": cast.zhongshan_community.pk,
        "address": "天津街与胜利路交口",
        "lat": HERE[0],
        "lon": HERE[1],
        "description": "早市摊位占用人行道",
        "reporter_name": "李先生",
        "reporter_phone": "13900000000",
        **extra,
    }


# --- the 12345 ticket -------------------------------------------------------------------------


def test_the_ticket_is_stored_and_returned_by_the_api(cast, api_as):
    client = api_as(cast.office)
    created = client.post("problems", report_payload(source="hotline", hotline_ticket=TICKET))
    assert created.status_code == 201, created.content
    assert created.json()["hotline_ticket"] == TICKET
    read = client.get(f"problems/{created.json()['code']}").json()
    assert read["hotline_ticket"] == TICKET
    assert Problem.objects.get(hotline_ticket=TICKET).code == created.json()["code"]


def test_a_report_without_a_ticket_stores_null_and_answers_empty(cast, api_as):
    created = api_as(cast.office).post("problems", report_payload(source="hotline"))
    assert created.json()["hotline_ticket"] == ""
    assert Problem.objects.get().hotline_ticket is None  # kept out of the partial index


def test_a_ticket_longer_than_40_characters_is_refused(cast, api_as):
    answer = api_as(cast.office).post("problems", report_payload(hotline_ticket="9" * 41))
    assert answer.status_code == 400 and answer.json()["error"] == "too_long"
    assert not Problem.objects.exists()


def test_the_form_stores_the_ticket(cast, page_as):
    response = page_as(cast.office).post("/problems/new/", form_data(cast, hotline_ticket=TICKET))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Problem.objects.get().hotline_ticket == TICKET


def test_the_ticket_lookup_uses_its_partial_index(cast):
    """`hotline_ticket = %s` implies IS NOT NULL, so both databases may use the partial index."""
    from django.db import connection

    report(cast.office, region=cast.zhongshan_community, hotline_ticket=TICKET)
    plan = Problem.objects.filter(hotline_ticket=TICKET).explain()
    if connection.vendor == "sqlite":
        assert "problem_hotline_ticket" in plan


# --- the city's extent ------------------------------------------------------------------------


@pytest.mark.parametrize("where", [(0.0, 0.0), (31.23, 121.47), (HERE[0], HERE[1] + 3)])
def test_the_api_refuses_coordinates_outside_the_city(cast, api_as, where):
    answer = api_as(cast.office).post("problems", report_payload(lat=where[0], lon=where[1]))
    assert answer.status_code == 400, answer.content
    assert answer.json()["error"] == "outside_city"
    assert not Problem.objects.exists()


def test_the_form_refuses_coordinates_outside_the_city_and_says_so(cast, page_as):
    response = page_as(cast.office).post("/problems/new/", form_data(cast, lat=0, lon=0))
    assert response.status_code == 400
    html = response.content.decode()
    assert "城市范围之外" in html and not Problem.objects.exists()
    assert 'value="占道经营"' in html  # what was typed is still there


def test_the_extent_is_the_regions_centres_widened_or_the_setting(cast, settings):
    extent = places.city_extent()
    assert extent.contains(*HERE) and not extent.contains(0, 0)
    assert extent.south == pytest.approx(38.9 - places.MARGIN_DEGREES)
    settings.CITY_EXTENT = (30.0, 120.0, 32.0, 122.0)
    assert places.in_city(31.23, 121.47) and not places.in_city(*HERE)


def test_a_report_without_coordinates_needs_no_extent(cast):
    problem = report(cast.office, region=cast.zhongshan_community, lat=None, lon=None)
    assert problem.lat is None


def test_the_service_refuses_outside_the_city_for_every_caller(cast):
    from wenming.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        services.problem_create(
            actor=cast.inspector,
            title="井盖缺失",
            category=category(),
            source="inspection",
            region=cast.zhongshan_community,
            lat=0.0,
            lon=0.0,
        )
    assert refused.value.code == "outside_city"
