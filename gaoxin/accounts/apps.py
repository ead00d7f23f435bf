from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "gaoxin.accounts"
    label = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        from . import roles, signals  # noqa: F401  (signals: login/logout audit events)

        post_migrate.connect(roles.sync_roles_after_migrate)

        from gaoxin.common import demo

        from .demo import load_demo_users

        demo.register(10, "accounts", load_demo_users)
