"""Client systems: created with `manage.py create_spine_client`, so the admin only shows and adjusts them."""

from django.contrib import admin

from ..models import SpineClient


@admin.register(SpineClient)
class SpineClientAdmin(admin.ModelAdmin):
    """Clients are created with `manage.py create_spine_client` (the secret is shown once there)."""

    list_display = ["name", "care_location", "client_id", "active", "created_at"]
    list_filter = ["active", "care_location"]
    list_select_related = ["care_location", "application"]
    readonly_fields = ["care_location", "application", "service_user", "created_at"]
    fields = ["name", "care_location", "record_filter", "active", "application", "service_user", "created_at"]

    def has_add_permission(self, request):
        return False
