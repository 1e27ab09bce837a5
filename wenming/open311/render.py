"""GeoReport v2's two formats, built from one Python value.

The specification names each answer's root element and the element of each list's items
(`<services><service>…`, `<errors><error>…`); JSON is the same value without those wrappers,
except for discovery and a service definition, which are objects in both. Booleans are written
`true`/`false` and a missing value as an empty element (XML) or `null` (JSON), as the
specification's examples do. Dates are W3C date-times with the offset (`w3c`).
"""

import re
from datetime import date, datetime, time
from xml.sax.saxutils import escape

import orjson
from django.http import HttpResponse
from django.utils import timezone

FORMATS = ("json", "xml")
CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "xml": "text/xml; charset=utf-8",
}
# A list under this key holds elements of that name (the specification's XML).
ITEM_TAGS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}


def w3c(value) -> str | None:
    """`2026-12-02T12:30:05+08:00`: whole seconds, the site's time zone, its offset."""
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        # A deadline is a day; it is met until that day ends in the city.
        moment = datetime.combine(value, time(23, 59, 59))
        moment = timezone.make_aware(moment)
    else:
        raise TypeError(value)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


# Characters XML 1.0 cannot carry at all (a description pasted from somewhere may hold them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return escape(_NOT_XML.sub("", str(value)))


def _write(out: list, tag: str, value) -> None:
    """`<tag>value</tag>` into `out`: objects as child elements, lists as ITEM_TAGS items.

    Written as strings rather than through ElementTree: a 1,000-request answer is 17,000
    elements, and building the tree cost twice the time of writing the text (bench_open311).
    """
    out.append(f"<{tag}>")
    if isinstance(value, dict):
        for key, item in value.items():
            _write(out, key, item)
    elif isinstance(value, (list, tuple)):
        item_tag = ITEM_TAGS[tag]
        for item in value:
            _write(out, item_tag, item)
    else:
        out.append(_text(value))
    out.append(f"</{tag}>")


def to_xml(root: str, value) -> bytes:
    """`value` under the element `root`, with the XML declaration the specification asks for."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n']
    _write(out, root, value)
    return "".join(out).encode("utf-8")


def respond(fmt: str, root: str, value, *, status: int = 200) -> HttpResponse:
    """One answer in the format the URL asked for."""
    body = to_xml(root, value) if fmt == "xml" else orjson.dumps(value)
    response = HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])
    # Any web page may read the public answers (GeoReport clients are often browser apps);
    # posting still needs a key, which a page would have to hold in the open anyway.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def error_response(fmt: str, status: int, messages) -> HttpResponse:
    """The specification's error list: `[{"code": 400, "description": "…"}]` /
    `<errors><error><code>400</code><description>…</description></error></errors>`."""
    errors = [{"code": status, "description": str(message)} for message in messages]
    return respond(fmt, "errors", errors, status=status)
