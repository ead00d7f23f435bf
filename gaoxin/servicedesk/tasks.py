"""The desk's background jobs, run by the worker on the scheduler (apps.py)."""

from __future__ import annotations

from django_tasks import task

from gaoxin.common.actors import SCHEDULER


@task()
def escalate_overdue() -> int:
    """Every overdue step one rung up the ladder (services/escalation.py)."""
    from .services import escalation

    return escalation.escalate_overdue(actor=SCHEDULER)


@task()
def close_unrated() -> int:
    from .services import escalation

    return escalation.close_unrated(actor=SCHEDULER)


@task()
def recompute_provisional(year: int) -> int:
    """After a year's holidays are entered: the deadlines that reached it, computed again."""
    from .services import escalation

    return escalation.recompute_provisional(year)


@task()
def escalate_overdue_hazards() -> int:
    """Every overdue work-safety hazard one rung up (services/safety.py)."""
    from .services import safety

    return safety.escalate_overdue_hazards(actor=SCHEDULER)


@task()
def recompute_provisional_hazards(year: int) -> int:
    from .services import safety

    return safety.recompute_provisional_hazards(year)


@task()
def refresh_figures() -> int:
    """Recount the months of the figures' store that changed (figurestore.py), so a dashboard
    seldom has more than a few minutes of changes to count before it answers."""
    from . import figurestore

    return figurestore.refresh()
