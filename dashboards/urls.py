from django.urls import path

from . import mediation_report, views

app_name = "dashboards"

urlpatterns = [
    path("workbench/", views.village_workbench, name="village_workbench"),
    path("workbench/<int:division_id>/", views.village_workbench, name="village_workbench"),
    path("cadre/", views.cadre_home, name="cadre_home"),
    path("town/", views.town_page, name="town_page"),
    path("review/", views.district_review, name="district_review"),
    path("review/town/<int:town_id>/", views.town_review, name="town_review"),
    path("review/village/<int:village_id>/", views.village_review, name="village_review"),
    path("export/", views.export_table, name="export_table"),
    path("exports/new/", views.export_job_create, name="export_job_create"),
    path("exports/<int:job_id>/", views.export_job, name="export_job"),
    path("exports/<int:job_id>/progress/", views.export_job_progress, name="export_job_progress"),
    path("exports/<int:job_id>/download/", views.export_job_download, name="export_job_download"),
    path("mediation-report/", mediation_report.mediation_report, name="mediation_report"),
    path("mediation-report/export/", mediation_report.mediation_report_export, name="mediation_report_export"),
    path("mediation-report/lock/", mediation_report.mediation_report_lock, name="mediation_report_lock"),
    path("contact-card/<int:center_id>/", views.contact_card, name="contact_card"),
]
