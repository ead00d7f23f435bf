"""Enterprise support's background jobs, run by the worker on the scheduler (apps.py)."""

from __future__ import annotations

from django_tasks import task

from gaoxin.common.actors import SCHEDULER


@task()
def refresh_indicators() -> int:
    """Recompute the stored indicators of the years whose statistics changed
    (indicator_store.py), and compute the years the page shows by default if they are not
    stored yet, so that no reader waits for them."""
    from django.utils import timezone

    from . import indicator_store, indicators

    recomputed = indicator_store.refresh(indicators.STORED)
    last = timezone.localdate().year - 1
    for indicator in indicators.STORED:
        indicator_store.values(indicator, list(range(last - indicators.YEARS + 1, last + 1)))
    return recomputed


@task()
def close_due_calls() -> int:
    """Every open call whose deadline has passed closed for applications (services/calls.py)."""
    from .services import calls

    return calls.calls_close_due(actor=SCHEDULER)
