from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = _("大走访")

    def ready(self) -> None:
        from pinggu_center import freshness

        from .tasks import prepare_statistics

        freshness.prepare_after_writes(prepare_statistics)
