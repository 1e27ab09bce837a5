"""The JSON API at /api/v1/: one NinjaAPI, bearer-token auth, errors always as JSON."""

import logging
from functools import wraps
from inspect import iscoroutinefunction

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import DataError
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.urls import URLPattern
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from .api_parser import WenmingParser
from .api_validation import validation_message
from .audit import client_ip
from .errors import DomainError
from .services import login_failure_record, token_authenticate, token_create

logger = logging.getLogger(__name__)


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        person = token_authenticate(token)
        if person is not None:
            request.user = person
        return person


ERROR_RESPONSES = {
    "400": "Invalid input (bad JSON, failed validation, refused value)",
    "401": "Missing, wrong or revoked token",
    "403": "The caller's role may not do this",
    "404": "Unknown, or outside the caller's data scope",
    "409": "Illegal state transition or a concurrent change",
    "429": "Too many failed sign-ins: locked for a while",
    "503": "The file store cannot be reached; nothing was saved, retry later",
}
ERROR_SCHEMA = {
    "type": "object",
    "properties": {"error": {"type": "string"}, "message": {"type": "string"}, "details": {}},
    "required": ["error", "message"],
}


class WenmingAPI(NinjaAPI):
    """NinjaAPI whose schema documents the JSON error body every operation may return, and
    whose views answer a wrong method with that body too."""

    @property
    def urls(self):
        # ninja answers a method a path does not take with its own plain-text 405, outside the
        # exception handlers; each view is wrapped so that answer becomes our JSON error.
        patterns, app_name, namespace = super().urls
        return [_with_json_405(pattern) for pattern in patterns], app_name, namespace

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status, description in ERROR_RESPONSES.items():
                    responses.setdefault(status, {"description": description, "content": ref})
        return schema


api = WenmingAPI(
    title="Wenming API",
    version="1",
    urls_namespace="api",
    auth=BearerToken(),
    # Every body and form is read through one door that refuses what no endpoint can store.
    parser=WenmingParser(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def error_response(request, status: int, code: str, message, **extra):
    body = {"error": code, "message": str(message)}
    body.update(extra)
    return api.create_response(request, body, status=status)


def _with_json_405(pattern):
    if not isinstance(pattern, URLPattern):
        return pattern
    return URLPattern(
        pattern.pattern, _json_405_view(pattern.callback), pattern.default_args, pattern.name
    )


def _json_405_view(view):
    """`view`, answering 405 as a JSON error in the caller's language (Allow kept)."""
    if iscoroutinefunction(view):

        async def answer(request, *args, **kwargs):
            return _json_405(request, await view(request, *args, **kwargs))

    else:

        def answer(request, *args, **kwargs):
            return _json_405(request, view(request, *args, **kwargs))

    # wraps() also carries csrf_exempt, which ninja's views set.
    return wraps(view)(answer)


def _json_405(request, response):
    if response.status_code != 405 or response.get("Content-Type", "").startswith(
        "application/json"
    ):
        return response
    allowed = response.get("Allow", "")
    message = _("The method %(method)s is not allowed here; allowed: %(allowed)s.") % {
        "method": request.method,
        "allowed": allowed,
    }
    answer = error_response(request, 405, "method_not_allowed", message)
    answer["Allow"] = allowed
    return answer


@api.exception_handler(ValidationError)
def on_validation_error(request, exc):
    return error_response(
        request, 400, "invalid", validation_message(exc.errors), details=exc.errors
    )


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return error_response(
        request,
        401,
        "unauthorized",
        _("A valid API token is required (header Authorization: Bearer <token>)."),
    )


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    codes = {
        400: "invalid",
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        429: "throttled",
    }
    if isinstance(exc.__cause__, DomainError):
        # ninja re-raises whatever the parser refused (core.api_parser) as a generic "Cannot
        # parse request body"; the refusal it carries says what was wrong.
        return on_domain_error(request, exc.__cause__)
    message = str(exc)
    if exc.status_code == 400 and "parse" in message.lower():
        message = _("The request body is not valid JSON.")
    return error_response(request, exc.status_code, codes.get(exc.status_code, "error"), message)


@api.exception_handler(DomainError)
def on_domain_error(request, exc):
    extra = {"details": exc.details} if exc.details else {}
    return error_response(request, exc.status, exc.code, exc.message, **extra)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error_response(request, 404, "not_found", _("Not found."))


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return error_response(request, 403, "forbidden", _("You may not do this."))


@api.exception_handler(RequestDataTooBig)
def on_too_big(request, exc):
    return error_response(request, 400, "too_large", _("The request body is too large."))


@api.exception_handler(MultiPartParserError)
def on_bad_multipart(request, exc):
    return error_response(request, 400, "invalid", _("The multipart body is malformed."))


@api.exception_handler(DataError)
def on_data_error(request, exc):
    # A value the database refuses (NUL in text, a number out of range): the caller's input.
    return error_response(request, 400, "invalid", _("A value is not acceptable to the database."))


@api.exception_handler(Exception)
def on_unexpected(request, exc):
    logger.exception("unexpected API error")
    return error_response(
        request, 500, "internal", _("An internal error occurred; it has been logged.")
    )


core_router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str
    name: str = ""


class TokenOut(Schema):
    token: str


class MeOut(Schema):
    username: str
    display_name: str
    role: str
    region: str | None
    unit: str | None


@core_router.post(
    "/auth/token", auth=None, response=TokenOut, summary="Exchange a password for a token"
)
def issue_token(request, payload: TokenIn):
    if request.content_type != "application/json":
        # axes re-reads the body as a form on failure; only JSON is accepted here.
        raise HttpError(400, _("Send the credentials as JSON (Content-Type: application/json)."))
    username = payload.username[:150]
    # The lockout is consulted and answered here, not left to axes' middleware: whether that
    # middleware runs depends on the stack a request takes (its headers), and a locked account
    # must get 429 and an audit entry whatever it sends.
    if not AxesProxyHandler.is_allowed(request, {"username": username}):
        return _locked_out(request, username)
    person = authenticate(request, username=username, password=payload.password)
    if person is None or not getattr(person, "role", ""):
        # axes records the failure itself; the audit log records it for us.
        login_failure_record(username=payload.username, ip=client_ip(request))
        if getattr(request, "axes_locked_out", False):  # this failure reached the limit
            return _locked_out(request, username)
        raise HttpError(401, _("Wrong username or password."))
    _token, raw = token_create(person=person, name=payload.name or "API", ip=client_ip(request))
    return {"token": raw}


def _locked_out(request, username: str):
    """429 with the lockout message, audited once (core.views.lockout_response)."""
    from .views import lockout_response

    # Answered here: axes' middleware, where it runs, must not answer and audit it a second time.
    request.axes_locked_out = False
    return lockout_response(request, credentials={"username": username})


@core_router.get("/me", response=MeOut, summary="Who the token belongs to")
def me(request):
    person = request.auth
    return {
        "username": person.get_username(),
        "display_name": person.display_name,
        "role": person.role,
        "region": person.region.code if person.region_id else None,
        "unit": person.unit.code if person.unit_id else None,
    }


api.add_router("/", core_router)
api.add_router("/", "wenming.org.api.router")
api.add_router("/", "wenming.standards.api.router")
api.add_router("/", "wenming.points.api.router")
api.add_router("/", "wenming.problems.api.router")
api.add_router("/", "wenming.notifications.api.router")
api.add_router("/", "wenming.inspections.api.router")
api.add_router("/", "wenming.public.api.router")
api.add_router("/", "wenming.open311.api.router")
api.add_router("/", "wenming.surveys.api.router")
api.add_router("/", "wenming.plans.api.router")
api.add_router("/", "wenming.plans.oversight.api.router")
api.add_router("/", "wenming.materials.api.router")
api.add_router("/", "wenming.creation.api.router")
api.add_router("/", "wenming.scoring.api.router")
api.add_router("/", "wenming.dashboards.api.router")
