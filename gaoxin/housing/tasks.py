"""Background work of housing sales (django-tasks; the worker is `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from .review import run_review


@task()
def eligibility_review(review_id: int) -> None:
    run_review(review_id)
