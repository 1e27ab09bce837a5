"""The API's one door for what a client sends: JSON bodies and form fields.

Every text a client sends is checked here once, so no endpoint has to: a NUL character or an
unpaired UTF-16 surrogate is refused with a 400 naming the field.

- A lone surrogate (`"\\ud800"` on the wire) is valid JSON but not valid Unicode: Python keeps
  it in a `str`, and the first UTF-8 encode (the database driver, a log line) raised a
  UnicodeEncodeError, a 500.
- NUL (`"\\u0000"`) is stored verbatim by SQLite and refused by PostgreSQL, so the two
  databases behaved differently; refusing it at the door makes them agree.

A JSON body must also be an object. ninja's `Schema` reads any value as an object with
attributes (a list, a number, `null`), so `[]` sent to an endpoint that takes an object was
read as an empty object: a 200 that changed nothing. Every body the API takes is an object
(core/tests/test_api_input.py checks the OpenAPI schema for it): an endpoint that needs a list
takes an object with a list field, which also leaves room for more fields later. (ninja also
parses a `Body` parameter mixed into a multipart form with `parse_body`; no endpoint mixes them,
and one that did would need its JSON field to be an object too.)
"""

import re

from django.utils.translation import gettext as _
from ninja.parser import Parser

from .errors import InvalidInput

# NUL, and the UTF-16 surrogate range: a surrogate in a Python str is always unpaired, since
# json decodes a valid pair into one character.
FORBIDDEN_CHARACTER = re.compile("[\x00\ud800-\udfff]")


def refuse_forbidden_characters(value, path: str = "") -> None:
    """400 when a string in `value` (keys too, at any depth) holds a forbidden character."""
    if isinstance(value, str):
        if FORBIDDEN_CHARACTER.search(value):
            _refuse_value(path)
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and FORBIDDEN_CHARACTER.search(key):
                _refuse_key(path)
            refuse_forbidden_characters(item, _join(path, key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            refuse_forbidden_characters(item, _join(path, index))


def _join(path: str, step) -> str:
    # The same dotted path as the validation messages give (`milestones.0.title`).
    return f"{path}.{step}" if path else str(step)


def _refuse_value(path: str):
    # The offending text is never echoed: a lone surrogate cannot even be written as UTF-8.
    raise InvalidInput(
        _(
            "The field %(field)s contains a character that is not allowed "
            "(a NUL character or an unpaired UTF-16 surrogate)."
        )
        % {"field": path},
        details={"field": path},
    )


def _refuse_key(path: str):
    # The key itself cannot be named (see above); the object holding it can.
    message = (
        _(
            "A field name in %(field)s contains a character that is not allowed "
            "(a NUL character or an unpaired UTF-16 surrogate)."
        )
        % {"field": path}
        if path
        else _(
            "A field name contains a character that is not allowed "
            "(a NUL character or an unpaired UTF-16 surrogate)."
        )
    )
    raise InvalidInput(message, details={"field": path})


class WenmingParser(Parser):
    """ninja's JSON parser, plus the checks above.

    ninja turns any exception from `parse_body` into `HttpError(400, "Cannot parse request
    body")` raised *from* it; core.api's HttpError handler answers the InvalidInput kept as its
    cause, so the client reads our message, not the generic one.
    """

    def parse_body(self, request):
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise InvalidInput(_("The request body must be a JSON object."))
        refuse_forbidden_characters(data)
        return data

    def parse_querydict(self, data, list_fields, request):
        # Query strings and form fields (a task's progress text is a multipart field).
        # Django decodes them with replacement characters, so only NUL can arrive here.
        parsed = super().parse_querydict(data, list_fields, request)
        refuse_forbidden_characters(parsed)
        return parsed
