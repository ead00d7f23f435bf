"""Background work: imports run in the worker (`manage.py db_worker`), not in the request."""

from __future__ import annotations

from django_tasks import task


@task()
def run_import(run_id: int) -> None:
    from .imports.runner import execute

    execute(run_id)
