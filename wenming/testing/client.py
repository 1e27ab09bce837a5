"""A test client that dispatches as `wenming.wsgi` does, so API tests run the API's own stack."""

from django.test import Client
from django.test.client import ClientHandler

from wenming.core.handlers import TokenApiMiddleware, is_token_api_call


class _TokenApiClientHandler(TokenApiMiddleware, ClientHandler):
    pass


class _DispatchingClientHandler(ClientHandler):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.token_api = _TokenApiClientHandler(*args, **kwargs)

    def __call__(self, environ):
        if is_token_api_call(environ):
            return self.token_api(environ)
        return super().__call__(environ)


class WenmingClient(Client):
    """Django's test client; bearer-token API calls take `settings.TOKEN_API_MIDDLEWARE`."""

    def __init__(self, enforce_csrf_checks=False, **defaults):
        super().__init__(enforce_csrf_checks, **defaults)
        self.handler = _DispatchingClientHandler(enforce_csrf_checks, **defaults)


def wsgi_environ(path, *, method="GET", token=None, body=b"", cookie=None) -> dict:
    """A WSGI environ as gunicorn would pass it (JSON body, optional bearer token and cookie)."""
    import io

    env = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/json",
    }
    if token:
        env["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    if cookie:
        env["HTTP_COOKIE"] = cookie
    return env


def call_wsgi(env) -> tuple[int, dict, bytes]:
    """(status, headers, body) of the real `wenming.wsgi.application` for `env`.

    A WSGI handler closes stale connections when a request ends; a test database lives in one
    open transaction, so (as Django's test client does) that hook is off meanwhile.
    """
    from django.core import signals
    from django.db import close_old_connections

    from wenming.wsgi import application

    status = {}

    def start_response(line, headers, exc_info=None):
        status["line"], status["headers"] = line, dict(headers)

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        body = b"".join(application(env, start_response))
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return int(status["line"][:3]), status["headers"], body
