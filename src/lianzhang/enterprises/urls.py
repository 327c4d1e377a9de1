"""URLs of the enterprises app."""

from django.urls import path

from lianzhang.core.urls_factory import object_urls

from . import views

app_name = "enterprises"

urlpatterns = [
    path("enterprises/<int:pk>/merge/", views.merge_view, name="enterprise_merge"),
    path("namereviews/<int:pk>/decide/", views.review_decide_view, name="namereview_decide"),
    *object_urls("enterprises"),
]
