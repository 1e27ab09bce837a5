"""Answer shapes every app's API shares. A schema's class name is its name in the OpenAPI
document, so two apps' schemas must never share one (`test_openapi.py`)."""

from ninja import Schema


class ErrorOut(Schema):
    """The JSON error body: a stable code, a message in the caller's language, and the
    refused fields when the input was checked field by field."""

    error: str
    message: str
    details: dict | list | None = None
