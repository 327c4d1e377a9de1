"""URLs of the chains app, generated from its registered object types."""

from lianzhang.core.urls_factory import object_urls

app_name = "chains"

urlpatterns = object_urls("chains")
