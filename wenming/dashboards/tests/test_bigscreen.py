"""The big screen's payload is made by the tick after the aggregates' refresh and a request only
reads it (bigscreen.py): no chart computed on a request while a fresh one is stored, the stored
one equal to a fresh computation after transitions, and each scope's payload its own."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from wenming.dashboards import aggregates, bigscreen
from wenming.dashboards.models import BigScreenPayload, RegionDay, StatusCount, UnitDay
from wenming.dashboards.scope import DashScope
from wenming.dashboards.selectors import _compute
from wenming.problems.deadlines import local_today
from wenming.problems.metrics import period_parse
from wenming.problems.models import Problem
from wenming.problems.tests.factories import closed, dispatched, report

pytestmark = pytest.mark.django_db

COUNT_TABLES = [m._meta.db_table for m in (StatusCount, RegionDay, UnitDay, Problem)]


@pytest.fixture
def ledger(cast):
    dispatched(cast)  # Zhongshan, Urban Management
    dispatched(cast, unit=cast.education_unit, place=cast.ganjingzi_community)
    closed(cast)
    report(cast.office, region=cast.ganjingzi_community)


def tick():
    aggregates.aggregates_tick(now=timezone.now())
    return bigscreen.bigscreen_tick(now=timezone.now())


def normal(body: dict) -> dict:
    """As JSON carries it, without the refresh time."""
    body = json.loads(json.dumps(body))
    body.pop("as_of", None)
    return body


def fresh(actor, scope: DashScope) -> dict:
    today = local_today()
    period = period_parse(f"{today:%Y-%m}")
    return normal(_compute(actor=actor, scope=scope, name="bigscreen", period=period, today=today))


def test_a_stored_payload_is_served_without_computing(cast, ledger, api_as):
    assert tick()["bigscreen_payloads"] >= 2  # the city and the districts, in two languages
    client = api_as(cast.office)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("dashboard/bigscreen")
    assert response.status_code == 200
    assert response.json()["totals"]["open"] == 3
    read = [q["sql"] for q in queries if any(t in q["sql"] for t in COUNT_TABLES)]
    assert read == [], read  # neither the aggregates nor the ledger: the stored row only
    assert len(queries) <= 6


def test_the_page_endpoint_serves_the_stored_payload(cast, ledger, page_as):
    tick()
    client = page_as(cast.office)
    with CaptureQueriesContext(connection) as queries:
        data = client.get("/dashboards/data/bigscreen.json").json()
    assert not [q for q in queries if any(t in q["sql"] for t in COUNT_TABLES)]
    assert data["totals"]["open"] == 3


def test_stored_payload_equals_a_fresh_computation_after_transitions(cast, ledger, api_as):
    tick()
    closed(cast)
    dispatched(cast, unit=cast.education_unit, place=cast.ganjingzi_community)
    report(cast.office, region=cast.zhongshan_street)
    tick()
    district = DashScope("district", region=cast.zhongshan_district)
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for scope in (DashScope("city"), district):
                row = BigScreenPayload.objects.get(subject=scope.key, language=language)
                assert normal(row.body) == fresh(None, scope)
    served = api_as(cast.office).get("dashboard/bigscreen").json()
    with translation.override("zh-hans"):  # the site's language, which the client asks in
        assert normal(served) == fresh(cast.office, DashScope("city"))
    assert served["totals"]["open"] == 5
    assert any(chart["id"] == "predicted" for chart in served["charts"])


def test_each_scope_has_its_own_payload_and_only_leaders_the_gauge(cast, ledger, api_as):
    tick()
    office = api_as(cast.office).get("dashboard/bigscreen").json()
    own = api_as(cast.zhongshan).get("dashboard/bigscreen").json()
    assert own["scope"]["kind"] == "district"
    assert own["totals"]["open"] == 1 and office["totals"]["open"] == 3
    assert not any(chart["id"] == "predicted" for chart in own["charts"])
    other = cast.ganjingzi_district.code
    assert api_as(cast.zhongshan).get("dashboard/bigscreen", region=other).status_code == 404
    unit = api_as(cast.education).get("dashboard/bigscreen").json()
    assert unit["scope"]["kind"] == "unit" and unit["totals"]["open"] == 1
    # The unit's screen was asked for: the next tick keeps it up to date too.
    assert BigScreenPayload.objects.filter(subject="unit=EDU").exists()
    dispatched(cast, unit=cast.education_unit, place=cast.ganjingzi_community)
    tick()
    stored = BigScreenPayload.objects.filter(subject="unit=EDU")
    assert {row.body["totals"]["open"] for row in stored} == {2}


def test_a_stale_payload_is_made_again_on_request(cast, ledger, api_as):
    tick()
    dispatched(cast)
    old = timezone.now() - bigscreen.STORED_MAX_AGE - timedelta(seconds=1)
    BigScreenPayload.objects.update(stored_at=old)
    data = api_as(cast.office).get("dashboard/bigscreen").json()
    assert data["totals"]["open"] == 4  # the new problem counted, not the stored figure


def test_storing_again_replaces_the_row_and_keeps_when_a_screen_asked(cast, ledger):
    tick()
    asked = timezone.now() - timedelta(hours=2)
    BigScreenPayload.objects.update(asked_at=asked)
    rows = BigScreenPayload.objects.count()
    dispatched(cast)
    tick()
    assert BigScreenPayload.objects.count() == rows  # one row per subject and language
    city = BigScreenPayload.objects.get(subject="", language="zh-hans")
    assert city.body["totals"]["open"] == 4  # the row now holds the new count
    assert city.asked_at == asked  # storing is not asking: a screen's last ask is kept


def test_one_read_of_the_day_rows_equals_each_charts_own(cast, ledger):
    from wenming.dashboards import selectors

    dispatched(cast, unit=cast.education_unit, place=cast.ganjingzi_community)
    closed(cast)
    aggregates.aggregates_refresh()
    today = local_today()
    period = period_parse(f"{today:%Y-%m}")
    scopes = [
        DashScope("city"),
        DashScope("district", region=cast.ganjingzi),
        DashScope("unit", unit=cast.education_unit),
    ]
    for scope in scopes:
        days = selectors.day_counts(scope, *selectors._charts_span(period, today))
        shared = selectors.weekly_chart(scope, period, today, days)
        assert shared.rows == selectors.weekly_chart(scope, period, today).rows
        assert selectors.on_time_chart(scope, period, days)[0].rows == (
            selectors.on_time_chart(scope, period)[0].rows
        )
        totals = selectors.month_totals(scope, period, days)
        assert totals == selectors.month_totals(scope, period)
        assert totals["reported"] > 0 or scope.kind != "city"  # not a comparison of zeros
