"""Lost background tasks: which RUNNING tasks count as lost, and what a sweep does with them.
(The real worker killed mid-job: tests/test_worker_faults.py, PostgreSQL.)"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from gaoxin.common import worker
from gaoxin.common.audit import verify_chain
from gaoxin.common.models import AuditEvent, TaskLease

pytestmark = pytest.mark.django_db


def running_task(*, started_minutes_ago: float = 0, attempts: int = 1) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": [7], "kwargs": {}},
        task_path="gaoxin.housing.tasks.draw",
        backend_name="default",
        run_after=get_date_max(),
        started_at=timezone.now() - timedelta(minutes=started_minutes_ago),
        worker_ids=[f"w{n}" for n in range(attempts)],
    )


def lease(task: DBTaskResult, **fields: object) -> TaskLease:
    values: dict[str, object] = {
        "task_path": task.task_path,
        "host": worker.HOST,
        "boot_id": worker.boot_id(),
        "pid": os.getpid(),
        "process_started": worker.process_start(os.getpid()) or "",
        "heartbeat_at": timezone.now(),
    }
    values.update(fields)
    return TaskLease.objects.create(task_id=task.pk, **values)


def exited_process() -> tuple[int, str]:
    """The pid and start time of a process that has exited and been reaped."""
    child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=-1)
    started = worker.process_start(child.pid)
    child.communicate(b"")
    return child.pid, started or ""


def status(task: DBTaskResult) -> str:
    return DBTaskResult.objects.get(pk=task.pk).status


def test_a_task_whose_worker_process_is_gone_is_requeued_and_audited():
    task = running_task()
    pid, started = exited_process()
    lease(task, pid=pid, process_started=started)
    lost = worker.recover_lost()
    assert [(x.task_id, x.reason) for x in lost] == [(str(task.pk), "worker process gone")]
    assert status(task) == TaskResultStatus.READY
    assert not TaskLease.objects.exists()
    event = AuditEvent.objects.get(action="tasks.requeued")
    assert event.object_id == str(task.pk)
    assert event.after == {
        "task": "gaoxin.housing.tasks.draw",
        "args": [7],
        "reason": "worker process gone",
        "attempts": 1,
        "worker": f"{worker.HOST}:{pid}",
    }
    assert verify_chain().ok
    assert worker.recover_lost() == []  # a second sweep finds nothing


def test_a_live_worker_keeps_its_task_even_when_its_heartbeat_is_old():
    task = running_task(started_minutes_ago=60)
    lease(task, heartbeat_at=timezone.now() - timedelta(hours=1))  # this process: alive
    assert worker.recover_lost() == []
    assert status(task) == TaskResultStatus.RUNNING


def test_a_reused_pid_or_a_reboot_does_not_pass_for_the_worker():
    reused = running_task()
    lease(reused, process_started="1")  # this pid, but another process's start time
    rebooted = running_task()
    lease(rebooted, boot_id="another-boot")
    reasons = {x.task_id: x.reason for x in worker.recover_lost()}
    assert reasons == {
        str(reused.pk): "worker process gone",
        str(rebooted.pk): "worker process gone",
    }


def test_another_hosts_task_is_lost_only_when_its_heartbeat_stopped(settings):
    settings.GAOXIN_TASK_STALE_SECONDS = 300
    beating = running_task(started_minutes_ago=60)
    lease(beating, host="worker-2", heartbeat_at=timezone.now() - timedelta(seconds=30))
    silent = running_task(started_minutes_ago=60)
    lease(silent, host="worker-2", heartbeat_at=timezone.now() - timedelta(seconds=301))
    lost = worker.recover_lost()
    assert [(x.task_id, x.reason) for x in lost] == [(str(silent.pk), "no heartbeat")]
    assert status(beating) == TaskResultStatus.RUNNING


def test_a_task_claimed_without_a_lease_is_lost_after_the_stale_time(settings):
    settings.GAOXIN_TASK_STALE_SECONDS = 300
    just_claimed = running_task(started_minutes_ago=1)
    long_ago = running_task(started_minutes_ago=6)
    lost = worker.recover_lost()
    assert [(x.task_id, x.reason) for x in lost] == [(str(long_ago.pk), "no lease")]
    assert status(just_claimed) == TaskResultStatus.RUNNING


def test_finished_tasks_lose_their_leases_and_other_states_are_left_alone():
    done = running_task()
    DBTaskResult.objects.filter(pk=done.pk).update(status=TaskResultStatus.SUCCESSFUL)
    lease(done, pid=exited_process()[0])
    assert worker.recover_lost() == []
    assert status(done) == TaskResultStatus.SUCCESSFUL
    assert not TaskLease.objects.exists()
    assert not AuditEvent.objects.filter(action="tasks.requeued").exists()


def test_the_worker_signals_write_and_delete_the_lease():
    from django_tasks_db.backend import DatabaseBackend

    class Result:
        id = uuid.uuid4()
        worker_ids = ["w-1"]

        class task:  # a stand-in for the task object
            module_path = "gaoxin.housing.tasks.draw"

    backend = DatabaseBackend(alias="default", params={})
    worker.on_task_started(sender=backend, task_result=Result)
    try:
        written = TaskLease.objects.get(task_id=Result.id)
        assert (written.pid, written.worker_id, written.host) == (os.getpid(), "w-1", worker.HOST)
        assert worker.process_alive(written) is True
    finally:
        worker.on_task_finished(sender=backend, task_result=Result)
        worker.monitor.stop()
    assert not TaskLease.objects.filter(task_id=Result.id).exists()
    worker.on_task_started(sender=object(), task_result=Result)  # not a database worker
    assert not TaskLease.objects.exists()


def test_gave_up_after_the_maximum_attempts(settings):
    settings.GAOXIN_TASK_MAX_ATTEMPTS = 3
    assert [worker.gave_up(n) for n in (1, 3, 4)] == [False, False, True]


def test_tasks_recover_command_prints_what_it_requeued(capsys):
    task = running_task()
    lease(task, pid=exited_process()[0], process_started="")
    call_command("tasks_recover")
    out = capsys.readouterr().out
    assert str(task.pk) in out and "1 个任务重新排队 / task(s) requeued" in out


def test_the_heartbeat_renews_the_leases_of_this_process_tasks():
    task = running_task()
    monitor = worker.Monitor()
    monitor.started(str(task.pk), task.task_path, "w-9")
    monitor.stop()  # no thread here: beat by hand
    TaskLease.objects.filter(task_id=task.pk).update(
        heartbeat_at=timezone.now() - timedelta(hours=1)
    )
    monitor.beat()
    renewed = TaskLease.objects.get(task_id=task.pk)
    assert timezone.now() - renewed.heartbeat_at < timedelta(minutes=1)
    assert renewed.worker_id == "w-9"
    monitor.finished(str(task.pk))
    monitor.beat()
    assert not TaskLease.objects.exists()
