"""On PostgreSQL, 20 simultaneous registrations of one household give exactly one application."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from gaoxin.common.errors import GaoxinError
from gaoxin.housing import services
from gaoxin.housing.choices import Relation
from gaoxin.housing.models import Application, ApplicationMember
from gaoxin.housing.registration import MemberIn

from .builders import bound_applicant, published_batch
from .test_registration import household, in_registry, own

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def _storm(batch, actors, members=None):
    barrier = threading.Barrier(len(actors))
    outcomes: list[object] = []
    lock = threading.Lock()

    def submit(actor):
        try:
            barrier.wait()
            result = services.application_register(
                actor=actor,
                batch=batch,
                members=(members or {}).get(actor.pk, household(7)),
                pools=["key_industry"],
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


def test_both_spouses_clicking_together_give_one_application(make_user):
    """The applicant and the spouse, each from their own bound account, register the couple
    at once, ten times each: one application; the other spouse is refused, the clicks of the
    one who won get it back."""
    batch = published_batch(code="C2026")
    members = in_registry(7)
    applicant = bound_applicant(id_number=members[0].id_number)
    spouse = bound_applicant(id_number=members[1].id_number)
    swapped = [
        MemberIn(Relation.APPLICANT, members[1].name, members[1].id_number),
        MemberIn(Relation.SPOUSE, members[0].name, members[0].id_number),
    ]
    outcomes = _storm(
        batch, [applicant, spouse] * 10, members={applicant.pk: members, spouse.pk: swapped}
    )
    assert len(outcomes) == 20
    created = [o for o in outcomes if not isinstance(o, str) and o.created]
    assert len(created) == 1
    assert (
        sorted(o for o in outcomes if isinstance(o, str))
        == ["housing.person_already_registered"] * 10
    )
    assert Application.objects.filter(batch=batch).count() == 1
    assert ApplicationMember.objects.filter(batch=batch).count() == 2


def test_twenty_clicks_of_one_user_one_application(make_user):
    batch = published_batch(code="K2026")
    applicant, members = own(7)
    outcomes = _storm(batch, [applicant] * 20, members={applicant.pk: members})
    numbers = {o.application.number for o in outcomes if not isinstance(o, str)}
    assert numbers == {"K2026-000001"}
    assert Application.objects.filter(batch=batch).count() == 1


def test_two_simultaneous_draw_requests_produce_one_draw(make_user):
    import threading

    from gaoxin.housing.models import Draw

    from .builders import VALUES, revealed_batch

    batch = revealed_batch(make_user)
    admins = [make_user("zone_admin"), make_user("zone_admin")]
    barrier = threading.Barrier(2)
    drawn: list[int] = []

    def run(actor):
        try:
            barrier.wait()
            drawn.append(services.draw_execute(actor=actor, batch=batch, values=VALUES).pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(a,)) for a in admins]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(drawn) == 2 and len(set(drawn)) == 1
    assert Draw.objects.filter(batch=batch).count() == 1
