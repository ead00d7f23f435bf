"""schemathesis against the whole OpenAPI schema, in process: generated requests (valid and
not: schemathesis's positive and negative modes, its examples, coverage and fuzzing phases) to
every operation, as a visitor and with a zone administrator's token. No 500, every documented
response matches its schema and content type, an operation that needs a token refuses a
request without one, and an undeclared method gets 405. Runs in `make test` on SQLite and on
PostgreSQL (where a NUL in a query string used to give a 500); 50 examples per operation and
credential keep it to about half a minute per database."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_schema_conformance,
    unsupported_method,
)

from gaoxin.common.actors import OPERATOR
from gaoxin.config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    content_type_conformance,
    ignored_auth,
    unsupported_method,
]


@pytest.fixture
def keep_connection():
    """As Django's test Client does: a request must not close the test's database connection
    (the WSGI handler's close_old_connections would, mid-transaction, on PostgreSQL)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(make_user, keep_connection):
    from gaoxin.accounts.services import api_token_issue
    from gaoxin.housing.tests.builders import published_batch

    admin = make_user("zone_admin")
    published_batch(code="API26")  # something for the batch endpoints to find
    return api_token_issue(actor=OPERATOR, user=admin, name="schemathesis")[1]


@pytest.mark.slow
@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_never_fails(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
    case.call_and_validate(checks=CHECKS)  # the same request without credentials


@pytest.mark.django_db
def test_nul_in_every_parameter_of_every_operation_is_refused(token):
    """schemathesis does not put NUL in URLs; PostgreSQL refuses it in text, so each path and
    query parameter of every operation gets one here: a 400 with a bilingual body, never a
    500 (eight endpoints gave 500 before RejectNulMiddleware)."""
    from django.test import Client

    client = Client(raise_request_exception=False)
    spec = client.get("/api/openapi.json").json()
    tried = 0
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            params = operation.get("parameters", [])
            url = path
            for param in params:
                if param["in"] == "path":
                    url = url.replace("{" + param["name"] + "}", "1")
            targets = [(p["in"], p["name"]) for p in params if p["in"] in {"path", "query"}]
            for where, name in targets:
                if where == "path":
                    bad = path.replace("{" + name + "}", "%00")
                    for other in params:
                        bad = bad.replace("{" + other["name"] + "}", "1")
                else:
                    bad = f"{url}?{name}=a%00b"
                for headers in ({"HTTP_AUTHORIZATION": f"Bearer {token}"}, {}):
                    response = getattr(client, method)(bad, **headers)
                    assert response.status_code == 400, (method, bad, response.status_code)
                    assert response.json()["code"] == "nul_in_url"
                    tried += 1
    assert tried >= 20
