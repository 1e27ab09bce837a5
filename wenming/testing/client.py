"""Calling the real WSGI entry point (`wenming.wsgi.application`) from a test, as gunicorn does."""


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
