"""The WSGI entry point gunicorn serves: Django's own handler over `settings.MIDDLEWARE`."""

import gc
import json

from django.conf import settings

from wenming.core.services import token_create
from wenming.testing.client import call_wsgi as wsgi_call
from wenming.testing.client import wsgi_environ as environ


def test_the_entry_point_is_djangos_handler_and_freezes_the_loaded_objects():
    from django.core.handlers.wsgi import WSGIHandler

    from wenming.wsgi import application

    assert type(application) is WSGIHandler
    # Objects loaded at start-up are kept out of the cyclic collector's passes (gc.freeze).
    assert gc.get_freeze_count() > 0


def test_a_bearer_call_answers_through_the_real_entry_point(cast):
    _token, raw = token_create(person=cast.zhongshan, name="wsgi")
    status, headers, body = wsgi_call(environ("/api/v1/me", token=raw))
    assert status == 200
    assert json.loads(body)["username"] == cast.zhongshan.username
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Language"] == settings.LANGUAGE_CODE
    assert headers["Content-Length"] == str(len(body))


def test_a_bearer_post_needs_no_csrf_token(cast):
    """Token calls go through the whole page stack: CSRF must not refuse them."""
    _token, raw = token_create(person=cast.office, name="wsgi")
    body = json.dumps({"title": "x"}).encode()
    status, _headers, answer = wsgi_call(
        environ("/api/v1/problems", method="POST", token=raw, body=body)
    )
    # Refused for its content (no category, no region), not for a missing CSRF token.
    assert status == 400 and json.loads(answer)["error"] != "forbidden"


def test_the_language_cookie_chooses_the_api_language(cast):
    _token, raw = token_create(person=cast.zhongshan, name="wsgi")
    cookie = f"{settings.LANGUAGE_COOKIE_NAME}=en"
    status, headers, body = wsgi_call(
        environ("/api/v1/problems/WM1999-000001", token=raw, cookie=cookie)
    )
    assert status == 404
    assert headers["Content-Language"] == "en"
    assert json.loads(body)["message"].isascii()


def test_a_nul_byte_is_refused(cast):
    _token, raw = token_create(person=cast.zhongshan, name="wsgi")
    status, _headers, body = wsgi_call(environ("/api/v1/problems/WM\x00", token=raw))
    assert status == 400 and json.loads(body)["error"] == "invalid"


def test_pages_and_unauthenticated_api_calls_answer_through_the_same_stack(cast):
    status, headers, _body = wsgi_call(environ("/login/"))
    assert status == 200
    assert "Content-Security-Policy" in headers and headers["X-Frame-Options"] == "DENY"
    status, headers, body = wsgi_call(environ("/api/v1/me"))
    assert status == 401 and json.loads(body)["error"] == "unauthorized"
