"""URLs of the mapping app: generated object pages plus its own pages."""

from lianzhang.core.urls_factory import object_urls

app_name = "mapping"

urlpatterns = [
    *object_urls("mapping"),
]
