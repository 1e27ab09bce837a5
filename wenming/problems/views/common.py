"""What every ledger page shares: is this an htmx request, is the user the office."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from wenming.org.roles import is_office


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def office_only(request) -> None:
    if not is_office(request.user):
        raise PermissionDenied(_("Only the Civilization Office may do this."))
