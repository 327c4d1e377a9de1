"""URLs of the regions app, generated from its registered object types."""

from lianzhang.core.urls_factory import object_urls

app_name = "regions"

urlpatterns = object_urls("regions")
