"""The WSGI entry: bearer-token API calls take TOKEN_API_MIDDLEWARE, everything else MIDDLEWARE."""

import json

from django.conf import settings

from wenming.core.handlers import TokenApiHandler, is_token_api_call
from wenming.core.services import token_create
from wenming.testing.client import call_wsgi as wsgi_call
from wenming.testing.client import wsgi_environ as environ


def test_only_api_calls_with_a_bearer_token_take_the_short_stack():
    assert is_token_api_call(environ("/api/v1/me", token="abc"))
    assert is_token_api_call({"PATH_INFO": "/api/v1/me", "HTTP_AUTHORIZATION": "bearer abc"})
    assert not is_token_api_call(environ("/api/v1/me"))
    assert not is_token_api_call({"PATH_INFO": "/api/v1/me", "HTTP_AUTHORIZATION": "Basic x"})
    assert not is_token_api_call(environ("/problems/", token="abc"))
    assert not is_token_api_call(environ("/", token="abc"))


def test_the_short_stack_is_an_ordered_subset_of_the_full_one():
    full = settings.MIDDLEWARE
    positions = [full.index(name) for name in settings.TOKEN_API_MIDDLEWARE]
    assert positions == sorted(positions)
    # The guards every answer keeps: security headers, language, NUL bytes, Content-Length.
    for kept in ("SecurityMiddleware", "LanguageMiddleware", "RejectNulBytesMiddleware"):
        assert any(name.endswith(kept) for name in settings.TOKEN_API_MIDDLEWARE)


def test_the_token_api_handler_builds_its_chain_without_changing_the_settings():
    from django.core.handlers.wsgi import WSGIHandler

    before = list(settings.MIDDLEWARE)
    short = TokenApiHandler()
    assert before == settings.MIDDLEWARE

    def view_hooks(handler):
        return {type(hook.__self__).__name__ for hook in handler._view_middleware}

    # CSRF is the page middleware with a view hook; the API stack has none of its own.
    assert "CsrfViewMiddleware" in view_hooks(WSGIHandler())
    assert "CsrfViewMiddleware" not in view_hooks(short)


def test_a_bearer_call_answers_through_the_real_entry_point(cast):
    _token, raw = token_create(person=cast.zhongshan, name="wsgi")
    status, headers, body = wsgi_call(environ("/api/v1/me", token=raw))
    assert status == 200
    assert json.loads(body)["username"] == cast.zhongshan.username
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Language"] == settings.LANGUAGE_CODE
    assert headers["Content-Length"] == str(len(body))
    # The page stack's session and CSP middlewares did not run.
    assert "Set-Cookie" not in headers and "Content-Security-Policy" not in headers


def test_the_language_cookie_still_chooses_the_api_language(cast):
    _token, raw = token_create(person=cast.zhongshan, name="wsgi")
    cookie = f"{settings.LANGUAGE_COOKIE_NAME}=en"
    status, headers, body = wsgi_call(
        environ("/api/v1/problems/WM1999-000001", token=raw, cookie=cookie)
    )
    assert status == 404
    assert headers["Content-Language"] == "en"
    assert json.loads(body)["message"].isascii()


def test_a_nul_byte_is_refused_on_the_short_stack_too(cast):
    _token, raw = token_create(person=cast.zhongshan, name="wsgi")
    status, _headers, body = wsgi_call(environ("/api/v1/problems/WM\x00", token=raw))
    assert status == 400 and json.loads(body)["error"] == "invalid"


def test_pages_and_unauthenticated_api_calls_keep_the_full_stack(cast):
    status, headers, _body = wsgi_call(environ("/login/"))
    assert status == 200
    assert "Content-Security-Policy" in headers and headers["X-Frame-Options"] == "DENY"
    status, headers, body = wsgi_call(environ("/api/v1/me"))
    assert status == 401 and json.loads(body)["error"] == "unauthorized"
