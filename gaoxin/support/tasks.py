"""The support app's background jobs, run by the worker on the scheduler (apps.py)."""

from __future__ import annotations

from django_tasks import task


@task()
def refresh_indicators() -> int:
    """Recompute the stored indicators of the years whose statistics changed
    (indicator_store.py): the indicators page reads them, never waits for them."""
    from . import indicator_store, indicators

    return indicator_store.refresh(indicators.STORED)
