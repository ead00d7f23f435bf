"""The desk's background jobs, run by the worker on the scheduler (apps.py)."""

from __future__ import annotations

from django_tasks import task

from gaoxin.common.actors import SCHEDULER


@task()
def sweep_deadlines() -> dict[str, int]:
    """Due-soon and overdue alerts, broken 容缺 promises (services/deadlines.py)."""
    from .services import deadlines

    return deadlines.sweep(actor=SCHEDULER)
