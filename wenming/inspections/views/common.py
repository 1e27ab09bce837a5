"""What the inspections pages share: htmx or JSON wanted, the scoped look-ups as 404s."""

from django.http import Http404, JsonResponse

from wenming.core.errors import DomainError

from .. import selectors


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def wants_json(request) -> bool:
    """The visit page's script asks for JSON (it keeps the answers on the phone and resends);
    a plain form post (no JavaScript) gets a page."""
    return "application/json" in request.headers.get("Accept", "")


def error_json(exc: DomainError) -> JsonResponse:
    return JsonResponse(
        {"error": exc.code, "message": str(exc.message), "details": exc.details},
        status=exc.status,
    )


def visit_or_404(request, pk: int):
    """The visit in the reader's scope; one not assigned to them is not there (404)."""
    try:
        return selectors.visit_get(actor=request.user, visit_id=pk)
    except DomainError:
        raise Http404 from None


def round_or_404(request, pk: int):
    try:
        return selectors.round_get(actor=request.user, round_id=pk)
    except DomainError:
        raise Http404 from None
