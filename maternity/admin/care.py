"""Care Locations (their staff: staff.py). Every write goes through `maternity.services`: a location is
added, changed and deleted by care_location_create, care_location_update and care_location_delete, each a
version with who and when (shown under History); who administers it by staff_set_location_admins.

Who: the national administration (superusers) keeps every location. A Care Location's own admins see only
their locations and change only how to contact them (phone, address, opening hours, urgent line:
care_location_contact_update), which the portal shows the pregnant people they look after; its name,
number, kind and admins are the national administration's. The list marks a location without a phone or an
address, a data-quality finding."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy

from .. import services
from ..models import CareLocation
from ..models.care import CONTACT_FIELDS
from .base import HistoryAdmin
from .scope import administered_location_ids, is_location_admin

DETAILS = ["name", "org_nr", "kind", "active"]


class MissingContactFilter(admin.SimpleListFilter):
    title = gettext_lazy("contact details")
    parameter_name = "contact"

    def lookups(self, request, model_admin):
        return [
            ("missing", gettext_lazy("No phone or no address")),
            ("complete", gettext_lazy("Phone and address")),
        ]

    def queryset(self, request, queryset):
        missing = Q(phone="") | Q(address="")
        if self.value() == "missing":
            return queryset.filter(missing)
        if self.value() == "complete":
            return queryset.exclude(missing)
        return queryset


@admin.register(CareLocation)
class CareLocationAdmin(HistoryAdmin):
    list_display = ["name", "org_nr", "kind", "active", "contact_complete"]
    list_filter = ["kind", "active", MissingContactFilter]
    search_fields = ["name", "org_nr"]

    @admin.display(boolean=True, description=gettext_lazy("phone and address"))
    def contact_complete(self, obj: CareLocation) -> bool:
        return not obj.missing_contact

    # --- who may do what ---------------------------------------------------------------------------------

    def is_national(self, request) -> bool:
        user = request.user
        return user.is_active and user.is_staff and user.is_superuser

    def is_own_admin(self, request) -> bool:
        user = request.user
        return user.is_active and user.is_staff and not user.is_superuser and is_location_admin(request)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.is_national(request):
            return queryset
        return queryset.filter(id__in=administered_location_ids(request))

    def has_module_permission(self, request):
        return self.is_national(request) or self.is_own_admin(request)

    def has_view_permission(self, request, obj=None):
        if self.is_national(request):
            return True
        if not self.is_own_admin(request):
            return False
        return obj is None or obj.pk in administered_location_ids(request)

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def has_add_permission(self, request):
        return self.is_national(request)

    def has_delete_permission(self, request, obj=None):
        return self.is_national(request)

    # --- the form ---------------------------------------------------------------------------------------

    def get_exclude(self, request, obj=None):
        if not self.is_national(request):
            return ["group", "admins"]
        # Its admins are chosen from its staff, who join it once it exists.
        return ["group"] if obj else ["group", "admins"]

    def get_readonly_fields(self, request, obj=None):
        return [] if self.is_national(request) else DETAILS

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
        contact = {name: form.cleaned_data[name] for name in CONTACT_FIELDS}
        if not self.is_national(request):  # its own admin: contact details only
            services.care_location_contact_update(care_location=obj, **contact, by=request.user)
            return
        details = {name: form.cleaned_data[name] for name in DETAILS}
        if change:
            services.care_location_update(care_location=obj, **details, **contact, by=request.user)
            if "admins" in form.cleaned_data:
                services.staff_set_location_admins(care_location=obj, users=form.cleaned_data["admins"])
            return
        created = services.care_location_create(**details, **contact, by=request.user)  # and its group
        obj.pk, obj.group = created.pk, created.group

    def save_related(self, request, form, formsets, change):
        pass  # nothing related is edited here; the services did it all

    def delete_model(self, request, obj):
        services.care_location_delete(care_location=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for location in queryset:
            services.care_location_delete(care_location=location, by=request.user)
