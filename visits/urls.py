from django.urls import path

from . import views

app_name = "visits"

urlpatterns: list = [
    path("", views.visit_create, name="visit_create"),
    path("<int:visit_id>/", views.visit_detail, name="visit_detail"),
    path("<int:visit_id>/case/", views.visit_to_case, name="visit_to_case"),
    path("households/", views.household_list, name="household_list"),
    path("households/new/", views.household_create, name="household_create"),
    path("households/import/", views.household_import, name="household_import"),
    path("households/import/confirm/", views.household_import_confirm, name="household_import_confirm"),
    path("households/<int:household_id>/", views.household_detail, name="household_detail"),
    path("households/<int:household_id>/edit/", views.household_edit, name="household_edit"),
    path("problems/", views.problem_ledger, name="problem_ledger"),
    path("statistics/", views.statistics, name="statistics"),
    path("assessment/", views.assessment, name="assessment"),
    path("assessment/<int:member_id>/", views.assessment_save, name="assessment_save"),
    path("forecast/", views.forecast, name="forecast"),
]
