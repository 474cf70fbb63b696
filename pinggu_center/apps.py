from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class PingguCenterConfig(AppConfig):
    name = "pinggu_center"
    verbose_name = _("组织与账号")

    def ready(self) -> None:
        from . import audit, freshness, middleware  # noqa: F401 - the login signals: audit, and a sign-in renews the session
        from .checks import outbox_handlers_import
        from .second_factor import middleware as second_factor  # noqa: F401 - decides at login whether a code is needed

        checks.register(outbox_handlers_import)
        freshness.connect()
