"""URLs of the signed-in user's own account pages."""

from django.urls import path

from . import views

app_name = "users"

urlpatterns = [
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
]
