"""Enterprise support's background jobs, run by the worker on the scheduler (apps.py)."""

from __future__ import annotations

from django_tasks import task

from gaoxin.common.actors import SCHEDULER


@task()
def close_due_calls() -> int:
    """Every open call whose deadline has passed closed for applications (services/calls.py)."""
    from .services import calls

    return calls.calls_close_due(actor=SCHEDULER)
