from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HousingConfig(AppConfig):
    name = "gaoxin.housing"
    label = "housing"
    verbose_name = _("Housing lottery (职住平衡)")

    def ready(self) -> None:
        from gaoxin.common import navigation

        from .navigation import links

        navigation.register(links)

        from gaoxin.common import demo

        from .demo import load_demo_sales

        demo.register(30, "housing", load_demo_sales)
