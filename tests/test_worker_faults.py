"""The background worker killed in the middle of a registry import, an eligibility review and a
draw (PostgreSQL, the real `manage.py db_worker`): nothing partial is left, and when a worker
comes back it finds the lost task (its process is gone), runs it again, and the job completes —
the draw with the identical protocol.

Each test queues the job, starts `db_worker --batch` stopped at the job's pause point inside
its writing transaction (gaoxin/common/faults.py), SIGKILLs it, checks the database, then runs
`db_worker --batch` again to the end."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from gaoxin.common.actors import OPERATOR
from gaoxin.common.models import AuditEvent, TaskLease
from gaoxin.housing import services
from gaoxin.housing.models import (
    Draw,
    DrawRequest,
    DrawResult,
    Eligibility,
    EligibilityReview,
    SaleBatch,
)
from gaoxin.housing.tests.builders import (
    SECRET,
    VALUES,
    published_batch,
    register,
    revealed_batch,
)
from gaoxin.housing.tests.independent import independent_draw, published_files, verify
from gaoxin.registry import synth
from gaoxin.registry.choices import ImportStatus
from gaoxin.registry.management.commands.synth import write_files
from gaoxin.registry.models import Enterprise, ImportRun
from gaoxin.registry.services import import_start_from_path
from gaoxin.registry.tasks import run_import
from gaoxin.testing.processes import Paused, manage, run, start_paused

pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
]

WORKER = ("db_worker", "--batch", "--no-startup-delay", "--interval", "0")


# Set-up runs tasks in place (the test settings); the job under test is queued as production
# queues it: a row for a database worker.
database_tasks = override_settings(
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
)


def _kill_worker_at(point: str, tmp_path: Path) -> Paused:
    paused = start_paused(manage(*WORKER), point=point, log=tmp_path / "worker-killed.log")
    paused.kill()
    task = DBTaskResult.objects.get()
    assert task.status == TaskResultStatus.RUNNING  # django-tasks-db alone would leave it so
    assert TaskLease.objects.get(task_id=task.id).pid == paused.pid
    call_command("audit_verify")
    return paused


def _worker_comes_back(tmp_path: Path) -> str:
    run(manage(*WORKER), log=tmp_path / "worker-again.log")
    task = DBTaskResult.objects.get()
    assert task.status == TaskResultStatus.SUCCESSFUL, task.traceback
    assert len(task.worker_ids) == 2  # the lost run and this one
    assert not TaskLease.objects.exists()
    requeued = AuditEvent.objects.get(action="tasks.requeued")
    assert requeued.object_id == str(task.id)
    assert (requeued.after or {})["reason"] == "worker process gone"
    call_command("audit_verify")
    return (tmp_path / "worker-again.log").read_text()


def test_worker_killed_during_a_registry_import(tmp_path):
    zone = synth.generate(persons=60, seed=7)
    path = dict(write_files(zone, tmp_path / "zone"))["enterprise"]
    expected = sum(1 for _ in path.open(encoding="utf-8")) - 1
    run_id = import_start_from_path(actor=OPERATOR, kind="enterprise", path=path).pk
    with database_tasks:
        run_import.enqueue(run_id)

    _kill_worker_at("registry.import.written", tmp_path)
    assert Enterprise.objects.count() == 0
    assert ImportRun.objects.get(pk=run_id).status == ImportStatus.WRITING

    _worker_comes_back(tmp_path)
    finished = ImportRun.objects.get(pk=run_id)
    assert finished.status == ImportStatus.SUCCEEDED
    assert finished.inserted == expected == Enterprise.objects.count()
    actions = list(
        AuditEvent.objects.filter(object_id=str(run_id), action__startswith="registry.import.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "registry.import.started",
        "registry.import.restarted",
        "registry.import.succeeded",
    ]


def test_worker_killed_during_an_eligibility_review(make_user, tmp_path):
    batch = published_batch(code="WK26")
    register(batch, 40, first=300)
    services.batch_close_registration(actor=OPERATOR, batch=batch)
    with database_tasks:
        review = services.review_start(actor=make_user("zone_admin"), batch=batch)

    _kill_worker_at("housing.review.written", tmp_path)
    assert Eligibility.objects.count() == 0
    assert EligibilityReview.objects.get(pk=review.pk).status == "running"

    _worker_comes_back(tmp_path)
    assert EligibilityReview.objects.get(pk=review.pk).status == "done"
    assert Eligibility.objects.filter(application__batch=batch).count() == 40
    assert AuditEvent.objects.filter(action="housing.review.finished").count() == 1


def test_worker_killed_during_a_draw_rerun_gives_the_identical_protocol(make_user, tmp_path):
    batch = revealed_batch(make_user, households=200)
    admin = make_user("zone_admin")
    with database_tasks:
        request = services.draw_request(actor=admin, batch=batch, values=VALUES)
    assert request is not None and request.status == "queued"

    _kill_worker_at("housing.draw.results_written", tmp_path)
    assert not Draw.objects.exists() and not DrawResult.objects.exists()
    assert SaleBatch.objects.get(pk=batch.pk).status == "frozen"
    assert DrawRequest.objects.get(pk=request.pk).status == "running"

    _worker_comes_back(tmp_path)
    assert DrawRequest.objects.get(pk=request.pk).status == "done"
    draw = Draw.objects.get(batch=batch)
    assert DrawResult.objects.filter(draw=draw).count() == 200
    assert AuditEvent.objects.filter(action="housing.batch.draw").count() == 1

    expected_protocol, expected_results = independent_draw(batch, VALUES, SECRET, tmp_path / "x")
    files = published_files(batch.code, tmp_path / "published")
    assert files["protocol.json"].read_bytes() == expected_protocol
    assert files["results.csv"].read_bytes() == expected_results
    checked = verify(files)
    assert checked.returncode == 0, checked.stdout + checked.stderr
