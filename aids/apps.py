from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AidsConfig(AppConfig):
    name = "aids"
    verbose_name = _("调解辅助")

    def ready(self) -> None:
        from . import handlers  # noqa: F401 - connects the index hook and registers the outbox handler
