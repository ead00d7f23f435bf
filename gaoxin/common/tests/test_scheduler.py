"""The scheduler (issue #12): a due job runs once, even with two schedulers ticking at the same
moment (PostgreSQL, two connections); occurrences are in zone time; a missed one is caught up
only within its window."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django_tasks import task

from gaoxin.common import audit, scheduler
from gaoxin.common.actors import OPERATOR
from gaoxin.common.models import AuditEvent, ScheduledRun

ZONE = ZoneInfo("Asia/Shanghai")


@task()
def counted() -> None:
    audit.record(actor=OPERATOR, action="test.scheduled_ran")


SCHEDULE = scheduler.Schedule("test.counted", "0 1 * * *", counted)


def test_occurrences_are_in_zone_time():
    now = datetime(2026, 12, 2, 1, 0, 30, tzinfo=ZONE)
    assert SCHEDULE.latest_due(now) == datetime(2026, 12, 2, 1, 0, tzinfo=ZONE)
    exactly = datetime(2026, 12, 2, 1, 0, tzinfo=ZONE)
    assert SCHEDULE.latest_due(exactly) == exactly
    before = datetime(2026, 12, 2, 0, 59, tzinfo=ZONE)
    assert SCHEDULE.latest_due(before) == datetime(2026, 12, 1, 1, 0, tzinfo=ZONE)


@pytest.mark.django_db
def test_a_due_job_runs_once_however_often_it_is_ticked():
    now = datetime(2026, 12, 2, 1, 0, 5, tzinfo=ZONE)
    assert scheduler.tick(now=now, only=[SCHEDULE]) == ["test.counted"]
    assert scheduler.tick(now=now + timedelta(seconds=10), only=[SCHEDULE]) == []
    assert AuditEvent.objects.filter(action="test.scheduled_ran").count() == 1
    # the next day's occurrence runs again
    assert scheduler.tick(now=now + timedelta(days=1), only=[SCHEDULE]) == ["test.counted"]
    # a worker back after a long outage does not run a stale occurrence
    stale = now + timedelta(days=2, hours=12)
    assert scheduler.tick(now=stale, only=[SCHEDULE]) == []


def test_the_platform_registers_its_periodic_work():
    names = {s.name for s in scheduler.schedules()}
    assert {"common.audit_checkpoint", "registry.purge_uploads"} <= names


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_the_same_moment_run_the_job_once():
    now = datetime(2026, 12, 2, 1, 0, 1, tzinfo=ZONE)
    barrier = threading.Barrier(2)
    results: list[list[str]] = []

    def worker() -> None:
        try:
            barrier.wait()
            results.append(scheduler.tick(now=now, only=[SCHEDULE]))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(len(r) for r in results) == [0, 1]
    assert ScheduledRun.objects.filter(name="test.counted").count() == 1
    assert AuditEvent.objects.filter(action="test.scheduled_ran").count() == 1
