from django.urls import path

from . import views

app_name = "offline"

urlpatterns = [
    path("state.json", views.state, name="state"),
    path("households.json", views.households, name="households"),
    path("drafts/", views.drafts, name="drafts"),
    path("unavailable/", views.unavailable, name="unavailable"),
]
