"""URLs of the mapping app: generated object pages plus the review queue."""

from django.urls import path

from lianzhang.core.urls_factory import object_urls

from . import views

app_name = "mapping"

urlpatterns = [
    path("review/", views.review_queue, name="review"),
    *object_urls("mapping"),
]
