"""The shell pages as each persona meets them, and friendly error pages in both languages."""

import pytest
from django.test import Client, override_settings
from django.urls import path

from wenming.core import views


@pytest.mark.parametrize("who,expected", [
    ("office", "全市"), ("leader", "全市"), ("zhongshan", "中山区"), ("ganjingzi", "甘井子区"),
    ("urban", "市城市管理局"), ("inspector", "分配给您的检查任务"),
])
def test_home_fits_each_role(cast, page_as, who, expected):
    html = page_as(getattr(cast, who)).get("/").content.decode()
    assert 'data-testid="home-title"' in html
    assert expected in html


def test_office_sees_administration_link_and_others_do_not(cast, page_as):
    assert "/admin/" in page_as(cast.office).get("/").content.decode()
    assert "/admin/" not in page_as(cast.zhongshan).get("/").content.decode()


def test_inspector_nav_has_no_region_list(cast, page_as):
    assert "/org/regions/" not in page_as(cast.inspector).get("/").content.decode()
    assert "/org/regions/" in page_as(cast.zhongshan).get("/").content.decode()


def test_region_page_is_scoped(cast, page_as):
    html = page_as(cast.ganjingzi).get("/org/regions/").content.decode()
    assert "甘井子区" in html and "中山区" not in html


def test_admin_is_for_office_admins(cast, page_as):
    assert page_as(cast.office).get("/admin/").status_code == 200
    assert page_as(cast.zhongshan).get("/admin/").status_code == 302


def _boom(request):
    raise RuntimeError("boom")


def _forbidden(request):
    from django.core.exceptions import PermissionDenied

    raise PermissionDenied


import wenming.urls  # noqa: E402

urlpatterns = [path("boom/", _boom), path("forbidden/", _forbidden), *wenming.urls.urlpatterns]
handler403 = wenming.urls.handler403
handler500 = wenming.urls.handler500


@pytest.mark.parametrize("language,words", [("zh-hans", "页面不存在"), ("en", "Page not found")])
def test_friendly_404_in_both_languages(cast, page_as, language, words):
    client = page_as(cast.office)
    client.cookies["wenming_language"] = language
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert words in response.content.decode() and 'data-testid="error-page"' in response.content.decode()


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_friendly_500_and_403(db):
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500 and "出错了" in response.content.decode()
    client.cookies["wenming_language"] = "en"
    assert "Something went wrong" in client.get("/boom/").content.decode()
    forbidden = client.get("/forbidden/")
    assert forbidden.status_code == 403 and "Access denied" in forbidden.content.decode()


def test_tokens_page_creates_shows_once_and_revokes(cast, page_as):
    client = page_as(cast.urban)
    created = client.post("/tokens/", {"name": "script"})
    html = created.content.decode()
    assert 'data-testid="new-token"' in html
    raw = html.split("<code>")[1].split("</code>")[0]
    assert Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    listing = client.get("/tokens/").content.decode()
    assert raw not in listing and "script" in listing
    token_id = cast.urban.api_tokens.get().pk
    client.post("/tokens/", {"revoke": str(token_id)})
    assert Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_tokens_page_refuses_revoking_someone_elses_token(cast, page_as):
    from wenming.core.services import token_create

    token, raw = token_create(person=cast.office, name="office script")
    page_as(cast.urban).post("/tokens/", {"revoke": str(token.pk)})
    assert Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200


def test_healthz_is_json_without_login(db):
    assert Client().get("/healthz")["Content-Type"] == "application/json"


def test_views_module_exposes_lockout_callable():
    assert callable(views.lockout_response)


def test_office_reads_the_audit_log_in_the_admin_and_nobody_edits_it(cast, page_as):
    from wenming.core.audit import audit_record

    entry = audit_record(action="test.visible", actor=cast.office)
    office = page_as(cast.office)
    listing = office.get("/admin/core/auditentry/")
    assert listing.status_code == 200 and "test.visible" in listing.content.decode()
    assert office.get(f"/admin/core/auditentry/{entry.pk}/delete/").status_code == 403
    assert office.get("/admin/core/auditentry/add/").status_code == 403
