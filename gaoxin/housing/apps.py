from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HousingConfig(AppConfig):
    name = "gaoxin.housing"
    label = "housing"
    verbose_name = _("Housing lottery (职住平衡)")

    def ready(self) -> None:
        from gaoxin.common import navigation
        from gaoxin.common import todos as todo_lists

        from .navigation import links, todos

        navigation.register(links)
        todo_lists.register(todos)

        from gaoxin.common import demo

        from .demo import load_demo_sales

        demo.register(30, "housing", load_demo_sales)

        from .auditwords import register as register_audit_words

        register_audit_words()

        from gaoxin.accounts import roles
        from gaoxin.accounts.choices import ScopeKind

        from .selectors import sales_office_choices

        roles.register_scope_choices(ScopeKind.SALES_OFFICE, sales_office_choices)
