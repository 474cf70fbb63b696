from django.urls import path

from .public import views

app_name = "public"

urlpatterns = [
    path("track/", views.track, name="track"),
    path("<str:division_code>/report/", views.report, name="report"),
]
