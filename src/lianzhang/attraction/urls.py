"""URLs of the attraction app: generated object pages plus its own pages."""

from lianzhang.core.urls_factory import object_urls

app_name = "attraction"

urlpatterns = [
    *object_urls("attraction"),
]
