"""The JSON API shell: tokens, /me, errors always JSON, health."""

import json

import pytest
from django.test import Client, override_settings

from wenming.core.models import ApiToken, AuditEntry
from wenming.core.services import token_revoke
from wenming.testing.personas import PASSWORD


def post_json(path, payload, headers=None):
    body = payload if isinstance(payload, str | bytes) else json.dumps(payload)
    return Client().post(path, body, content_type="application/json", headers=headers or {})


def test_password_for_token_then_me(cast):
    response = post_json("/api/v1/auth/token", {"username": "zhongshan", "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    me = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json() == {"username": "zhongshan", "display_name": "中山区 李娜",
                         "role": "region_officer", "region": "210202", "unit": None}
    stored = ApiToken.objects.get(person=cast.zhongshan)
    assert token not in stored.key_hash and len(stored.key_hash) == 64


def test_unit_officer_me_has_unit(cast, api_as):
    assert api_as(cast.urban).get("me").json()["unit"] == "URBAN"


def test_wrong_password_gives_401_json_and_only_an_audit_entry(cast):
    tokens_before = ApiToken.objects.count()
    response = post_json("/api/v1/auth/token", {"username": "zhongshan", "password": "nope"})
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"
    unknown = post_json("/api/v1/auth/token", {"username": "ghost", "password": "nope"})
    assert unknown.json()["message"] == response.json()["message"]
    assert ApiToken.objects.count() == tokens_before
    assert AuditEntry.objects.filter(action="auth.login_failed").count() == 2


@override_settings(AXES_FAILURE_LIMIT=2)
def test_token_endpoint_locks_out_too(cast):
    for _ in range(2):
        post_json("/api/v1/auth/token", {"username": "office", "password": "bad"})
    locked = post_json("/api/v1/auth/token", {"username": "office", "password": PASSWORD})
    assert locked.status_code == 429
    assert locked.json()["error"] == "locked"


@pytest.mark.parametrize("header", ["Bearer wm_not-a-token", "Bearer ", "Token abc", ""])
def test_bad_token_is_401_json(cast, header):
    response = Client().get("/api/v1/me", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


def test_revoked_token_is_401(cast, api_as):
    client = api_as(cast.office)
    assert client.get("me").status_code == 200
    token = ApiToken.objects.get(person=cast.office)
    token_revoke(person=cast.office, token_id=token.pk)
    assert client.get("me").status_code == 401


def test_malformed_json_is_400_json(cast):
    response = post_json("/api/v1/auth/token", "{not json")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid"


def test_missing_fields_are_400_with_message(cast):
    response = post_json("/api/v1/auth/token", {"username": "office"})
    assert response.status_code == 400
    assert "password" in response.json()["message"]


def test_oversized_json_is_400_and_writes_nothing(cast):
    before = AuditEntry.objects.count()
    big = json.dumps({"username": "office", "password": "x" * (2 * 1024 * 1024)})
    response = post_json("/api/v1/auth/token", big)
    assert response.status_code == 400
    assert response.json()["error"] == "too_large"
    assert AuditEntry.objects.count() == before


def test_unknown_id_and_unknown_route_are_404_json(cast, api_as):
    client = api_as(cast.office)
    assert client.get("regions/999999").status_code == 404
    assert client.get("regions/999999").json()["error"] == "region_not_found"
    missing = client.get("/api/v1/no-such-thing")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"


def test_regions_api_is_scoped(cast, api_as):
    body = api_as(cast.ganjingzi).get("regions").json()
    assert {r["code"] for r in body} == {"210211", "210211001", "210211001001"}
    assert body[0] == {"code": "210211", "name": "甘井子区", "name_en": "Ganjingzi District",
                       "level": "district", "kind": "district", "parent": "210200"}
    assert api_as(cast.ganjingzi).get("regions/210202").status_code == 404
    assert api_as(cast.zhongshan).get("regions", level="community").json()[0]["code"] == "210202001001"


def test_units_api_is_scoped(cast, api_as):
    assert [u["code"] for u in api_as(cast.urban).get("units").json()] == ["URBAN"]
    assert api_as(cast.urban).get("units/EDU").status_code == 404
    assert len(api_as(cast.zhongshan).get("units").json()) == 3


def test_openapi_schema_is_served(cast):
    schema = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/me" in schema["paths"] and "/api/v1/regions" in schema["paths"]


def test_healthz(db):
    response = Client().get("/healthz")
    assert response.status_code == 200 and response.json()["database"] == "ok"


def test_nul_in_query_is_400_json_on_every_database(cast, api_as):
    response = api_as(cast.office).get("/api/v1/regions?level=%00")
    assert response.status_code == 400 and response.json()["error"] == "invalid"


def test_nul_in_json_body_is_400(cast):
    response = post_json("/api/v1/auth/token", '{"username": "a\\u0000b", "password": "x"}')
    assert response.status_code in (400, 401)
