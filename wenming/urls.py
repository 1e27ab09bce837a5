from django.contrib import admin
from django.urls import include, path

from wenming.core import views as core_views
from wenming.core import views_activity
from wenming.core.api import api

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("login/", core_views.LoginView.as_view(), name="login"),
    path("logout/", core_views.logout_view, name="logout"),
    path("password/", core_views.PasswordChangeView.as_view(), name="password_change"),
    path("tokens/", core_views.tokens, name="tokens"),
    path("jobs/", include("wenming.core.job_urls")),
    path("activity/", views_activity.activity, name="activity"),
    path("activity/verify/", views_activity.activity_verify, name="activity_verify"),
    path("language/", core_views.set_language, name="set_language"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("org/", include("wenming.org.urls")),
    path("standards/", include("wenming.standards.urls")),
    path("points/", include("wenming.points.urls")),
    path("problems/", include("wenming.problems.urls")),
    path("inspections/", include("wenming.inspections.urls")),
    path("notifications/", include("wenming.notifications.urls")),
    path("report/", include("wenming.public.urls")),
    path("open311/", include("wenming.open311.urls")),
    path("surveys/", include("wenming.surveys.urls")),
    path("plans/", include("wenming.plans.urls")),
    path("plans/", include("wenming.plans.oversight.urls")),
    path("materials/", include("wenming.materials.urls")),
    path("creation/", include("wenming.creation.urls")),
    path("scores/", include("wenming.scoring.urls")),
    path("dashboards/", include("wenming.dashboards.urls")),
]

handler400 = "wenming.core.views.error_400"
handler403 = "wenming.core.views.error_403"
handler404 = "wenming.core.views.error_404"
handler500 = "wenming.core.views.error_500"
