"""Root URL configuration."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from lianzhang.core.api.routers import api_urls
from lianzhang.core.views import misc

urlpatterns = [
    path("", misc.home, name="home"),
    path("healthz", misc.healthz, name="healthz"),
    path("login/", login_not_required(auth_views.LoginView.as_view(
        redirect_authenticated_user=True)), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", include("lianzhang.users.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("core/", include("lianzhang.core.urls")),
    path("regions/", include("lianzhang.regions.urls")),
    path("chains/", include("lianzhang.chains.urls")),
    path("enterprises/", include("lianzhang.enterprises.urls")),
    path("mapping/", include("lianzhang.mapping.urls")),
    path("projects/", include("lianzhang.projects.urls")),
    path("attraction/", include("lianzhang.attraction.urls")),
    path("dashboards/", include("lianzhang.dashboards.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(
        url_name="api-schema", template_name="api_docs.html"), name="api-docs"),
    path("api/", include(api_urls())),
    path("admin/", admin.site.urls),
]
