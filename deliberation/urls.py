from django.urls import path

from . import views

app_name = "deliberation"

urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:meeting_id>/topics/", views.topic_create, name="topic_create"),
    path("topics/<int:topic_id>/vote/", views.topic_vote, name="topic_vote"),
    path("notice/<str:token>/", views.resolution_notice, name="resolution_notice"),
    path("matters/", views.matter_list, name="matter_list"),
    path("matters/new/", views.matter_create, name="matter_create"),
    path("matters/<int:matter_id>/", views.matter_detail, name="matter_detail"),
    path("matters/<int:matter_id>/advance/", views.matter_advance, name="matter_advance"),
    path("documents/", views.document_list, name="document_list"),
    path("documents/new/", views.document_create, name="document_create"),
    path("documents/<int:document_id>/file/", views.document_file, name="document_file"),
]
