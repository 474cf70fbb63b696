from django.urls import path

from . import views
from .mediation_report import views as report_views

app_name = "cases"


def _action(route: str, name: str):
    return path(f"<int:pk>/{route}/", views.case_action, {"action": name}, name=f"case_{name}")


urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("new/", views.case_create, name="case_create"),
    path("inbox/", views.whistle_inbox, name="whistle_inbox"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/reveal/", views.case_reveal, name="case_reveal"),
    path("<int:pk>/mediation-report/", report_views.report_edit, name="case_report_edit"),
    path("<int:pk>/agreement/print/", views.agreement_print, name="agreement_print"),
    path("attachments/<int:attachment_id>/", views.attachment_download, name="attachment_download"),
    _action("path", "choose_path"),
    _action("session", "session"),
    _action("whistle", "whistle"),
    _action("agreement", "agreement"),
    _action("confirmation", "confirmation"),
    _action("archive", "archive"),
    _action("escalate", "escalate"),
    _action("transfer", "transfer"),
    _action("follow-up", "follow_up"),
    _action("extend", "extend"),
    _action("review", "review"),
    _action("attachments/add", "attach"),
    path("summons/<int:summons_id>/report-in/", views.summons_action, {"action": "report_in"}, name="summons_report_in"),
    path("summons/<int:summons_id>/rate/", views.summons_action, {"action": "rate"}, name="summons_rate"),
    path("transfers/<int:transfer_id>/feedback/", views.transfer_action, name="transfer_feedback"),
]
