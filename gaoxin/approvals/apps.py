from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "gaoxin.approvals"
    label = "approvals"
    verbose_name = _("Fast-track approvals (占地类产业项目审批)")

    def ready(self) -> None:
        from gaoxin.accounts import roles
        from gaoxin.accounts.choices import ScopeKind
        from gaoxin.common import navigation, scheduler, todos

        from . import selectors, tasks
        from .auditwords import register as register_audit_words
        from .navigation import links
        from .navigation import todos as desk_todos

        navigation.register(links)
        todos.register(desk_todos)
        register_audit_words()
        roles.register_scope_choices(ScopeKind.APPROVAL_DEPARTMENT, selectors.department_choices)
        scheduler.register("approvals.sweep", "*/15 * * * *", tasks.sweep_deadlines)

        from gaoxin.common import demo

        from .demo import load_demo_approvals

        demo.register(50, "approvals", load_demo_approvals)
