"""Core pages: home, audit log, jobs, and the core object types (tags)."""

from django.urls import path

from .urls_factory import object_urls
from .views import misc

app_name = "core"

urlpatterns = [
    path("audit/", misc.audit_list, name="audit"),
    path("audit/<int:pk>/", misc.audit_detail, name="change"),
    path("jobs/", misc.job_list, name="jobs"),
    path("jobs/<int:pk>/", misc.job_detail, name="job"),
    path("jobs/<int:pk>/progress/", misc.job_progress, name="job_progress"),
    path("jobs/<int:pk>/cancel/", misc.job_cancel, name="job_cancel"),
    *object_urls("core"),
]
