"""Background work: imports run in the worker (`manage.py db_worker`), not in the request.

A task may run again after its worker was lost (gaoxin/common/worker.py): `context.attempt` > 1
sends the import, whose writing transaction died with the worker, back to the start."""

from __future__ import annotations

from django_tasks import TaskContext, task

from gaoxin.common.actors import SCHEDULER


@task(takes_context=True)
def run_import(context: TaskContext, run_id: int) -> None:
    from .imports.runner import execute, restart_lost

    if context.attempt > 1 and not restart_lost(run_id, attempt=context.attempt):
        return
    execute(run_id, attempt=context.attempt)


@task()
def purge_uploads() -> int:
    """The retention period's daily purge of uploaded agency files (as
    `manage.py registry_purge_uploads`)."""
    from django.conf import settings

    from .services.retention import import_files_purge

    days = settings.GAOXIN_REGISTRY_UPLOAD_RETENTION_DAYS
    return len(import_files_purge(actor=SCHEDULER, days=days, dry_run=False).files)
