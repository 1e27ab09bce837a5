"""Sign-in, lockout, sign-out and password change, as a person would meet them."""

import pytest
from django.test import Client, override_settings

from wenming.core.models import AuditEntry
from wenming.testing.personas import PASSWORD


def login(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


def test_login_lands_on_the_role_home_and_is_audited(cast):
    client = Client()
    response = login(client, "zhongshan", PASSWORD)
    assert response.status_code == 302 and response.url == "/"
    home = client.get("/")
    assert "中山区" in home.content.decode()
    assert AuditEntry.objects.filter(action="auth.login", actor_name="zhongshan").exists()


def test_wrong_password_and_unknown_user_get_the_same_message(cast):
    wrong = login(Client(), "zhongshan", "not-the-password").content.decode()
    unknown = login(Client(), "no-such-person", "whatever").content.decode()

    def message(html):
        return html.split('data-testid="login-error">')[1].split("</div>")[0]

    assert message(wrong) == message(unknown)
    assert AuditEntry.objects.filter(action="auth.login_failed").count() == 2


@override_settings(AXES_FAILURE_LIMIT=3)
def test_lockout_after_repeated_failures_says_how_long_to_wait(cast):
    client = Client()
    for _ in range(3):
        login(client, "ganjingzi", "wrong")
    locked = login(client, "ganjingzi", PASSWORD)
    assert locked.status_code == 429
    body = locked.content.decode()
    assert 'data-testid="lockout"' in body and "15" in body
    assert "分钟" in body  # zh-Hans by default
    assert AuditEntry.objects.filter(action="auth.lockout").exists()
    # Another account is not affected.
    assert login(Client(), "zhongshan", PASSWORD).status_code == 302


def test_logout_is_a_post_and_is_audited(cast):
    client = Client()
    login(client, "urban", PASSWORD)
    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302  # back to sign-in
    assert AuditEntry.objects.filter(action="auth.logout", actor_name="urban").exists()


def test_password_change(cast):
    client = Client()
    login(client, "leader", PASSWORD)
    response = client.post("/password/", {"old_password": PASSWORD,
                                           "new_password1": "Gu4ngming-Dalian-26",
                                           "new_password2": "Gu4ngming-Dalian-26"})
    assert response.status_code == 302
    assert login(Client(), "leader", "Gu4ngming-Dalian-26").status_code == 302
    assert AuditEntry.objects.filter(action="auth.password_change").exists()


def test_passwords_are_hashed_with_argon2(cast):
    cast.office.refresh_from_db()
    assert cast.office.password.startswith("argon2")


def test_pages_need_csrf(cast):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "office", "password": PASSWORD})
    assert response.status_code == 403


@pytest.mark.parametrize("path", ["/", "/tokens/", "/org/regions/", "/password/"])
def test_pages_require_sign_in(cast, path):
    response = Client().get(path)
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_demo_accounts_cannot_sign_in_in_production(cast, settings):
    cast.zhongshan.is_demo = True
    cast.zhongshan.save(update_fields=["is_demo"])
    settings.PRODUCTION = True
    assert login(Client(), "zhongshan", PASSWORD).status_code == 200  # form again, no session
    assert login(Client(), "ganjingzi", PASSWORD).status_code == 302  # real accounts are fine
    settings.PRODUCTION = False
    assert login(Client(), "zhongshan", PASSWORD).status_code == 302


def _token_works(token: str) -> bool:
    return Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


def test_a_changed_password_takes_the_api_tokens_with_it(cast):
    """A token made under the old password (by whoever knew it) answered 200 after the change."""
    from wenming.core.services import token_create

    token = token_create(person=cast.inspector, name="巡查脚本")[1]
    others = token_create(person=cast.urban, name="其他人")[1]
    client = Client()
    login(client, "inspector", PASSWORD)
    changed = client.post(
        "/password/",
        {"old_password": PASSWORD, "new_password1": "Xunch4-Dalian-26",
         "new_password2": "Xunch4-Dalian-26"},
        follow=True,
    )
    assert "API 令牌已随旧密码作废" in changed.content.decode()
    assert not _token_works(token) and _token_works(others)
    entry = AuditEntry.objects.get(action="auth.password_change")
    assert entry.data == {"tokens_revoked": 1}


def test_a_password_reset_by_the_office_takes_the_tokens_with_it(cast):
    from wenming.core.services import token_create

    token = token_create(person=cast.inspector, name="巡查脚本")[1]
    admin = Client()
    admin.force_login(cast.office)
    reset = admin.post(
        f"/admin/org/person/{cast.inspector.pk}/password/",
        {"password1": "Xunch4-Dalian-26", "password2": "Xunch4-Dalian-26",
         "set_usable_password": "true"},
    )
    assert reset.status_code == 302
    assert not _token_works(token)
    entry = AuditEntry.objects.get(action="auth.password_change")
    assert entry.actor_id == cast.office.pk and entry.target_id == str(cast.inspector.pk)


def test_a_stale_form_is_said_in_the_users_language_on_the_sites_error_page(cast):
    """Django's own CSRF page was unstyled, in English and told the user to set DEBUG."""
    client = Client(enforce_csrf_checks=True)
    refused = client.post("/report/new/", {"description": "路灯不亮"})
    assert refused.status_code == 403
    html = refused.content.decode()
    assert "表单已失效" in html and "DEBUG" not in html and 'lang="zh-Hans"' in html
