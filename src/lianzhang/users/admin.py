"""Admin for users and role assignments (system administrators only)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .forms import RoleAssignmentForm
from .models import RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    """Role assignments edited on the user page."""

    model = RoleAssignment
    form = RoleAssignmentForm
    extra = 0
    filter_horizontal = ("chains", "towns")
    # Thousands of firms: pick them by search, not from one long list.
    autocomplete_fields = ("enterprises",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Users with their roles; changes are audited by the model signals."""

    inlines = [RoleAssignmentInline]
    list_display = ("username", "display_name", "unit", "is_active", "last_login")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Profile"), {"fields": ("display_name", "unit", "phone", "password_changed")}),
    )
    readonly_fields = ("password_changed",)
