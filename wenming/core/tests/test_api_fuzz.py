"""Property-based test of the whole JSON API against its own OpenAPI schema.

Every endpoint any app adds is covered automatically: for generated inputs, the API must
never answer 500 and every response must match its declared schema.
"""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from wenming.core.services import token_create
from wenming.testing.personas import build_cast
from wenming.wsgi import application


@pytest.fixture(autouse=True)
def keep_test_connection_open():
    """Calling the WSGI app directly would close the test's connection at each request start and end.

    Django's own test client does the same disconnection; without it PostgreSQL loses the
    test transaction after the first call.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(db, keep_test_connection_open):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def office_token(db):
    cast = build_cast()
    return token_create(person=cast.office, name="fuzz")[1]


@schema.parametrize()
@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_api_never_errors_and_matches_its_schema(case, office_token):
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {office_token}"}
    response = case.call()
    assert response.status_code < 500, response.text[:500]
    case.validate_response(response, excluded_checks=[
        schemathesis.checks.ignored_auth,
        schemathesis.checks.positive_data_acceptance,
        schemathesis.checks.negative_data_rejection,
        schemathesis.checks.missing_required_header,
        schemathesis.checks.unsupported_method,
    ])
