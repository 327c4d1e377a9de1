"""URLs of the chains app: generated object pages plus the map actions."""

from django.urls import path

from lianzhang.core.urls_factory import object_urls

from . import map_views

app_name = "chains"

urlpatterns = [
    path("chains/<int:pk>/map/upload/", map_views.map_upload, name="map_upload"),
    path("chains/<int:pk>/map/compare/", map_views.map_compare, name="map_compare"),
    path("mapversions/<int:pk>/export/", map_views.map_export, name="map_export"),
    path("mapversions/<int:pk>/draft/", map_views.map_new_draft, name="map_new_draft"),
    path("mapversions/<int:pk>/publish/", map_views.map_publish, name="map_publish"),
    *object_urls("chains"),
]
