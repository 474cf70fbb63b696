from django.urls import path

from . import views

app_name = "aids"

urlpatterns = [
    path("cases/<int:pk>/similar/", views.case_similar, name="case_similar"),
    path("intake/similar/", views.intake_similar, name="intake_similar"),
    path("warnings/", views.warning_list, name="warning_list"),
    path("warnings/export.xlsx", views.warning_export, name="warning_export"),
    path("warnings/<int:pk>/", views.warning_detail, name="warning_detail"),
    path("warnings/<int:pk>/handle/", views.warning_handle, name="warning_handle"),
]
