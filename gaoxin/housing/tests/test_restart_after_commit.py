"""PostgreSQL restarted between a registration's commit and its answer (issue 20, item 1).

The registration has committed; then `pg_ctl restart -m fast` (the run's real throwaway cluster)
ends every session, the request's connection among them, and the rest of the request — the
session saved on every request, the answer — meets a terminated connection. No answer after a
commit may say the registration failed: the household is shown its application, and sending the
same form again (a person pressing again, a sales system retrying) returns that application,
never a second one. And a request that fails because the database is gone is logged once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from gaoxin.accounts.services import api_token_issue
from gaoxin.common.actors import OPERATOR
from gaoxin.common.faults import acting_at
from gaoxin.housing.models import Application, ApplicationMember
from gaoxin.testing.postgres import restart_test_cluster

from .builders import published_batch
from .factories import staff_of
from .test_registration import own

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

COMMITTED = "housing.registration.committed"  # the pause point after the service returned


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def messages(self, level: int) -> list[str]:
        return [r.getMessage() for r in self.records if r.levelno == level]


@pytest.fixture
def logged() -> Iterator[Records]:
    """What Django's request logger and the session store log (attached directly: the
    `django` logger does not propagate to the root, where caplog listens)."""
    handler = Records()
    loggers = [logging.getLogger("django.request"), logging.getLogger("gaoxin.common.sessions")]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler
    for logger in loggers:
        logger.removeHandler(handler)


def _reconnect() -> None:
    """The test's connection was ended by the restart (the test client shares it)."""
    connection.close()


def _form(members: list[Any]) -> dict[str, str]:
    applicant = members[0]
    return {
        "applicant_name": applicant.name,
        "applicant_id": applicant.id_number,
        "phone": "13912345678",
        "consent": "on",
        "pools": "first_home",
    }


def test_the_web_form_answers_with_the_application_when_the_database_restarts_after_commit(
    logged: Records,
) -> None:
    batch = published_batch(code="RST26")
    applicant, members = own(1, spouse=False)
    client = Client(raise_request_exception=False)
    client.force_login(applicant)
    path = f"/housing/{batch.code}/register/"

    with acting_at(COMMITTED, restart_test_cluster):
        response = client.post(path, _form(members))
    _reconnect()

    # Committed, so the answer is the application, not a failure (was: 400, "The request's
    # session was deleted before the request completed", for a registration that existed).
    application = Application.objects.get(batch=batch)
    assert response.status_code == 302, response.content[:300]
    assert response["Location"] == f"/housing/applications/{application.number}/"
    # The session could not be extended; said once, as a warning, not as an error.
    warnings = logged.messages(logging.WARNING)
    assert len(warnings) == 1 and "session not extended" in warnings[0]
    assert logged.messages(logging.ERROR) == []

    # Pressing again returns the same application.
    again = client.post(path, _form(members))
    assert again.status_code == 302
    assert again["Location"] == f"/housing/applications/{application.number}/"
    assert Application.objects.filter(batch=batch).count() == 1
    assert ApplicationMember.objects.filter(batch=batch).count() == 1
    page = client.get(again["Location"])
    assert page.status_code == 200 and application.number in page.content.decode()


def test_the_sales_systems_api_answers_and_a_resend_gets_the_same_application(
    make_user: Any, logged: Records
) -> None:
    batch = published_batch(code="RSA26")
    system = make_user("developer")
    staff_of(batch.project.sales_office, system)
    raw = api_token_issue(actor=OPERATOR, user=system, name="销售系统")[1]
    api = Client(headers={"Authorization": f"Bearer {raw}"}, raise_request_exception=False)
    _applicant, members = own(2, spouse=False)
    body = {
        "members": [
            {"relation": "applicant", "name": members[0].name, "id_number": members[0].id_number}
        ],
        "pools": ["first_home"],
    }
    path = f"/api/housing/batches/{batch.code}/registrations"

    with acting_at(COMMITTED, restart_test_cluster):
        response = api.post(path, body, content_type="application/json")
    _reconnect()

    assert response.status_code == 201, response.content[:300]
    number = response.json()["number"]
    assert Application.objects.get(batch=batch).number == number
    again = api.post(path, body, content_type="application/json")
    assert again.status_code == 200
    assert again.json()["number"] == number and again.json()["created"] is False
    assert again.json()["salt"] == response.json()["salt"]
    assert Application.objects.filter(batch=batch).count() == 1
    assert logged.messages(logging.ERROR) == []


def test_a_request_failing_for_want_of_the_database_says_so_and_is_logged_once(
    logged: Records,
) -> None:
    """The database restarted before the request: reading the session fails. The answer is a
    503 that says whether it was saved cannot be known and sending again is safe (it was a
    bare 500), logged once, with its traceback (it was logged twice: the session middleware
    read the session again on the way out, failed again, and logged a second traceback)."""
    batch = published_batch(code="RSL26")
    applicant, members = own(3, spouse=False)
    client = Client(raise_request_exception=False)
    client.force_login(applicant)
    restart_test_cluster()  # the client's connection (the test's) is ended with the others

    response = client.post(f"/housing/{batch.code}/register/", _form(members))
    _reconnect()

    assert response.status_code == 503
    page = response.content.decode()
    assert "无法确认本次提交是否已保存" in page and "cannot be known" in page
    assert 'name="viewport"' in page  # readable on the phone it was sent from
    errors = [r for r in logged.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info is not None
    assert errors[0].getMessage() == f"Service Unavailable: /housing/{batch.code}/register/"
    # once the database is back, the same session and the same form register the household
    again = client.post(f"/housing/{batch.code}/register/", _form(members))
    assert again.status_code == 302
    assert Application.objects.filter(batch=batch).count() == 1


def test_the_api_says_when_the_outcome_cannot_be_known(make_user: Any, logged: Records) -> None:
    batch = published_batch(code="RSU26")
    system = make_user("developer")
    staff_of(batch.project.sales_office, system)
    raw = api_token_issue(actor=OPERATOR, user=system, name="销售系统")[1]
    api = Client(headers={"Authorization": f"Bearer {raw}"}, raise_request_exception=False)
    _applicant, members = own(4, spouse=False)
    body = {
        "members": [{"relation": "applicant", "name": "张三明", "id_number": members[0].id_number}]
    }
    path = f"/api/housing/batches/{batch.code}/registrations"
    restart_test_cluster()

    response = api.post(path, body, content_type="application/json")
    _reconnect()

    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response.json()["code"] == "database_unavailable"
    assert len([r for r in logged.records if r.levelno >= logging.ERROR]) == 1
    again = api.post(path, body, content_type="application/json")
    assert again.status_code == 201
