"""Periodic work of the platform itself (scheduled in apps.py, run by the background worker)."""

from __future__ import annotations

from django_tasks import task

from .actors import SCHEDULER


@task()
def audit_checkpoint_daily() -> str:
    """Sign and publish the audit chain's head (common/checkpoints.py)."""
    from .checkpoints import checkpoint_create

    return checkpoint_create(actor=SCHEDULER, reason="daily").chain_hash


@task()
def send_notification_emails(ids: list[int]) -> int:
    from .notifications import send_emails

    return send_emails(ids)


@task()
def retry_notification_emails() -> int:
    from .notifications import retry_failed

    return retry_failed()
