"""Partner apps' keys: issued and revoked by the office (pages and command line), stored
only as a hash, and the demo key kept out of production."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from wenming.core.errors import NotAllowed
from wenming.core.models import AuditEntry
from wenming.open311 import keys
from wenming.open311.models import ApiKey

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    with translation.override("en"):
        call_command("open311", *args, stdout=out)
    return out.getvalue().strip()


def test_the_command_issues_a_key_that_works_lists_it_and_revokes_it(cast):
    raw = run("issue-key", "市民随手拍小程序")
    assert raw.startswith(keys.KEY_PREFIX)
    key = ApiKey.objects.get()
    assert key.name == "市民随手拍小程序" and key.key_hash != raw
    assert not ApiKey.objects.filter(key_hash__contains=raw[6:]).exists()
    assert keys.api_key_find(raw) == key
    assert "市民随手拍小程序" in run("list-keys") and "active" in run("list-keys")
    run("revoke-key", str(key.pk))
    assert keys.api_key_find(raw) is None
    assert "revoked" in run("list-keys")
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"open311.key_issue", "open311.key_revoke"} <= actions


def test_the_command_refuses_a_missing_name_or_id(cast):
    with pytest.raises(CommandError, match="Name the partner app"):
        run("issue-key")
    with pytest.raises(CommandError, match="id"):
        run("revoke-key", "abc")
    with pytest.raises(CommandError, match="No such"):
        run("revoke-key", "999")
    assert not ApiKey.objects.exists()


def test_only_the_office_issues_and_revokes_keys(cast):
    for person in (cast.leader, cast.zhongshan, cast.urban, cast.inspector):
        with pytest.raises(NotAllowed):
            keys.api_key_issue(actor=person, name="x")
    key, _raw = keys.api_key_issue(actor=cast.office, name="x")
    with pytest.raises(NotAllowed):
        keys.api_key_revoke(actor=cast.zhongshan, key_id=key.pk)
    assert ApiKey.objects.get().revoked_at is None


def test_the_office_page_shows_a_new_key_once_and_revokes_it(cast, page_as):
    office = page_as(cast.office)
    page = office.post("/open311/keys/", {"name": "区县 App"})
    assert page.status_code == 200
    raw = page.context["new_key"]
    assert raw in page.content.decode()
    again = office.get("/open311/keys/").content.decode()
    assert "区县 App" in again and raw not in again
    key = ApiKey.objects.get()
    assert office.post("/open311/keys/", {"revoke": key.pk}).status_code == 200
    assert keys.api_key_find(raw) is None
    refused = office.post("/open311/keys/", {"revoke": key.pk})
    assert refused.status_code == 400 and 'data-testid="error"' in refused.content.decode()
    assert office.post("/open311/keys/", {"name": " "}).status_code == 400


def test_nobody_but_the_office_opens_the_keys_page(cast, page_as, client):
    for person in (cast.leader, cast.zhongshan, cast.urban, cast.inspector):
        assert page_as(person).get("/open311/keys/").status_code == 403
        assert page_as(person).post("/open311/keys/", {"name": "x"}).status_code == 403
    assert client.get("/open311/keys/").status_code == 302  # to the sign-in page
    assert not ApiKey.objects.exists()


def test_the_demo_key_is_the_same_string_every_time_and_absent_in_production(cast, settings):
    first = run("demo-key")
    assert keys.DEMO_KEY in first and run("demo-key") == first
    assert ApiKey.objects.get().is_demo
    assert keys.api_key_find(keys.DEMO_KEY) is not None
    settings.PRODUCTION = True
    settings.DEMO_MODE = False
    assert keys.api_key_find(keys.DEMO_KEY) is None
    with pytest.raises(CommandError, match="production"):
        run("demo-key")
