"""The message of a 400 for a request that failed ninja's (pydantic's) validation.

pydantic's own messages are English ("Field required"), whatever language the caller chose.
The common error types get a sentence of ours that names the field, in the caller's language;
a rare type keeps pydantic's text (`field: message`), which is still better than nothing.
The response keeps pydantic's errors as they are in `details`, so a program can read them.
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# A location starts with where the value came from; a body's next step is the view's parameter
# name (ninja wraps the JSON object under it), which the client never wrote.
SOURCES = {"query", "path", "header", "cookie", "form", "file"}
MOST_SHOWN = 5

TYPE_GROUPS = {
    "int": {"int_type", "int_parsing", "int_from_float"},
    "number": {"float_type", "float_parsing", "decimal_type", "decimal_parsing", "finite_number"},
    "bool": {"bool_type", "bool_parsing"},
    "date": {
        "date_type",
        "date_parsing",
        "date_from_datetime_parsing",
        "date_from_datetime_inexact",
    },
    "datetime": {"datetime_type", "datetime_parsing", "datetime_from_date_parsing"},
    "text": {"string_type", "string_unicode"},
    "choice": {"enum", "literal_error"},
    "object": {"dict_type", "model_type", "model_attributes_type"},
    "list": {"list_type", "tuple_type", "set_type"},
    "json": {"json_invalid", "json_type"},
}
GROUP_OF = {error_type: group for group, types in TYPE_GROUPS.items() for error_type in types}


def validation_message(errors: list[dict]) -> str:
    """One message for the first few errors, each naming its field."""
    parts = [_error_message(error) for error in errors[:MOST_SHOWN]]
    return _join(parts) or _("The request is not valid.")


def field_path(loc) -> str:
    """`period`, `title`, `milestones.0.title`: where the client put the value."""
    steps = list(loc)
    if steps and steps[0] == "body":
        steps = steps[2:]
    elif steps and steps[0] in SOURCES:
        steps = steps[1:]
    return ".".join(str(step) for step in steps)


def _error_message(error: dict) -> str:
    field = field_path(error.get("loc", ()))
    error_type = error.get("type", "")
    if not field:
        # The whole body: missing (core.api_parser refuses one that is not an object), or a
        # schema's own check of the whole object, whose message is kept.
        if error_type == "missing":
            return _("A JSON object is required as the request body.")
        return str(error.get("msg", ""))
    message = _message_for(error_type, field, error.get("ctx") or {})
    if message is None:  # a rare type: pydantic's words, as before
        return f"{field}: {error.get('msg', '')}"
    return message


def _message_for(error_type: str, field: str, ctx: dict) -> str | None:
    group = GROUP_OF.get(error_type)
    if group == "choice":
        expected = _choices(ctx.get("expected", ""))
        return _("Parameter %(field)s must be one of: %(expected)s.") % {
            "field": field,
            "expected": expected,
        }
    if group is not None:
        return _type_messages()[group] % {"field": field}
    if error_type in BOUND_KEYS:
        limit = ctx.get(BOUND_KEYS[error_type], "?")
        return _bound_messages()[error_type] % {"field": field, "limit": limit}
    if error_type in LENGTH_KEYS:
        return _length_message(error_type, field, ctx.get(LENGTH_KEYS[error_type], 0))
    template = _other_messages().get(error_type)
    return template % {"field": field} if template else None


def _choices(expected: str) -> str:
    # pydantic writes "'a', 'b' or 'c'"; its English "or" would stand in a Chinese sentence.
    return ", ".join(expected.rsplit(" or ", 1))


# The messages are built on each call, so gettext answers in the request's language.
def _type_messages() -> dict:
    return {
        "int": _("Parameter %(field)s must be an integer."),
        "number": _("Parameter %(field)s must be a number."),
        "bool": _("Parameter %(field)s must be true or false."),
        "date": _("Parameter %(field)s must be a date (YYYY-MM-DD)."),
        "datetime": _("Parameter %(field)s must be a date and time (ISO 8601)."),
        "text": _("Parameter %(field)s must be text."),
        "object": _("Parameter %(field)s must be a JSON object."),
        "list": _("Parameter %(field)s must be a list."),
        "json": _("Parameter %(field)s must be valid JSON."),
    }


BOUND_KEYS = {
    "greater_than": "gt",
    "greater_than_equal": "ge",
    "less_than": "lt",
    "less_than_equal": "le",
}


def _bound_messages() -> dict:
    return {
        "greater_than": _("Parameter %(field)s must be greater than %(limit)s."),
        "greater_than_equal": _("Parameter %(field)s must be at least %(limit)s."),
        "less_than": _("Parameter %(field)s must be less than %(limit)s."),
        "less_than_equal": _("Parameter %(field)s must be at most %(limit)s."),
    }


LENGTH_KEYS = {
    "string_too_long": "max_length",
    "string_too_short": "min_length",
    "too_long": "max_length",
    "too_short": "min_length",
}


def _length_message(error_type: str, field: str, limit) -> str:
    count = limit if isinstance(limit, int) else 2
    values = {"field": field, "limit": limit}
    if error_type == "string_too_long":
        return (
            ngettext(
                "Parameter %(field)s may have at most %(limit)s character.",
                "Parameter %(field)s may have at most %(limit)s characters.",
                count,
            )
            % values
        )
    if error_type == "string_too_short":
        return (
            ngettext(
                "Parameter %(field)s must have at least %(limit)s character.",
                "Parameter %(field)s must have at least %(limit)s characters.",
                count,
            )
            % values
        )
    if error_type == "too_long":
        return (
            ngettext(
                "Parameter %(field)s may have at most %(limit)s item.",
                "Parameter %(field)s may have at most %(limit)s items.",
                count,
            )
            % values
        )
    return (
        ngettext(
            "Parameter %(field)s must have at least %(limit)s item.",
            "Parameter %(field)s must have at least %(limit)s items.",
            count,
        )
        % values
    )


def _other_messages() -> dict:
    return {
        "missing": _("Missing parameter %(field)s."),
        "extra_forbidden": _("Parameter %(field)s is not accepted here."),
        "int_parsing_size": _("Parameter %(field)s is too large."),
    }


def _join(parts: list[str]) -> str:
    """Our sentences end with a full stop; pydantic's fallback text does not, so it takes a
    semicolon before the next part, as all parts did before."""
    text = ""
    for part in parts:
        if text:
            text += " " if text.endswith((".", "。")) else "; "
        text += part
    return text
