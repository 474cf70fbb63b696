from django.urls import path

from . import views

app_name = "legal_education"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("coverage/", views.coverage, name="coverage"),
    path("liaisons/overview/", views.liaison_overview, name="liaison_overview"),
    path("teams/", views.team_list, name="team_list"),
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/<int:activity_id>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:activity_id>/photos/", views.photo_upload, name="photo_upload"),
    path("photos/<int:photo_id>/", views.photo_file, name="photo_file"),
    path("liaisons/", views.liaison_list, name="liaison_list"),
    path("liaisons/new/", views.liaison_create, name="liaison_create"),
    path("liaisons/<int:liaison_id>/", views.liaison_detail, name="liaison_detail"),
    path("liaisons/<int:liaison_id>/trainings/", views.training_create, name="training_create"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/new/", views.report_create, name="report_create"),
    path("reports/<int:report_id>/file/", views.report_file, name="report_file"),
]
