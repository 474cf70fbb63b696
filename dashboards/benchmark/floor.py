"""The floor: a bare view that renders the base template around one indexed 25-row query.

No page can do less than this, so every page's time is reported as a multiple of it.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import include, path

from cases.models import Case


@login_required
def floor_view(request: HttpRequest) -> HttpResponse:
    rows = list(Case.objects.order_by("-registered_at", "-id").values("pk", "number", "title", "status")[:25])
    return render(request, "dashboards/benchmark_floor.html", {"rows": rows})


urlpatterns = [
    path("__benchmark_floor__/", floor_view, name="benchmark_floor"),
    path("", include("pinggu_center.urls")),
]
