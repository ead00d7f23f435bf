"""schemathesis against the whole OpenAPI schema, in process: generated requests (valid and
not) to every operation, as a visitor and with a zone administrator's token. No 500, and every
documented response matches its schema."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from gaoxin.config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


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
    from gaoxin.housing.tests.factories import make_batch

    admin = make_user("zone_admin")
    make_batch(code="API26")  # something for the batch endpoints to find
    return api_token_issue(actor=None, user=admin, name="schemathesis")[1]


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_never_fails(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
    case.call_and_validate(checks=CHECKS)  # the same request without credentials
