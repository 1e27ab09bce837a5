"""Fixtures shared by every app's tests: the personas and API helpers."""

import pytest
from django.test import Client

from wenming.core.services import token_create
from wenming.testing.personas import build_cast
from wenming.testing.tasks import immediate_tasks  # noqa: F401 (a fixture for every app)


@pytest.fixture
def cast(db):
    """The personas of architecture.md in a two-district city."""
    return build_cast()


class ApiClient:
    """A test client that speaks JSON to /api/v1/ with a bearer token."""

    def __init__(self, person=None):
        self.client = Client()
        self.headers = {}
        if person is not None:
            _token, raw = token_create(person=person, name="tests")
            self.headers["Authorization"] = f"Bearer {raw}"

    def _url(self, path):
        return path if path.startswith("/") else f"/api/v1/{path}"

    def get(self, path, **params):
        return self.client.get(self._url(path), params, headers=self.headers)

    def post(self, path, payload=None, headers=None, **kwargs):
        return self.client.post(self._url(path), payload if payload is not None else {},
                                content_type="application/json",
                                headers={**self.headers, **(headers or {})}, **kwargs)

    def post_multipart(self, path, data, headers=None):
        return self.client.post(self._url(path), data, headers={**self.headers, **(headers or {})})


@pytest.fixture
def api_as(cast):
    """`api_as(cast.zhongshan).get("regions")` — an API client acting as a persona."""
    return ApiClient


@pytest.fixture
def page_as(cast):
    """`page_as(cast.office)` — a logged-in page client for a persona."""

    def make(person):
        client = Client()
        client.force_login(person, backend="wenming.core.backends.WenmingModelBackend")
        return client

    return make
