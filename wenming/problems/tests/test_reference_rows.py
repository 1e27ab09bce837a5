"""The ledger's reference rows stay true on every app server (core/refcache.py): a category,
routing rule or ledger setting changed through its service is in force for the next report at
once — on this server, on a second server sharing the cache, and (when
`WENMING_TEST_REDIS_URL` names one) on two servers that share a real Redis."""

import os

import pytest
from django.core.cache.backends.locmem import LocMemCache

from wenming.core.refcache import AppServer
from wenming.problems import services
from wenming.problems.models import Category

from .factories import ensure_categories, report_payload

CATEGORY = "chaotic.street_order"
REDIS_URL = os.environ.get("WENMING_TEST_REDIS_URL", "")


def hotline(**extra) -> dict:
    return report_payload(**{"source": "hotline", "category": CATEGORY, **extra})


def deactivate(actor) -> None:
    category = Category.objects.get(code=CATEGORY)
    services.category_update(actor=actor, category=category, is_active=False)


def assert_refused_as_inactive(answer) -> None:
    assert answer.status_code == 400, answer.content
    assert answer.json()["error"] == "category_inactive"


def test_a_deactivated_category_refuses_the_next_report_at_once(cast, api_as):
    client = api_as(cast.office)
    assert client.post("problems", hotline()).status_code == 201  # the copies are loaded
    deactivate(cast.office)
    assert_refused_as_inactive(client.post("problems", hotline(title="再报一次")))


def two_servers(make_client):
    return AppServer(make_client()), AppServer(make_client())


def deactivation_seen_by_the_other_server(cast, api_as, first, second) -> None:
    client = api_as(cast.office)
    for server in (first, second):
        with server:  # each server has served a report in the category: each holds a copy
            assert client.post("problems", hotline()).status_code == 201
    with first:
        deactivate(cast.office)
    with second:
        assert_refused_as_inactive(client.post("problems", hotline(title="另一台服务器")))


def test_a_deactivated_category_is_refused_by_another_app_server_at_once(cast, api_as):
    first, second = two_servers(lambda: LocMemCache("ledger-two-servers", {}))
    deactivation_seen_by_the_other_server(cast, api_as, first, second)


@pytest.mark.skipif(not REDIS_URL, reason="WENMING_TEST_REDIS_URL names no Redis")
@pytest.mark.django_db(transaction=True)
def test_two_app_servers_on_one_redis_see_a_deactivation_at_once(cast, api_as):
    """Committed for real: the second server's copy is dropped by the token the first wrote
    to Redis when the change committed, through a client of its own."""
    from django_redis.cache import RedisCache

    ensure_categories()  # a transactional test starts from an empty database

    def client() -> RedisCache:
        return RedisCache(REDIS_URL, {"KEY_PREFIX": "wenming-test"})

    first, second = two_servers(client)
    assert first.store is not second.store
    deactivation_seen_by_the_other_server(cast, api_as, first, second)


def test_a_routing_rule_applies_to_the_next_report_on_another_server(cast, api_as):
    first, second = two_servers(lambda: LocMemCache("ledger-rules", {}))
    client = api_as(cast.inspector)
    inspection = report_payload(source="inspection", category=CATEGORY)
    with second:  # no rule yet: an event goes to its locality
        assert client.post("problems", inspection).json()["responsible_unit"] is None
    with first:
        rule = services.routing_rule_create(
            actor=cast.office, region=cast.zhongshan_district, unit=cast.urban_unit
        )
    with second:
        routed = client.post("problems", inspection).json()
    assert routed["status"] == "dispatched" and routed["responsible_unit"] == "URBAN"
    with first:
        services.routing_rule_update(actor=cast.office, rule_id=rule.pk, is_active=False)
    with second:
        assert client.post("problems", inspection).json()["responsible_unit"] is None


def test_a_ledger_setting_applies_to_the_next_report_on_another_server(cast, api_as):
    first, second = two_servers(lambda: LocMemCache("ledger-config", {}))
    services.routing_rule_create(
        actor=cast.office, region=cast.zhongshan_district, unit=cast.urban_unit
    )
    client = api_as(cast.inspector)
    inspection = report_payload(source="inspection", category=CATEGORY)
    with second:
        assert client.post("problems", inspection).json()["status"] == "dispatched"
    with first:
        services.ledger_config_update(actor=cast.office, auto_dispatch=False)
    with second:
        assert client.post("problems", inspection).json()["status"] == "new"
