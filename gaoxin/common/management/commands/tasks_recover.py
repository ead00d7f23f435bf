"""`manage.py tasks_recover`: one sweep for background tasks whose worker was lost.

A RUNNING task whose worker process is gone (or, for another host, whose heartbeat is older
than GAOXIN_TASK_STALE_SECONDS) goes back to the queue, audited; a worker runs it again. The
worker does this by itself at start and every heartbeat; the command is for a cron job or by
hand. Prints one line per requeued task."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gaoxin.common import worker


class Command(BaseCommand):
    help = "Requeue background tasks whose worker was lost. 重新排队丢失的后台任务。"

    def handle(self, *args: Any, **options: Any) -> None:
        lost = worker.recover_lost()
        for task in lost:
            self.stdout.write(f"重新排队 / requeued: {task}")
        self.stdout.write(f"{len(lost)} 个任务重新排队 / task(s) requeued")
