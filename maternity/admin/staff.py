"""A Care Location's staff: the practitioners in its group. A location admin lists, takes on, edits and lets
go of their own locations' staff, and makes them location admins or not; a superuser does so everywhere.
Every write goes through `maternity.services` (staff_create, staff_update, staff_set_location_admin,
staff_remove); there is no delete (letting someone go keeps their user, so their history keeps its name).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from .. import services
from ..errors import RecordError
from ..models import CareLocation, Practitioner
from ..services.staff import check_hpr_nr, check_new_login
from .scope import administered_location_ids, is_location_admin, location_filter_id

# What an action did: the admin's log keeps it in English (it is stored); the admin reads it translated.
ADMIN_OF = gettext_noop("Admin of %(names)s.")
NO_LONGER_ADMIN_OF = gettext_noop("No longer admin of %(names)s.")
REMOVED = gettext_noop("Removed from %(names)s.")
REMOVED_AND_DEACTIVATED = gettext_noop("Removed from %(names)s. Deactivated: no Care Location left.")


def _locations_for(request):
    locations = CareLocation.objects.filter(active=True).order_by("name")
    if request.user.is_superuser:
        return locations
    return locations.filter(id__in=administered_location_ids(request))


class StaffChangeForm(forms.ModelForm):
    class Meta:
        model = Practitioner
        fields = ["display_name", "hpr_nr", "role_code"]
        labels = {"display_name": gettext_lazy("Display name"), "role_code": gettext_lazy("Role code")}

    def clean_hpr_nr(self):
        try:
            return check_hpr_nr(self.cleaned_data["hpr_nr"])
        except RecordError as error:
            raise forms.ValidationError(error.message) from None


class StaffAddForm(StaffChangeForm):
    """A new user and practitioner at one of the admin's locations, with a first password the admin hands
    over in person (no email is sent)."""

    care_location = forms.ModelChoiceField(
        queryset=CareLocation.objects.none(), empty_label=None, label=gettext_lazy("Care location")
    )
    username = forms.CharField(max_length=150, label=gettext_lazy("Username"))
    email = forms.EmailField(required=False, label=gettext_lazy("Email"))
    password1 = forms.CharField(label=gettext_lazy("First password"), strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(
        label=gettext_lazy("First password again"), strip=False, widget=forms.PasswordInput
    )
    location_admin = forms.BooleanField(
        required=False,
        label=gettext_lazy("Location admin"),
        help_text=gettext_lazy("May manage this location in the admin."),
    )

    class Meta(StaffChangeForm.Meta):
        fields = StaffChangeForm.Meta.fields

    def clean(self):
        cleaned = super().clean()
        password, again = cleaned.get("password1"), cleaned.get("password2")
        if password and again and password != again:
            self.add_error("password2", _("The two passwords differ."))
        elif password and cleaned.get("username"):
            try:
                check_new_login(
                    username=cleaned["username"], password=password, email=cleaned.get("email", "")
                )
            except RecordError as error:
                self.add_error(error.field if error.field in self.fields else None, error.message)
        return cleaned


class StaffLocationFilter(admin.SimpleListFilter):
    """By Care Location; a location admin is offered only their own."""

    title = gettext_lazy("care location")
    parameter_name = "care_location"

    def lookups(self, request, model_admin):
        return [(str(location.pk), location.name) for location in _locations_for(request)]

    def queryset(self, request, queryset):
        location_id = location_filter_id(self.value())
        return queryset.filter(user__groups__care_location=location_id) if location_id else queryset


@admin.register(Practitioner)
class StaffAdmin(admin.ModelAdmin):
    list_display = [
        "display_name",
        "username",
        "hpr_nr",
        "role_code",
        "locations",
        "location_admin",
        "active",
    ]
    list_filter = [StaffLocationFilter, "user__is_active"]
    search_fields = ["display_name", "hpr_nr", "user__username"]
    search_help_text = gettext_lazy("A name, a professional (HPR) number or a user name.")
    ordering = ["display_name"]
    actions = ["make_location_admin", "revoke_location_admin", "remove_from_location"]
    add_fields = [
        "care_location",
        "username",
        "email",
        "display_name",
        "hpr_nr",
        "role_code",
        "password1",
        "password2",
        "location_admin",
    ]
    change_fields = [
        "username",
        "display_name",
        "hpr_nr",
        "role_code",
        "locations",
        "location_admin",
        "active",
    ]
    readonly_fields = ["username", "locations", "location_admin", "active"]

    # Who: superusers everyone; a Care Location admin the practitioners in their locations' groups; any
    # other staff nothing, whatever model permissions they hold.

    def has_manage_permission(self, request) -> bool:
        user = request.user
        return user.is_active and user.is_staff and (user.is_superuser or is_location_admin(request))

    def has_module_permission(self, request):
        return self.has_manage_permission(request)

    def has_view_permission(self, request, obj=None):
        if not self.has_manage_permission(request):
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def has_add_permission(self, request):
        return self.has_manage_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False  # let go instead: remove_from_location

    def get_queryset(self, request):
        queryset = (
            super()
            .get_queryset(request)
            .select_related("user")
            .prefetch_related("user__groups__care_location", "user__administered_locations")
        )
        if request.user.is_superuser:
            return queryset
        user_model = get_user_model()
        at_my_locations = user_model.groups.through.objects.filter(
            user_id=OuterRef("user_id"), group__care_location__in=administered_location_ids(request)
        )
        return queryset.filter(Exists(at_my_locations))

    # Forms: a new practitioner gets a user; a change edits only the professional details.

    def get_fields(self, request, obj=None):
        return self.change_fields if obj else self.add_fields

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = StaffChangeForm if obj else StaffAddForm
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            form.base_fields["care_location"].queryset = _locations_for(request)
        return form

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            services.staff_update(
                practitioner=obj, display_name=obj.display_name, hpr_nr=obj.hpr_nr, role_code=obj.role_code
            )
            return
        user = services.staff_create(
            care_location=data["care_location"],
            username=data["username"],
            email=data.get("email", ""),
            display_name=obj.display_name,
            hpr_nr=obj.hpr_nr,
            role_code=obj.role_code,
            password=data["password1"],
            location_admin=data["location_admin"],
        )
        created = user.practitioner
        obj.pk, obj.user = created.pk, user

    def save_related(self, request, form, formsets, change):
        pass  # nothing related is edited here; the services did it all

    # Columns

    @admin.display(description=gettext_lazy("user name"), ordering="user__username")
    def username(self, practitioner: Practitioner) -> str:
        return practitioner.user.username

    @admin.display(description=gettext_lazy("care locations"))
    def locations(self, practitioner: Practitioner) -> str:
        groups = practitioner.user.groups.all()
        return ", ".join(
            sorted(group.care_location.name for group in groups if hasattr(group, "care_location"))
        )

    @admin.display(description=gettext_lazy("location admin of"))
    def location_admin(self, practitioner: Practitioner) -> str:
        return ", ".join(sorted(location.name for location in practitioner.user.administered_locations.all()))

    @admin.display(description=gettext_lazy("active"), boolean=True, ordering="user__is_active")
    def active(self, practitioner: Practitioner) -> bool:
        return practitioner.user.is_active

    # Actions, each on the chosen people's locations that this admin administers (a superuser: all of
    # their locations), each through a service and written to the object's admin history.

    def _shared_locations(self, request, practitioner: Practitioner) -> list[CareLocation]:
        theirs = [
            group.care_location for group in practitioner.user.groups.all() if hasattr(group, "care_location")
        ]
        if request.user.is_superuser:
            return theirs
        mine = set(administered_location_ids(request))
        return [location for location in theirs if location.pk in mine]

    @admin.action(description=gettext_lazy("Make location admin"), permissions=["manage"])
    def make_location_admin(self, request, queryset):
        self._set_admin(request, queryset, admin=True)

    @admin.action(description=gettext_lazy("No longer location admin"), permissions=["manage"])
    def revoke_location_admin(self, request, queryset):
        self._set_admin(request, queryset, admin=False)

    def _set_admin(self, request, queryset, *, admin: bool) -> None:
        for practitioner in queryset:
            if not admin and practitioner.user_id == request.user.pk:
                self.message_user(request, _("You cannot take your own admin role away."), messages.ERROR)
                continue
            locations = self._shared_locations(request, practitioner)
            for location in locations:
                services.staff_set_location_admin(user=practitioner.user, care_location=location, admin=admin)
            names = {"names": ", ".join(location.name for location in locations)}
            done = ADMIN_OF if admin else NO_LONGER_ADMIN_OF
            self.log_change(request, practitioner, done % names)  # the admin's log is kept, so in English
            self.message_user(request, f"{practitioner}: {_(done) % names}", messages.SUCCESS)

    @admin.action(
        description=gettext_lazy("Remove from the location (deactivate when it was their last)"),
        permissions=["manage"],
    )
    def remove_from_location(self, request, queryset):
        for practitioner in queryset:
            locations = self._shared_locations(request, practitioner)
            try:
                deactivated = services.staff_remove(
                    user=practitioner.user, care_locations=locations, by=request.user
                )
            except RecordError as error:
                self.message_user(request, f"{practitioner}: {error.message}", messages.ERROR)
                continue
            names = {"names": ", ".join(location.name for location in locations)}
            done = REMOVED_AND_DEACTIVATED if deactivated else REMOVED
            self.log_change(request, practitioner, done % names)  # the admin's log is kept, so in English
            self.message_user(request, f"{practitioner}: {_(done) % names}", messages.SUCCESS)
