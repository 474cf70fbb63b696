from django.urls import path

from .hotline import api

app_name = "api"

urlpatterns = [
    path("hotline/v1/orders", api.order_create, name="hotline_orders"),
    path("hotline/v1/orders/<str:order_no>", api.order_detail, name="hotline_order"),
    path("hotline/v1/categories", api.category_list, name="hotline_categories"),
    path("enforcement/v1/transfers/<int:transfer_id>/feedback", api.transfer_feedback, name="enforcement_feedback"),
    path("openapi.json", api.openapi_document, name="openapi"),
]
