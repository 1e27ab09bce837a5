"""Findings of the security read about API tokens (issue 9): each would fail before its fix.

- `POST /api/v1/auth/token` answers a locked account with 429 and an audit entry by itself,
  whatever the request carries and whether or not axes' middleware runs on its stack;
- a demo account's token is refused in production;
- recording a token's last use never fails the request that uses it.
"""

import json
import threading

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client, override_settings

from wenming.core.models import ApiToken, AuditEntry
from wenming.core.services import token_authenticate, token_create
from wenming.org.models import Person
from wenming.testing.personas import PASSWORD

AXES_MIDDLEWARE = "axes.middleware.AxesMiddleware"
STACKS = {
    "pages": settings.MIDDLEWARE,
    "without-axes-middleware": [m for m in settings.MIDDLEWARE if m != AXES_MIDDLEWARE],
}


def bearer(raw):
    return {"Authorization": f"Bearer {raw}"}


def ask_for_token(client, password, headers):
    return client.post(
        "/api/v1/auth/token",
        json.dumps({"username": "office", "password": password}),
        content_type="application/json",
        headers=headers,
    )


@pytest.mark.parametrize("stack", STACKS, ids=list(STACKS))
@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer x"}], ids=["plain", "with-a-bearer-header"]
)
def test_a_locked_account_gets_429_and_an_audit_entry_whatever_it_sends(cast, stack, headers):
    with override_settings(AXES_FAILURE_LIMIT=2, MIDDLEWARE=STACKS[stack]):
        client = Client()
        first = ask_for_token(client, "wrong", headers)
        limit = ask_for_token(client, "wrong", headers)
        locked = ask_for_token(client, PASSWORD, headers)  # the right password, too late
    assert first.status_code == 401 and first.json()["error"] == "unauthorized"
    assert limit.status_code == 429 and locked.status_code == 429
    assert locked.json()["error"] == "locked" and "15" in locked.json()["message"]
    assert AuditEntry.objects.filter(action="auth.login_failed").count() == 2
    # One lockout entry per refused request: never none, never twice.
    assert AuditEntry.objects.filter(action="auth.lockout", actor_name="office").count() == 2
    assert not ApiToken.objects.filter(person=cast.office).exists()


def test_a_demo_accounts_token_is_refused_in_production(cast):
    Person.objects.filter(pk=cast.zhongshan.pk).update(is_demo=True)
    _token, demo_raw = token_create(person=cast.zhongshan, name="demo")
    _token, real_raw = token_create(person=cast.ganjingzi, name="real")
    client = Client()
    assert client.get("/api/v1/me", headers=bearer(demo_raw)).status_code == 200
    with override_settings(PRODUCTION=True):
        refused = client.get("/api/v1/me", headers=bearer(demo_raw))
        assert refused.status_code == 401 and refused.json()["error"] == "unauthorized"
        assert token_authenticate(demo_raw) is None
        assert client.get("/api/v1/me", headers=bearer(real_raw)).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_busy_database_does_not_fail_a_read_over_the_last_use_stamp(cast):
    """Another transaction holds what the last-use write needs (SQLite: the write lock;
    PostgreSQL: the token's row). The read answers at once; the stamp waits for a later use."""
    token, raw = token_create(person=cast.office, name="t")
    holding, release = threading.Event(), threading.Event()
    outcome = {}

    def hold():
        from django.db import connection as own

        try:
            with transaction.atomic():  # SQLite: BEGIN IMMEDIATE takes the write lock
                if own.vendor == "postgresql":
                    with own.cursor() as cursor:
                        cursor.execute(
                            "SELECT id FROM core_apitoken WHERE id = %s FOR UPDATE", [token.pk]
                        )
                holding.set()
                outcome["held_until_released"] = release.wait(60)
        finally:
            own.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(30)
        response = Client().get("/api/v1/me", headers=bearer(raw))
    finally:
        release.set()
        holder.join(60)
    assert response.status_code == 200 and response.json()["username"] == "office"
    # It answered while the other transaction still held the lock, and wrote nothing.
    assert outcome["held_until_released"] is True
    assert ApiToken.objects.get(pk=token.pk).last_used_at is None
    assert connection.vendor in ("sqlite", "postgresql")
