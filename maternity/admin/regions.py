"""Regions and networks: the national administration's (superusers) only. Every write goes through
`maternity.services` (region_create, region_update, region_delete), each a version with who and when, shown
under History. A Care Location's admins do not see regions: which regions a location is reported in, and
who reads them, is decided nationally."""

from django.contrib import admin
from django.contrib.auth import get_user_model

from .. import services
from ..models import Region
from .base import HistoryAdmin


@admin.register(Region)
class RegionAdmin(HistoryAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    filter_horizontal = ["care_locations", "viewers"]

    def _national(self, request) -> bool:
        user = request.user
        return user.is_active and user.is_staff and user.is_superuser

    def has_module_permission(self, request):
        return self._national(request)

    def has_view_permission(self, request, obj=None):
        return self._national(request)

    def has_change_permission(self, request, obj=None):
        return self._national(request)

    def has_add_permission(self, request):
        return self._national(request)

    def has_delete_permission(self, request, obj=None):
        return self._national(request)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "viewers" in form.base_fields:
            form.base_fields["viewers"].queryset = (
                get_user_model().objects.filter(is_active=True).order_by("username")
            )
        return form

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        members = {"care_locations": data["care_locations"], "viewers": data["viewers"]}
        if change:
            services.region_update(
                region=obj, name=data["name"], code=data["code"], **members, by=request.user
            )
            return
        created = services.region_create(name=data["name"], code=data["code"], **members, by=request.user)
        obj.pk = created.pk

    def save_related(self, request, form, formsets, change):
        pass  # the locations and viewers were set by the service, in its version

    def delete_model(self, request, obj):
        services.region_delete(region=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for region in queryset:
            services.region_delete(region=region, by=request.user)
