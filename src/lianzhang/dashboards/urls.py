"""URLs of the dashboards app: generated object pages plus its own pages."""

from lianzhang.core.urls_factory import object_urls

app_name = "dashboards"

urlpatterns = [
    *object_urls("dashboards"),
]
