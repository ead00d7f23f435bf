"""On PostgreSQL, 20 simultaneous registrations of one household give exactly one application."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from gaoxin.common.errors import GaoxinError
from gaoxin.housing import services
from gaoxin.housing.models import Application, ApplicationMember

from .factories import make_batch
from .test_registration import household

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def _storm(batch, actors):
    barrier = threading.Barrier(len(actors))
    outcomes: list[object] = []
    lock = threading.Lock()

    def submit(actor):
        try:
            barrier.wait()
            result = services.application_register(
                actor=actor, batch=batch, members=household(7), pools=["key_industry"]
            )
            outcome: object = result
        except GaoxinError as error:
            outcome = error.code
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=submit, args=(actor,)) for actor in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_twenty_different_submitters_one_application(make_user):
    batch = make_batch(code="C2026")
    actors = [make_user("applicant") for _ in range(20)]
    outcomes = _storm(batch, actors)
    assert len(outcomes) == 20
    created = [o for o in outcomes if not isinstance(o, str) and o.created]
    assert len(created) == 1
    assert (
        sorted(o for o in outcomes if isinstance(o, str))
        == ["housing.person_already_registered"] * 19
    )
    assert Application.objects.filter(batch=batch).count() == 1
    assert ApplicationMember.objects.filter(batch=batch).count() == 2


def test_twenty_clicks_of_one_user_one_application(make_user):
    batch = make_batch(code="K2026")
    applicant = make_user("applicant")
    outcomes = _storm(batch, [applicant] * 20)
    numbers = {o.application.number for o in outcomes if not isinstance(o, str)}
    assert numbers == {"K2026-000001"}
    assert Application.objects.filter(batch=batch).count() == 1
