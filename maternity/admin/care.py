"""Care Locations (their staff: staff.py). Every write goes through `maternity.services`: a location is
added, changed and deleted by care_location_create, care_location_update and care_location_delete, each a
version with who and when (shown under History); who administers it by staff_set_location_admins."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Q

from .. import services
from ..models import CareLocation
from .base import HistoryAdmin


@admin.register(CareLocation)
class CareLocationAdmin(HistoryAdmin):
    list_display = ["name", "org_nr", "kind", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "org_nr"]

    def get_exclude(self, request, obj=None):
        # Its admins are chosen from its staff, who join it once it exists.
        return ["group"] if obj else ["group", "admins"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and "admins" in form.base_fields:
            form.base_fields["admins"].queryset = (
                get_user_model()
                .objects.filter(Q(groups=obj.group_id) | Q(administered_locations=obj))
                .distinct()
                .order_by("username")
            )
        return form

    def save_model(self, request, obj, form, change):
        details = {name: form.cleaned_data[name] for name in ["name", "org_nr", "kind", "active"]}
        if change:
            services.care_location_update(care_location=obj, **details, by=request.user)
            if "admins" in form.cleaned_data:
                services.staff_set_location_admins(care_location=obj, users=form.cleaned_data["admins"])
            return
        created = services.care_location_create(**details, by=request.user)  # and its group
        obj.pk, obj.group = created.pk, created.group

    def save_related(self, request, form, formsets, change):
        pass  # nothing related is edited here; the services did it all

    def delete_model(self, request, obj):
        services.care_location_delete(care_location=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for location in queryset:
            services.care_location_delete(care_location=location, by=request.user)
