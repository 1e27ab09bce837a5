"""What the creation pages share: htmx or not, scoped look-ups as 404s, the chosen type."""

from django.http import Http404

from wenming.core.errors import DomainError


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def or_404(func, **kwargs):
    try:
        return func(**kwargs)
    except DomainError:
        raise Http404 from None


def chosen_type(request, types):
    """The type named by `?type=` among `types`, else the first."""
    code = request.GET.get("type") or request.POST.get("type")
    return next((t for t in types if t.code == code), types[0] if types else None)
