from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "gaoxin.registry"
    label = "registry"
    verbose_name = _("Zone registry")

    def ready(self) -> None:
        from gaoxin.common import navigation

        from .navigation import links

        navigation.register(links)

        from gaoxin.common import demo

        demo.register(20, "registry", _load_demo_zone)

        from .auditwords import register as register_audit_words

        register_audit_words()

        from gaoxin.common import scheduler

        from . import tasks

        scheduler.register("registry.purge_uploads", "30 2 * * *", tasks.purge_uploads)


def _load_demo_zone() -> list[str]:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("registry_demo", if_empty=True, stdout=out)
    return [line for line in out.getvalue().splitlines() if line.strip()]
