"""`token_authenticate`, the token → person look-up behind every API request.

test_api.py covers a good token, malformed headers and a token revoked through the service;
here: what the look-up must still refuse, which rows the person carries, when `last_used_at`
is written, and that its short per-process copy never outlives a revocation or a change made
through the services (`token_revoke`, `org.services.person_update`).
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wenming.core import services as core_services
from wenming.core.models import ApiToken
from wenming.core.services import token_authenticate, token_create, token_hash, token_revoke
from wenming.org.roles import Role
from wenming.org.services import person_update


def bearer(raw):
    return {"Authorization": f"Bearer {raw}"}


def planted(person, raw: str) -> str:
    """A token row whose hash matches `raw` exactly, whatever its shape."""
    ApiToken.objects.create(
        person=person, name="planted", key_prefix=raw[:10], key_hash=token_hash(raw)
    )
    return raw


def updates_of_tokens(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith("UPDATE") and "core_apitoken" in q["sql"]
    ]


def test_a_revoked_token_fails_while_the_persons_other_token_works(cast, api_as):
    _old, old_raw = token_create(person=cast.zhongshan, name="old")
    _new, new_raw = token_create(person=cast.zhongshan, name="new")
    ApiToken.objects.filter(name="old").update(revoked_at=timezone.now())
    assert token_authenticate(old_raw) is None
    assert token_authenticate(new_raw) == cast.zhongshan
    client = api_as(None)
    assert client.client.get("/api/v1/me", headers=bearer(old_raw)).status_code == 401
    assert client.client.get("/api/v1/me", headers=bearer(new_raw)).status_code == 200


def test_an_inactive_persons_token_is_401(cast, api_as):
    client = api_as(cast.urban)
    assert client.get("me").status_code == 200
    person_update(person=cast.urban, actor=cast.office, is_active=False)
    response = client.get("me")
    assert response.status_code == 401 and response.json()["error"] == "unauthorized"
    assert client.post("problems", {"title": "x"}).status_code == 401


@pytest.mark.parametrize("raw", ["xx_" + "a" * 40, "WM_" + "a" * 40, "a" * 43, "wm_" + "a" * 98])
def test_a_token_without_the_prefix_or_over_100_chars_is_refused_even_if_its_hash_matches(
    cast, api_as, raw
):
    planted(cast.office, raw)
    assert token_authenticate(raw) is None
    response = api_as(None).client.get("/api/v1/me", headers=bearer(raw))
    assert response.status_code == 401


def test_a_token_of_exactly_100_chars_is_accepted(cast):
    raw = planted(cast.office, "wm_" + "b" * 97)
    assert len(raw) == 100 and token_authenticate(raw) == cast.office


def test_empty_and_unknown_tokens_are_refused_without_a_write(cast):
    with CaptureQueriesContext(connection) as queries:
        assert token_authenticate("") is None
        assert token_authenticate(None) is None
        assert token_authenticate("wm_unknown") is None
    assert updates_of_tokens(queries) == []
    assert len(queries) == 1  # only the unknown one with the right prefix reaches the database


def test_the_person_carries_the_right_region_and_unit_rows(cast, api_as):
    _t, zs_raw = token_create(person=cast.zhongshan, name="t")
    _t, urban_raw = token_create(person=cast.urban, name="t")
    _t, office_raw = token_create(person=cast.office, name="t")
    zhongshan = token_authenticate(zs_raw)
    assert zhongshan.pk == cast.zhongshan.pk and zhongshan.role == Role.REGION_OFFICER
    assert zhongshan.region == cast.zhongshan_district
    assert zhongshan.region.path == cast.zhongshan_district.path and zhongshan.unit is None
    urban = token_authenticate(urban_raw)
    assert urban.unit == cast.urban_unit and urban.unit.code == "URBAN" and urban.region is None
    office = token_authenticate(office_raw)
    assert office.region is None and office.unit is None and office.is_authenticated
    # The person's own fields are the row's (booleans as booleans, the display name).
    assert office.is_superuser is True and office.display_name == "文明办 王敏"
    assert api_as(cast.urban).get("me").json()["unit"] == "URBAN"
    assert api_as(cast.ganjingzi).get("me").json()["region"] == "210211"


def test_the_scope_of_the_authenticated_person_is_theirs(cast, api_as):
    """A wrong region row on the person would widen or empty every list it sees."""
    codes = {r["code"] for r in api_as(cast.ganjingzi).get("regions").json()}
    assert codes == {"210211", "210211001", "210211001001"}


def test_last_used_at_is_written_on_first_use_and_not_again_within_a_minute(cast, monkeypatch):
    token, raw = token_create(person=cast.zhongshan, name="t")
    assert token.last_used_at is None
    token_authenticate(raw)  # warms the reference caches; writes the first use
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    with CaptureQueriesContext(connection) as again:
        assert token_authenticate(raw) == cast.zhongshan
    assert updates_of_tokens(again) == []
    assert len(again) == 0  # the person from this process's copy, region from the cache
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first

    later = first + timedelta(seconds=61)
    monkeypatch.setattr(core_services.timezone, "now", lambda: later)
    with CaptureQueriesContext(connection) as after_a_minute:
        token_authenticate(raw)
    assert len(updates_of_tokens(after_a_minute)) == 1
    assert ApiToken.objects.get(pk=token.pk).last_used_at == later


def test_a_fresh_token_costs_one_update_on_first_use(cast):
    _token, raw = token_create(person=cast.office, name="t")
    with CaptureQueriesContext(connection) as first:
        token_authenticate(raw)
    assert len(updates_of_tokens(first)) == 1


def test_a_role_change_is_seen_on_the_next_request(cast, api_as):
    client = api_as(cast.office)
    assert client.get("me").json()["role"] == "office_admin"
    person_update(person=cast.office, actor=cast.office, role=Role.LEADER)
    assert client.get("me").json()["role"] == "leader"
    # And it acts with the new role: leaders do not report problems.
    assert (
        client.post(
            "problems",
            {
                "title": "x",
                "category": "dirty.sanitation",
                "source": "self_found",
                "region": "210202001001",
            },
        ).status_code
        == 403
    )


def test_a_move_to_another_region_is_seen_on_the_next_request(cast, api_as):
    client = api_as(cast.zhongshan)
    assert client.get("me").json()["region"] == "210202"
    person_update(person=cast.zhongshan, actor=cast.office, region=cast.ganjingzi_district)
    assert client.get("me").json()["region"] == "210211"
    assert client.get("regions/210202").status_code == 404


def test_a_revoked_token_is_refused_at_once_though_its_person_was_cached(cast, api_as):
    token, raw = token_create(person=cast.zhongshan, name="t")
    client = api_as(None)
    assert client.client.get("/api/v1/me", headers=bearer(raw)).status_code == 200
    with CaptureQueriesContext(connection) as cached:
        assert token_authenticate(raw) == cast.zhongshan
    assert len(cached) == 0  # the copy is in use …
    token_revoke(person=cast.zhongshan, token_id=token.pk)
    assert token_authenticate(raw) is None  # … and the revocation dropped it
    assert client.client.get("/api/v1/me", headers=bearer(raw)).status_code == 401


def test_a_deactivated_persons_token_is_refused_at_once_though_it_was_cached(cast):
    _token, raw = token_create(person=cast.urban, name="t")
    assert token_authenticate(raw) == cast.urban
    with CaptureQueriesContext(connection) as cached:
        assert token_authenticate(raw) == cast.urban
    assert len(cached) == 0
    person_update(person=cast.urban, actor=cast.office, is_active=False)
    assert token_authenticate(raw) is None
    person_update(person=cast.urban, actor=cast.office, is_active=True)
    assert token_authenticate(raw) == cast.urban


def test_the_copy_is_read_again_after_its_lifetime(cast, monkeypatch):
    """A change made around the services (a database shell) is seen within the bound."""
    _token, raw = token_create(person=cast.urban, name="t")
    assert token_authenticate(raw) == cast.urban
    type(cast.urban).objects.filter(pk=cast.urban.pk).update(is_active=False)
    assert token_authenticate(raw) == cast.urban  # still this process's copy
    later = core_services._clock() + core_services.TOKEN_CACHE_SECONDS + 1
    monkeypatch.setattr(core_services, "_clock", lambda: later)
    assert token_authenticate(raw) is None


def test_each_request_gets_its_own_person_instance(cast):
    """Requests attach things to `request.user`; a shared instance would leak them."""
    _token, raw = token_create(person=cast.office, name="t")
    first = token_authenticate(raw)
    first.display_name = "changed by one request"
    second = token_authenticate(raw)
    assert second is not first and second.display_name == "文明办 王敏"
