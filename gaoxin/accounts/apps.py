from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "gaoxin.accounts"
    label = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        from gaoxin.common import demo

        from . import signals  # noqa: F401  (signals: login/logout audit events)
        from .demo import load_demo_users

        demo.register(10, "accounts", load_demo_users)

        from .auditwords import register as register_audit_words

        register_audit_words()
