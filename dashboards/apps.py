from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("工作台与评估")

    def ready(self) -> None:
        from pinggu_center import freshness

        from .tasks import prepare_figures

        freshness.prepare_after_writes(prepare_figures)
