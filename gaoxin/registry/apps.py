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
