"""The WSGI entry: token-authenticated API calls take a shorter middleware stack than pages.

A request to `/api/` that carries `Authorization: Bearer …` is authenticated by its token alone
(`wenming.core.api.BearerToken`): it has no session, no CSRF cookie, no flash messages, no
login lockout to consult (that happens where tokens are issued, `POST /api/v1/auth/token`,
which carries no bearer token and keeps the full stack), and it answers JSON, which a browser
never frames or runs as a page. The eight page middlewares it skips cost about 0.1 ms: an
authenticated GET through gunicorn went from 1,575 to 1,875 req/s without them
(docs/performance.md, finding 9). Such requests go through `settings.TOKEN_API_MIDDLEWARE`,
an ordered subset of `settings.MIDDLEWARE` that keeps the security headers, the language, the
NUL-byte guard and Content-Length; every other request goes through `settings.MIDDLEWARE`.
"""

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler


class TokenApiMiddleware:
    """Mixed into a Django handler: build its chain from `settings.TOKEN_API_MIDDLEWARE`."""

    def load_middleware(self, is_async=False):
        # BaseHandler.load_middleware reads settings.MIDDLEWARE. It runs once per handler, before
        # the handler serves its first request, so lending it the shorter list is safe.
        pages_middleware = settings.MIDDLEWARE
        settings.MIDDLEWARE = settings.TOKEN_API_MIDDLEWARE
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = pages_middleware


class TokenApiHandler(TokenApiMiddleware, WSGIHandler):
    """Django's WSGI handler over `settings.TOKEN_API_MIDDLEWARE` instead of `MIDDLEWARE`."""


def is_token_api_call(environ) -> bool:
    """An API request that authenticates with a bearer token (and nothing else it could use)."""
    return (
        environ.get("PATH_INFO", "").startswith("/api/")
        and environ.get("HTTP_AUTHORIZATION", "")[:7].lower() == "bearer "
    )


class WenmingApplication:
    """The WSGI application: each request to the handler its kind needs."""

    def __init__(self):
        self.pages = WSGIHandler()
        self.token_api = TokenApiHandler()

    def __call__(self, environ, start_response):
        handler = self.token_api if is_token_api_call(environ) else self.pages
        return handler(environ, start_response)
