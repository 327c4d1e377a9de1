"""URLs of the projects app: generated object pages plus its own pages."""

from lianzhang.core.urls_factory import object_urls

app_name = "projects"

urlpatterns = [
    *object_urls("projects"),
]
