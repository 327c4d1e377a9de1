"""Admin: firms are looked up (not edited) here, so that an enterprise user's role can
be given its firm by search among thousands. Firms are edited in the app's own pages,
where scope and validation apply."""

from django.contrib import admin

from .models import Enterprise


@admin.register(Enterprise)
class EnterpriseLookupAdmin(admin.ModelAdmin):
    """Read-only firm list with search, backing the role assignment's firm picker."""

    search_fields = ("name", "uscc")
    list_display = ("name", "uscc", "town")
    fields = ("name", "uscc", "town")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
