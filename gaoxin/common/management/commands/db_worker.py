"""`manage.py db_worker`: django-tasks-db's worker, plus Gaoxin's recovery of lost tasks.

At start it requeues every task whose worker was lost (a RUNNING task whose process is gone,
see gaoxin/common/worker.py); while it runs, a thread renews the leases of its own tasks and
sweeps again every GAOXIN_TASK_HEARTBEAT_SECONDS. Options are django-tasks-db's."""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands import db_worker

from gaoxin.common import worker


class Command(db_worker.Command):
    help = (
        "Run background tasks (django-tasks database backend); tasks of a lost worker are run "
        "again. 运行后台任务；丢失的任务会重新执行。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for lost in worker.recover_lost():
            self.stdout.write(f"重新排队 / requeued: {lost}")
        worker.monitor.start()
        super().handle(*args, **options)
