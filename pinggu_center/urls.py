from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views
from .checklist import views as checklist_views
from .forms import LoginForm
from .second_factor import views as second_factor_views

admin.site.site_header = _("平谷区说事评理议事普法中心 管理后台")
admin.site.site_title = _("说事评理议事普法中心")

# Translated error pages, JSON under /api/, 503 while the database is away (pinggu_center/error_pages.py).
handler400 = "pinggu_center.error_pages.bad_request"
handler403 = "pinggu_center.error_pages.permission_denied"
handler404 = "pinggu_center.error_pages.page_not_found"
handler500 = "pinggu_center.error_pages.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(success_url="/"),
        name="password_change",
    ),
    path("accounts/second-factor/", second_factor_views.setup, name="second_factor_setup"),
    path("accounts/second-factor/remove/", second_factor_views.remove, name="second_factor_remove"),
    path("accounts/second-factor/verify/", second_factor_views.verify, name="second_factor_verify"),
    path("centers/", views.center_list, name="center_list"),
    path("centers/<int:center_id>/", views.center_roster, name="center_roster"),
    path("centers/<int:center_id>/members/new/", views.member_create, name="member_create"),
    path("members/<int:member_id>/edit/", views.member_edit, name="member_edit"),
    path("members/<int:member_id>/retire/", views.member_retire, name="member_retire"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/<int:notification_id>/open/", views.notification_open, name="notification_open"),
    path("notifications/read-all/", views.notification_read_all, name="notification_read_all"),
    path("outbox/", views.outbox_problems, name="outbox_problems"),
    path("outbox/retry/", views.outbox_retry, name="outbox_retry"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("cases/", include("cases.urls")),
    path("visits/", include("visits.urls")),
    path("aids/", include("aids.urls")),
    path("deliberation/", include("deliberation.urls")),
    path("legal/", include("legal_education.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("api/", include("cases.api_urls")),
    path("public/", include("cases.public_urls")),
    path("admin/", admin.site.urls),
]

# Work without signal (offline/): the service worker and the manifest live at the root, so their scope is the site.
from offline import views as offline_views  # noqa: E402

urlpatterns += [
    path("sw.js", offline_views.service_worker, name="service_worker"),
    path("manifest.webmanifest", offline_views.manifest, name="web_manifest"),
    path("offline/", include("offline.urls")),
]

# 七有 checklist (pinggu_center/checklist/).
urlpatterns += [
    path("checklist/", checklist_views.checklist_overview, name="checklist_overview"),
    path("checklist/export.xlsx", checklist_views.checklist_export, name="checklist_export"),
    path("checklist/evidence/<int:item_id>/", checklist_views.checklist_evidence, name="checklist_evidence"),
    path("centers/<int:center_id>/checklist/", checklist_views.checklist_detail, name="checklist_detail"),
    path("centers/<int:center_id>/checklist/<str:item>/", checklist_views.checklist_item_edit, name="checklist_item_edit"),
]
