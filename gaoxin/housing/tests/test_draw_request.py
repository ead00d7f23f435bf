"""The administrator's "run the draw" goes to the background worker: checked at once, queued
once, progress on the manage page, a failure shown; a worker lost too often gives up clearly.
(The test settings run tasks in place; the real worker: tests/test_worker_faults.py.)"""

from __future__ import annotations

import pytest
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from gaoxin.common.actors import OPERATOR
from gaoxin.common.audit import verify_chain
from gaoxin.common.models import AuditEvent
from gaoxin.housing import draw_run, services
from gaoxin.housing.models import Draw, DrawRequest, NotaryReveal
from gaoxin.testing.errors import raises_code

from .builders import VALUES, revealed_batch

pytestmark = pytest.mark.django_db

database_tasks = override_settings(
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
)


@pytest.fixture
def revealed(make_user):
    return revealed_batch(make_user)


def test_the_manage_page_queues_the_draw_and_shows_its_progress(revealed, client_for):
    admin = client_for("zone_admin")
    page = f"/housing/manage/{revealed.code}/"
    assert f'action="/housing/manage/{revealed.code}/draw/run/"' in admin.get(page).content.decode()
    response = admin.post(
        f"/housing/manage/{revealed.code}/draw/run/",
        {"value_0": VALUES[0], "value_1": VALUES[1]},
        follow=True,
    )
    assert response.status_code == 200
    request = DrawRequest.objects.get(batch=revealed)
    assert request.status == "done" and request.values == VALUES
    assert Draw.objects.filter(batch=revealed).count() == 1
    progress = admin.get(f"/housing/manage/{revealed.code}/draw/progress/").content.decode()
    assert 'data-status="done"' in progress and "hx-get" not in progress  # polling stops
    assert f"/housing/{revealed.code}/results/" in progress


def test_other_values_are_refused_at_once_and_nothing_is_queued(revealed, make_user):
    """Only the values entered before the notary's reveal are drawn with (issue #13)."""
    with database_tasks, raises_code("housing.values_differ"):
        services.draw_request(actor=make_user("zone_admin"), batch=revealed, values=["x", "y"])
    assert not DrawRequest.objects.exists() and not DBTaskResult.objects.exists()
    with database_tasks, raises_code("not_allowed"):
        services.draw_request(actor=make_user("reviewer"), batch=revealed, values=VALUES)


def test_a_queued_request_is_shown_polling_and_a_second_click_gets_it(revealed, make_user, client):
    admin = make_user("zone_admin")
    with database_tasks:
        first = services.draw_request(actor=admin, batch=revealed, values=VALUES)
        again = services.draw_request(
            actor=make_user("zone_admin"), batch=revealed, values=["1", "2"]
        )
    assert first is not None and again == first and first.status == "queued"
    assert DBTaskResult.objects.count() == 1  # queued with the request, in its transaction
    assert not Draw.objects.exists()
    client.force_login(admin)
    page = client.get(f"/housing/manage/{revealed.code}/").content.decode()
    assert 'data-status="queued"' in page and "hx-get" in page
    assert "/draw/run/" not in page  # no second form while it runs
    assert AuditEvent.objects.filter(action="housing.draw.requested").count() == 1


def test_the_worker_runs_the_request_once_even_when_run_again(revealed, make_user):
    with database_tasks:
        request = services.draw_request(
            actor=make_user("zone_admin"), batch=revealed, values=VALUES
        )
    assert request is not None
    draw = draw_run.draw_request_run(request.pk, attempt=1)
    assert draw is not None and DrawRequest.objects.get(pk=request.pk).status == "done"
    # A worker lost after the commit: the requeued task finds the request done.
    assert draw_run.draw_request_run(request.pk, attempt=2) is None
    assert Draw.objects.count() == 1
    assert AuditEvent.objects.filter(action="housing.batch.draw").count() == 1


def test_a_request_whose_worker_was_lost_too_often_fails_with_a_message(
    revealed, make_user, settings
):
    settings.GAOXIN_TASK_MAX_ATTEMPTS = 3
    with database_tasks:
        request = services.draw_request(
            actor=make_user("zone_admin"), batch=revealed, values=VALUES
        )
    assert request is not None
    assert draw_run.draw_request_run(request.pk, attempt=4) is None
    failed = DrawRequest.objects.get(pk=request.pk)
    assert failed.status == "failed" and "3" in failed.error and "worker" in failed.error
    assert not Draw.objects.exists()
    assert AuditEvent.objects.get(action="housing.draw.failed").after == {
        "request": request.pk,
        "error": "housing.worker_lost",
    }
    assert verify_chain().ok
    # Failed requests end; the administrator can ask again and the draw runs.
    again = services.draw_request(actor=make_user("zone_admin"), batch=revealed, values=VALUES)
    assert again is not None and again.pk != request.pk and again.status == "done"


def test_a_rule_broken_by_the_time_the_worker_runs_fails_the_request(revealed, make_user, client):
    admin = make_user("zone_admin")
    with database_tasks:
        request = services.draw_request(actor=admin, batch=revealed, values=VALUES)
    assert request is not None
    NotaryReveal.objects.filter(batch=revealed).delete()  # as if withdrawn meanwhile
    assert draw_run.draw_request_run(request.pk) is None
    failed = DrawRequest.objects.get(pk=request.pk)
    assert failed.status == "failed" and failed.error_code == "housing.not_revealed"
    client.force_login(admin)
    progress = client.get(f"/housing/manage/{revealed.code}/draw/progress/").content.decode()
    assert 'data-status="failed"' in progress and "hx-get" not in progress
    assert "公证员尚未公开秘密值" in progress  # in the reader's language, from the stored code
    english = client.get(f"/housing/manage/{revealed.code}/draw/progress/?lang=en")
    assert "The notary has not revealed the secret" in english.content.decode()


@pytest.mark.parametrize("edit", ["pool", "unknown_pool", "header"])
def test_a_roster_changed_in_the_database_is_refused_and_nothing_is_drawn(revealed, edit):
    from gaoxin.housing.models import DrawResult, Roster

    roster = Roster.objects.get(batch=revealed)
    text = bytes(roster.csv).decode("utf-8")
    changed = {
        "pool": text.replace(",first_home;general,", ",general,", 1),
        "unknown_pool": text.replace(";general,", ";general;vip,", 1),
        "header": text.replace("registration_number", "number", 1),
    }[edit]
    assert changed != text
    Roster.objects.filter(pk=roster.pk).update(csv=changed.encode("utf-8"))
    with raises_code("housing.roster_changed") as error:
        services.draw_execute(actor=OPERATOR, batch=revealed, values=VALUES)
    assert roster.root in error.value.message("en")
    assert not Draw.objects.exists() and not DrawResult.objects.exists()


def test_an_application_with_a_result_cannot_be_deleted(revealed):
    from django.db.models import ProtectedError

    from gaoxin.housing.models import DrawResult

    services.draw_execute(actor=OPERATOR, batch=revealed, values=VALUES)
    result = DrawResult.objects.select_related("application").first()
    assert result is not None
    with pytest.raises(ProtectedError):  # enforced by Django: the table has no FK constraint
        result.application.delete()
    assert DrawResult.objects.filter(pk=result.pk, application__number=result.number).exists()
