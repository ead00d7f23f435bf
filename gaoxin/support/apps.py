from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "gaoxin.support"
    label = "support"
    verbose_name = _("Enterprise support (企业扶持)")

    def ready(self) -> None:
        from gaoxin.common import demo, navigation, scheduler, todos
        from gaoxin.servicedesk.signals import statistics_changed

        from . import indicator_store, tasks
        from .auditwords import register as register_audit_words
        from .demo import load_demo_support
        from .navigation import links
        from .navigation import todos as support_todos

        navigation.register(links)
        todos.register(support_todos)
        scheduler.register("support.close_due_calls", "*/10 * * * *", tasks.close_due_calls)
        register_audit_words()
        demo.register(50, "support", load_demo_support)
        statistics_changed.connect(
            indicator_store.on_statistics_changed, dispatch_uid="support.indicator_store"
        )
        scheduler.register("support.refresh_indicators", "*/5 * * * *", tasks.refresh_indicators)
