"""URLs of the projects app: generated object pages plus its own pages."""

from django.urls import path

from lianzhang.core.urls_factory import object_urls

from .views import review, rollup, sheet

app_name = "projects"

urlpatterns = [
    path("monthly/", sheet.monthly_sheet, name="monthly"),
    path("review/", review.review, name="review"),
    path("rollup/", rollup.rollup_page, name="rollup"),
    path("alerts/", rollup.alerts_page, name="alerts"),
    path("cycle-times/", rollup.cycle_times_page, name="cycle_times"),
    path("projects/<int:pk>/transition/", review.transition, name="project_transition"),
    *object_urls("projects"),
]
