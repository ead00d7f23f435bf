"""The session's save after a registration committed never turns the answer into a failure,
on any database (common/sessions.py; issue 20). Here the session row is deleted between the
commit and the answer, as a logout in another tab does: Django's own middleware answered 400
("The request's session was deleted before the request completed") for a saved registration.
The PostgreSQL restart in the same place: test_restart_after_commit.py."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from gaoxin.common.faults import acting_at
from gaoxin.housing.models import Application

from .builders import published_batch
from .test_registration import own

pytestmark = pytest.mark.django_db


def test_a_session_deleted_after_the_commit_leaves_the_answer_standing() -> None:
    batch = published_batch(code="SES26")
    applicant, members = own(1, spouse=False)
    client = Client(raise_request_exception=False)
    client.force_login(applicant)
    form = {
        "applicant_name": members[0].name,
        "applicant_id": members[0].id_number,
        "phone": "13912345678",
        "consent": "on",
    }

    def log_out_elsewhere() -> None:
        Session.objects.all().delete()

    with acting_at("housing.registration.committed", log_out_elsewhere):
        response = client.post(f"/housing/{batch.code}/register/", form)

    application = Application.objects.get(batch=batch)
    assert response.status_code == 302
    assert response["Location"] == f"/housing/applications/{application.number}/"
    # signed out, as after a logout elsewhere: the next page asks to log in
    assert client.get(response["Location"]).status_code == 302
