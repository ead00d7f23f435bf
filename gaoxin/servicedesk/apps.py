from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceDeskConfig(AppConfig):
    name = "gaoxin.servicedesk"
    label = "servicedesk"
    verbose_name = _("Grid service desk (网格化企业服务)")

    def ready(self) -> None:
        from gaoxin.accounts import roles
        from gaoxin.accounts.choices import ScopeKind
        from gaoxin.common import navigation, scheduler, todos, workdays

        from . import selectors, tasks
        from .navigation import links
        from .navigation import todos as desk_todos

        navigation.register(links)
        todos.register(desk_todos)

        from .auditwords import register as register_audit_words

        register_audit_words()
        roles.register_scope_choices(ScopeKind.GRID, selectors.grid_choices)
        roles.register_scope_choices(ScopeKind.DEPARTMENT, selectors.department_choices)
        scheduler.register("servicedesk.escalate", "*/15 * * * *", tasks.escalate_overdue)
        scheduler.register("servicedesk.close_unrated", "30 0 * * *", tasks.close_unrated)
        scheduler.register("servicedesk.refresh_figures", "*/5 * * * *", tasks.refresh_figures)
        scheduler.register(
            "servicedesk.escalate_hazards", "5,20,35,50 * * * *", tasks.escalate_overdue_hazards
        )
        workdays.year_entered.connect(_year_entered, dispatch_uid="servicedesk.year_entered")

        from gaoxin.common import demo

        from .demo import load_demo_desk

        demo.register(40, "servicedesk", load_demo_desk)


def _year_entered(sender: Any, year: int, **kwargs: Any) -> None:
    from . import tasks

    tasks.recompute_provisional.enqueue(year)
    tasks.recompute_provisional_hazards.enqueue(year)
