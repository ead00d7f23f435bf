"""Periodic work of the platform itself (scheduled in apps.py, run by the background worker)."""

from __future__ import annotations

from django_tasks import task


@task()
def audit_checkpoint_daily() -> str:
    """Sign and publish the audit chain's head (common/checkpoints.py)."""
    from .checkpoints import checkpoint_create

    return checkpoint_create(actor=None, reason="daily").chain_hash
