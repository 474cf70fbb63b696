from django.urls import path

from . import views

app_name = "legal_education"

urlpatterns: list = []
