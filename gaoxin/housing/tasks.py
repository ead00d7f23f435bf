"""Background work of housing sales (django-tasks; the worker is `manage.py db_worker`).

Each task may run again after its worker was lost (gaoxin/common/worker.py); `context.attempt`
says how often it has been started."""

from __future__ import annotations

from typing import Any

from django_tasks import TaskContext, task

from .draw_run import draw_request_run
from .review_run import run_review


@task(takes_context=True)
def eligibility_review(context: TaskContext, review_id: int) -> None:
    run_review(review_id, attempt=context.attempt)


@task(takes_context=True)
def draw(context: TaskContext, request_id: int) -> Any:
    found = draw_request_run(request_id, attempt=context.attempt)
    return found.protocol_digest if found is not None else None
