"""The admin, minimal for now: Care Locations and practitioners are managed here; records are read-only
with their full history (clinical data is written only through the services)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import CareLocation, Person, Practitioner, Pregnancy


@admin.register(CareLocation)
class CareLocationAdmin(admin.ModelAdmin):
    list_display = ["name", "org_nr", "kind", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "org_nr"]
    exclude = ["group"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:  # creating a location also creates its group
            created = services.care_location_create(name=obj.name, org_nr=obj.org_nr, kind=obj.kind)
            obj.pk, obj.group = created.pk, created.group


@admin.register(Practitioner)
class PractitionerAdmin(admin.ModelAdmin):
    list_display = ["display_name", "hpr_nr", "role_code", "user"]
    search_fields = ["display_name", "hpr_nr", "user__username"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ["identifier_value", "identifier_system", "date_of_birth"]
    search_fields = ["identifier_value"]


@admin.register(Pregnancy)
class PregnancyAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["id", "person", "status", "agreed_edd", "active_care_location", "record_last_updated"]
    list_filter = ["status", "active_care_location"]
    search_fields = ["person__identifier_value", "id"]
    list_select_related = ["person", "active_care_location"]
