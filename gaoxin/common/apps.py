from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    name = "gaoxin.common"
    label = "common"
    verbose_name = _("Common")

    def ready(self) -> None:
        from django_tasks.signals import task_finished, task_started

        from . import worker

        # Leases for the tasks a database worker runs (worker.py).
        task_started.connect(worker.on_task_started)
        task_finished.connect(worker.on_task_finished)

        from . import auditwords, scheduler, tasks

        auditwords.register_common()

        # The daily audit checkpoint at 01:00 zone time (checkpoints.py).
        scheduler.register("common.audit_checkpoint", "0 1 * * *", tasks.audit_checkpoint_daily)
        # E-mails that failed are tried again (notifications.py).
        scheduler.register(
            "common.notification_retry", "*/10 * * * *", tasks.retry_notification_emails
        )
