"""GET requests as rules: which problems a third party sees, the filters, the window, the
cap, and what is never shown."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wenming.open311 import selectors
from wenming.problems.models import Problem
from wenming.problems.tests.factories import closed, dispatched, report
from wenming.public.models import PublicCategory

pytestmark = pytest.mark.django_db


def listed(**params):
    response = Client().get("/open311/v2/requests.json", params)
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def ids(rows):
    return [r["service_request_id"] for r in rows]


def test_by_default_the_last_90_days_newest_first(cast, public_cats):
    old = report(cast.office, region=cast.zhongshan_community)
    Problem.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=91))
    first = report(cast.office, region=cast.zhongshan_community)
    second = report(cast.office, region=cast.ganjingzi_community)
    assert ids(listed()) == [second.code, first.code]
    # An explicit window reaches the older one.
    start = (timezone.now() - timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    assert old.code in ids(listed(start_date=start))


def test_filters_by_service_code_status_and_ids(cast, public_cats):
    new = report(cast.office, region=cast.zhongshan_community, cat="dirty.sanitation")
    done = closed(cast)
    other = report(cast.office, region=cast.zhongshan_community, cat="poor.facilities")
    assert set(ids(listed(status="open"))) == {new.code, other.code}
    assert ids(listed(status="closed")) == [done.code]
    assert set(ids(listed(status="open,closed"))) == {new.code, done.code, other.code}
    assert other.code not in ids(listed(service_code="dirty.sanitation"))
    assert set(ids(listed(service_code="dirty.sanitation,poor.facilities"))) == {
        new.code,
        done.code,
        other.code,
    }
    # service_request_id overrides every other filter, as the specification says.
    assert set(ids(listed(service_request_id=f"{new.code},{done.code}", status="open"))) == {
        new.code,
        done.code,
    }


def test_statuses_map_to_open_and_closed_with_notes(cast, public_cats):
    working = dispatched(cast)
    done = closed(cast)
    rows = {r["service_request_id"]: r for r in listed()}
    assert rows[working.code]["status"] == "open"
    assert rows[working.code]["agency_responsible"] == cast.urban_unit.name
    assert rows[working.code]["expected_datetime"].startswith(working.deadline.isoformat())
    assert rows[done.code]["status"] == "closed"
    assert rows[done.code]["status_notes"]


def test_never_the_reporter_the_address_or_a_precise_place(cast, public_cats):
    problem = report(
        cast.office,
        region=cast.zhongshan_community,
        reporter_name="张三",
        reporter_phone="13800000009",
        address="幸福小区 3 号楼 2 单元 501",
        lat=38.918123,
        lon=121.640987,
    )
    (row,) = listed(service_request_id=problem.code)
    text = json.dumps(row, ensure_ascii=False)
    for secret in ("张三", "13800000009", "501"):
        assert secret not in text
    assert row["lat"] == 38.918 and row["long"] == 121.641
    assert cast.zhongshan_community.name in row["address"]


def test_only_public_categories(cast, public_cats):
    from wenming.core import refcache

    hidden = report(cast.office, region=cast.zhongshan_community, cat="poor.facilities")
    shown = report(cast.office, region=cast.zhongshan_community, cat="dirty.sanitation")
    PublicCategory.objects.filter(category=hidden.category).update(is_public=False)
    refcache.invalidate()
    assert ids(listed()) == [shown.code]


def test_at_most_1000_and_a_fixed_number_of_queries(cast, public_cats):
    for _ in range(3):
        report(cast.office, region=cast.zhongshan_community)
    assert len(selectors.requests_list(limit=2)) == 2
    assert len(selectors.requests_list(limit=5000)) == 3  # the cap is MAX_REQUESTS
    listed()  # the reference rows' copies are read once per change, not per row
    with CaptureQueriesContext(connection) as few:
        listed()
    for _ in range(5):
        dispatched(cast)
    listed()
    with CaptureQueriesContext(connection) as more:
        listed()
    assert len(more) == len(few)
