from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationReportConfig(AppConfig):
    """The people's-mediation statistics report (人民调解统计报表): its fields per case, counters and locks."""

    name = "cases.mediation_report"
    label = "mediation_report"
    verbose_name = _("人民调解统计")
