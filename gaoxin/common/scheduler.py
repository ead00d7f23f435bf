"""Periodic work: deadline sweeps, the daily audit checkpoint, upload purges.

A schedule names a django-tasks task and a cron expression (croniter) in the zone's time
(TIME_ZONE, Asia/Shanghai). Every background worker ticks the schedules on its heartbeat
(`worker.Monitor`); a tick claims each due occurrence by inserting a `ScheduledRun` row whose
(name, due time) is unique, and enqueues the task in the same transaction. So a due job runs
once however many workers, on however many hosts, tick at that moment; a worker that was down
catches up on the newest missed occurrence only, and only within `catch_up`.

Apps declare their schedules in their `AppConfig.ready()`:

    from gaoxin.common import scheduler
    scheduler.register("servicedesk.escalate", "*/5 * * * *", tasks.escalate_overdue)
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from croniter import croniter
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import ScheduledRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Schedule:
    name: str
    cron: str
    task: Any  # a django_tasks Task taking no arguments
    catch_up: timedelta = timedelta(hours=6)

    def latest_due(self, now: datetime) -> datetime:
        """The newest occurrence at or before `now` (zone time, returned aware)."""
        local = timezone.localtime(now)
        probe = local + timedelta(microseconds=1)  # croniter's prev is strictly before
        due: datetime = croniter(self.cron, probe).get_prev(datetime)
        return due


_schedules: dict[str, Schedule] = {}


def register(name: str, cron: str, task: Any, *, catch_up: timedelta | None = None) -> Schedule:
    if not croniter.is_valid(cron):
        raise ValueError(f"invalid cron expression for {name}: {cron!r}")
    schedule = Schedule(name, cron, task, catch_up or timedelta(hours=6))
    _schedules[name] = schedule
    return schedule


def schedules() -> list[Schedule]:
    return sorted(_schedules.values(), key=lambda s: s.name)


def _who() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def tick(*, now: datetime | None = None, only: list[Schedule] | None = None) -> list[str]:
    """Claim and enqueue every due occurrence nobody has claimed; returns what this call ran."""
    now = now or timezone.now()
    ran = []
    for schedule in only if only is not None else schedules():
        due = schedule.latest_due(now)
        if now - due > schedule.catch_up:
            continue
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(name=schedule.name, due_at=due, claimed_by=_who())
                result = schedule.task.enqueue()
                run.task_id = str(getattr(result, "id", ""))[:64]
                run.save(update_fields=["task_id"])
        except IntegrityError:
            continue  # another scheduler claimed it first
        logger.info("scheduled %s (due %s)", schedule.name, due.isoformat())
        ran.append(schedule.name)
    return ran
