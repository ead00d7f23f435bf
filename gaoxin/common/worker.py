"""Background tasks whose worker was lost, found and run again.

django-tasks-db marks a task RUNNING when a worker claims it and never looks at it again: a
worker killed in the middle of a task (SIGKILL, the OOM killer, a power cut) leaves the task
RUNNING for ever and nobody runs it (upstream issue RealOrangeOne/django-tasks-db#5). Gaoxin
adds a lease per running task:

- when a worker starts a task (django-tasks' `task_started` signal) it writes a `TaskLease`:
  host name, boot id, pid and the process's start time, and a heartbeat time; the lease is
  deleted when the task finishes (`task_finished`);
- a thread in every worker renews its leases' heartbeat every GAOXIN_TASK_HEARTBEAT_SECONDS
  and sweeps for lost tasks (`recover_lost`);
- a RUNNING task is lost when its lease's process is gone (on the same host: no such pid, a
  pid with another start time, or a new boot id — decided at once), when the lease is another
  host's and its heartbeat is older than GAOXIN_TASK_STALE_SECONDS, or when it has no lease and
  was claimed longer ago than that (the worker died between claiming and starting it);
- a lost task goes back to READY (an audit event `tasks.requeued` says which, why and whose)
  and a worker runs it again; the task sees `context.attempt` > 1.

Every Gaoxin task is written to be run again: its data is written in one transaction (the
killed one left nothing), it restarts from its job row, and it gives up with a clear error once
`attempt` exceeds GAOXIN_TASK_MAX_ATTEMPTS (`gave_up`), so a job that kills its worker every
time cannot loop. Gaoxin's `manage.py db_worker` (a thin wrapper round django-tasks-db's) sweeps
when it starts and then every heartbeat; `manage.py tasks_recover` sweeps once.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from . import audit
from .actors import WORKER
from .models import TaskLease, WorkerBeat

logger = logging.getLogger(__name__)

HOST = socket.gethostname()[:255]


def heartbeat_seconds() -> float:
    return float(getattr(settings, "GAOXIN_TASK_HEARTBEAT_SECONDS", 10))


def stale_seconds() -> float:
    return float(getattr(settings, "GAOXIN_TASK_STALE_SECONDS", 300))


def max_attempts() -> int:
    return int(getattr(settings, "GAOXIN_TASK_MAX_ATTEMPTS", 3))


def gave_up(attempt: int) -> bool:
    """True when a task has been started more often than GAOXIN_TASK_MAX_ATTEMPTS: its worker
    was lost every time, so it should fail with a message instead of running again."""
    return attempt > max_attempts()


# -- is the process holding a lease still alive? --------------------------------------------


def boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()[:64]
    except OSError:
        return ""


def process_start(pid: int) -> str | None:
    """The process's start time (clock ticks since boot, /proc/PID/stat field 22), which tells
    a process from a later one that reuses its pid; None when there is no such running process
    (gone, or exited and not yet reaped); "" where /proc cannot tell."""
    if not Path("/proc/self/stat").exists():
        return ""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    except OSError:
        return ""
    fields = stat[stat.rindex(")") + 2 :].split()
    if fields[0] in {"Z", "X"}:
        return None
    return fields[19]


def process_alive(lease: TaskLease) -> bool | None:
    """Whether the lease's process still runs: True or False when it ran on this host, None when
    it is another host's (then only its heartbeat can tell)."""
    if lease.host != HOST:
        return None
    current_boot = boot_id()
    if lease.boot_id and current_boot and lease.boot_id != current_boot:
        return False  # this host rebooted since
    started = process_start(lease.pid)
    if started is None:
        return False
    if started and lease.process_started:
        return started == lease.process_started
    try:
        os.kill(lease.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# -- the worker's side: leases and their heartbeat ------------------------------------------


def write_lease(task_id: str, task_path: str, worker_id: str) -> None:
    pid = os.getpid()
    TaskLease.objects.update_or_create(
        task_id=task_id,
        defaults={
            "task_path": task_path[:200],
            "worker_id": worker_id[:64],
            "host": HOST,
            "boot_id": boot_id(),
            "pid": pid,
            "process_started": process_start(pid) or "",
            "heartbeat_at": timezone.now(),
        },
    )


class Monitor:
    """One per worker process: remembers the tasks this process runs and, in a thread, renews
    their leases and sweeps for lost tasks every heartbeat."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[str, tuple[str, str]] = {}
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def started(self, task_id: str, task_path: str, worker_id: str) -> None:
        with self._lock:
            self._running[task_id] = (task_path, worker_id)
        try:
            write_lease(task_id, task_path, worker_id)
        except DatabaseError:  # the next heartbeat writes it
            logger.warning("could not write the lease of task %s", task_id, exc_info=True)
        self.start()

    def finished(self, task_id: str) -> None:
        with self._lock:
            self._running.pop(task_id, None)
        try:
            TaskLease.objects.filter(task_id=task_id).delete()
        except DatabaseError:  # a sweep deletes leases of finished tasks
            logger.warning("could not delete the lease of task %s", task_id, exc_info=True)

    def beat(self) -> None:
        with self._lock:
            running = dict(self._running)
        for task_id, (task_path, worker_id) in running.items():
            write_lease(task_id, task_path, worker_id)

    def start(self) -> None:
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._stop.clear()
            self._thread = threading.Thread(
                target=self._loop, name="gaoxin-task-monitor", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _loop(self) -> None:
        announce()
        while not self._stop.wait(heartbeat_seconds()):
            try:
                announce()
                self.beat()
                for lost in recover_lost():
                    logger.warning("requeued lost task %s", lost)
                if getattr(settings, "GAOXIN_SCHEDULER_ENABLED", True):
                    from .scheduler import tick  # periodic work rides on the heartbeat

                    tick()
            except DatabaseError:
                logger.warning("task heartbeat failed; trying again", exc_info=True)
            finally:
                connection.close()  # this thread's own connection: fresh after a DB restart


monitor = Monitor()


def announce() -> None:
    """This worker process is alive (WorkerBeat); old rows of dead processes are dropped."""
    try:
        now = timezone.now()
        WorkerBeat.objects.update_or_create(
            worker=f"{HOST}:{os.getpid()}", defaults={"beat_at": now}
        )
        WorkerBeat.objects.filter(beat_at__lt=now - timedelta(days=1)).delete()
    except DatabaseError:
        logger.warning("could not record the worker's heartbeat", exc_info=True)


def alive(*, now: datetime | None = None) -> bool:
    """Has any background worker shown a heartbeat recently (three heartbeats)?"""
    now = now or timezone.now()
    since = now - timedelta(seconds=3 * heartbeat_seconds())
    return WorkerBeat.objects.filter(beat_at__gte=since).exists()


def _from_database_worker(sender: Any) -> bool:
    """db_worker sends its backend instance (or class) as the sender; the immediate backend's
    tasks run inside the caller and need no lease."""
    backend = sender if isinstance(sender, type) else type(sender)
    return issubclass(backend, DatabaseBackend)


def on_task_started(sender: Any, task_result: Any, **kwargs: Any) -> None:
    if _from_database_worker(sender):
        worker_ids = list(task_result.worker_ids or [])
        monitor.started(str(task_result.id), task_result.task.module_path, (worker_ids or [""])[-1])


def on_task_finished(sender: Any, task_result: Any, **kwargs: Any) -> None:
    if _from_database_worker(sender):
        monitor.finished(str(task_result.id))


# -- the sweep ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lost:
    task_id: str
    task_path: str
    reason: str
    attempts: int

    def __str__(self) -> str:
        return f"{self.task_path} {self.task_id} ({self.reason}, {self.attempts} attempt(s))"


def _lost_reason(lease: TaskLease | None, started_at: datetime | None, stale: datetime) -> str:
    if lease is None:
        return "no lease" if started_at is None or started_at < stale else ""
    alive = process_alive(lease)
    if alive is False:
        return "worker process gone"
    if alive is None and lease.heartbeat_at < stale:
        return "no heartbeat"
    return ""


def recover_lost(*, now: datetime | None = None) -> list[Lost]:
    """Put every lost RUNNING task back to READY (audited); returns what it requeued."""
    stale = (now or timezone.now()) - timedelta(seconds=stale_seconds())
    running = list(
        DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values_list(
            "id", "task_path", "started_at", "worker_ids", "args_kwargs"
        )
    )
    leases = TaskLease.objects.in_bulk([row[0] for row in running])
    requeued: list[Lost] = []
    for task_id, task_path, started_at, worker_ids, args_kwargs in running:
        lease = leases.get(task_id)
        reason = _lost_reason(lease, started_at, stale)
        if not reason:
            continue
        with transaction.atomic():
            # Guarded by started_at: a task another sweep requeued and a worker claimed again
            # since we looked has a new started_at and is left alone.
            changed = DBTaskResult.objects.filter(
                pk=task_id, status=TaskResultStatus.RUNNING, started_at=started_at
            ).update(status=TaskResultStatus.READY)
            if not changed:
                continue
            TaskLease.objects.filter(task_id=task_id).delete()
            audit.record(
                actor=WORKER,
                action="tasks.requeued",
                object_type="django_tasks_db.dbtaskresult",
                object_id=str(task_id),
                after={
                    "task": task_path,
                    "args": (args_kwargs or {}).get("args", []),
                    "reason": reason,
                    "attempts": len(worker_ids or []),
                    "worker": f"{lease.host}:{lease.pid}" if lease else None,
                },
            )
        requeued.append(Lost(str(task_id), task_path, reason, len(worker_ids or [])))
    # Leases of tasks that finished while their worker died before deleting the lease.
    TaskLease.objects.exclude(
        task_id__in=DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values("id")
    ).delete()
    return requeued
