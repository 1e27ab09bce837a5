"""Domain errors. The API turns each into `{"error": code, "message": text}` with its status."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A refused operation the user can act on; never a 500."""

    status = 400
    code = "invalid"

    def __init__(self, message=None, *, code: str | None = None, details: dict | None = None):
        self.message = message if message is not None else _("The request was refused.")
        if code:
            self.code = code
        self.details = details or {}
        super().__init__(str(self.message))


class InvalidInput(DomainError):
    status = 400
    code = "invalid"


class NotAllowed(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"

    def __init__(self, message=None, **kwargs):
        super().__init__(
            message if message is not None else _("Not found, or outside the data you may see."),
            **kwargs,
        )


class Conflict(DomainError):
    """An illegal state transition or a lost race: HTTP 409 with the current state."""

    status = 409
    code = "conflict"


class Unavailable(DomainError):
    """A service the request needs (the object store) cannot be reached: HTTP 503, retry later."""

    status = 503
    code = "unavailable"


def refuse_other_fields(data: dict, allowed) -> None:
    """400 naming every key of `data` that an edit may not change (e.g. a code, which other
    records cite)."""
    unknown = set(data) - set(allowed)
    if unknown:
        raise InvalidInput(
            _("These fields cannot be changed here: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))}
        )
