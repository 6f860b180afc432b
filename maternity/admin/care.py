"""Care Locations (their staff: staff.py)."""

from django.contrib import admin

from .. import services
from ..models import CareLocation


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
