"""The admin. Care Locations and practitioners are managed here; records are read-only with their full
history (clinical data is written only through the services), except that a whole record may be deleted
by the admin action below (DESIGN rule 9). The audit trail is readable here and nowhere changeable.

Who sees what: superusers see everything. A Care Location admin (a staff user in some location's
`admins`) sees the records their locations are stakeholders of, and the audit entries of their locations
and of those records.
"""

from uuid import UUID

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import Truncator
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .errors import NotAllowed, NotFound, RecordError
from .models import (
    AccessAction,
    AccessLog,
    AccessOutcome,
    CareLocation,
    Person,
    Practitioner,
    Pregnancy,
    PregnancyGroupPermission,
)
from .services.deletion import record_delete_summary


def administered_location_ids(request) -> list[int]:
    """The Care Locations the signed-in staff user administers (once per request)."""
    if not hasattr(request, "_administered_location_ids"):
        user = request.user
        request._administered_location_ids = (
            list(user.administered_locations.values_list("id", flat=True))
            if user.is_authenticated and user.is_active and user.is_staff
            else []
        )
    return request._administered_location_ids


def is_location_admin(request) -> bool:
    return bool(administered_location_ids(request))


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


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


class DeleteRecordForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        max_length=2000,
        help_text="Why the whole record is deleted (e.g. made for the wrong person). Kept in the audit log.",
    )


@admin.register(Pregnancy)
class PregnancyAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["id", "person", "status", "agreed_edd", "active_care_location", "record_last_updated"]
    list_filter = ["status", "active_care_location"]
    search_fields = ["person__identifier_value", "id"]
    list_select_related = ["person", "active_care_location"]
    actions = ["delete_whole_record"]
    delete_record_template = "admin/maternity/pregnancy/delete_record.html"

    # Who sees records here: superusers, and Care Location admins (scoped to their locations' records).

    def has_module_permission(self, request):
        return super().has_module_permission(request) or is_location_admin(request)

    def has_view_permission(self, request, obj=None):
        if not (super().has_view_permission(request, obj) or is_location_admin(request)):
            return False
        if obj is None or request.user.is_superuser:
            return True
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(
            Exists(
                PregnancyGroupPermission.objects.filter(
                    content_object=OuterRef("pk"), group__care_location__in=administered_location_ids(request)
                )
            )
        )

    # Deleting: never Django's own delete (no raw delete view, no "delete selected"), only the audited
    # action, which checks each record (services.record_delete_refusal).

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_record_delete_permission(self, request) -> bool:
        user = request.user
        return user.is_active and user.is_staff and (user.is_superuser or is_location_admin(request))

    @admin.action(description="Delete the whole record…", permissions=["record_delete"])
    def delete_whole_record(self, request, queryset):
        return self._delete_records(request, queryset)

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/delete-record/",
                self.admin_site.admin_view(self.delete_record_view),
                name=f"{opts.app_label}_{opts.model_name}_delete_record",
            ),
            *super().get_urls(),
        ]

    def delete_record_view(self, request, object_id):
        """The same confirmation page for one record, linked from its change page."""
        if not self.has_record_delete_permission(request):
            raise PermissionDenied
        try:
            queryset = self.get_queryset(request).filter(pk=object_id)
            found = queryset.exists()
        except ValidationError:
            found = False
        if not found:
            raise Http404("No such record.")
        return self._delete_records(request, queryset) or redirect("admin:maternity_pregnancy_changelist")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_delete_record": self.has_record_delete_permission(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def _delete_records(self, request, queryset):
        """Show what deleting the records would remove (or why a record may not be deleted); on a confirmed
        POST with a reason, delete them. Returns None when done (back to the list)."""
        records = list(queryset.select_related("person", "active_care_location").order_by("created_at"))
        confirmed = request.method == "POST" and request.POST.get("post") == "yes"
        form = DeleteRecordForm(request.POST if confirmed else None)
        if confirmed and form.is_valid():
            for record in records:
                self._delete_one(request, record, form.cleaned_data["reason"])
            return None

        items = []
        for record in records:
            refusal = services.record_delete_refusal(user=request.user, record=record)
            if refusal:
                _log_refused_delete(request, record, refusal)
            items.append(
                {
                    "record": record,
                    "refusal": refusal,
                    "summary": None if refusal else record_delete_summary(record),
                }
            )
        deletable = [item["record"] for item in items if not item["refusal"]]
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": "Delete the whole record" if len(records) == 1 else "Delete whole records",
            "opts": opts,
            "items": items,
            "deletable": deletable,
            "form": form,
            "action_name": "delete_whole_record",
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "changelist_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.delete_record_template, context)

    def _delete_one(self, request, record: Pregnancy, reason: str) -> None:
        try:
            counts = services.record_delete(record_id=record.pk, user=request.user, reason=reason)
        except NotAllowed as error:
            _log_refused_delete(request, record, error.message)
            self.message_user(request, f"Record {record.pk} was not deleted: {error.message}", messages.ERROR)
        except NotFound:
            self.message_user(request, f"Record {record.pk} no longer exists.", messages.WARNING)
        except RecordError as error:
            self.message_user(request, f"Record {record.pk} was not deleted: {error.message}", messages.ERROR)
        else:
            self.message_user(
                request,
                f"Deleted record {record.pk} of {record.person.identifier_value}: {counts['resources']} "
                f"resources, {counts['versions']} versions, {counts['events']} events, "
                f"{counts['stakeholders']} stakeholders.",
                messages.SUCCESS,
            )


def _log_refused_delete(request, record: Pregnancy, refusal: str) -> None:
    services.access_log_write(
        action=AccessAction.DELETE,
        outcome=AccessOutcome.DENIED,
        user=request.user,
        record_id=record.pk,
        person_id=record.person_id,
        status_code=403,
        detail=f"Refused to delete record {record.pk}: {refusal}",
        ip=_client_ip(request),
    )


# The audit trail: read-only for everyone; reading it is itself audited.


class AuditCareLocationFilter(admin.SimpleListFilter):
    title = "care location"
    parameter_name = "care_location"

    def lookups(self, request, model_admin):
        locations = CareLocation.objects.order_by("name").only("id", "name")
        if not request.user.is_superuser:
            locations = locations.filter(id__in=administered_location_ids(request))
        return [(str(location.pk), location.name) for location in locations]

    def queryset(self, request, queryset):
        return queryset.filter(care_location_id=self.value()) if self.value() else queryset


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = [
        "at",
        "action",
        "outcome",
        "status_code",
        "org_name",
        "who",
        "client_id",
        "record_ref",
        "resource_type",
        "short_reason",
        "request_id",
    ]
    list_filter = ["action", "outcome", AuditCareLocationFilter]
    date_hierarchy = "at"
    search_fields = ["username", "acting_user_name", "=request_id", "client_id"]
    search_help_text = "A record id, a user name, an acting user's name, a request id or a client id."
    show_full_result_count = False
    list_per_page = 100
    actions = None
    fields = [
        "at",
        "action",
        "outcome",
        "status_code",
        "record_ref",
        "person_ref",
        "resource_type",
        "user_type",
        "user_ref",
        "username",
        "care_location_ref",
        "org_nr",
        "org_name",
        "client_id",
        "acting_user_name",
        "acting_user_id",
        "source_system",
        "reason",
        "detail",
        "request_id",
        "client_event_id",
        "ip",
    ]
    readonly_fields = fields

    # The references have no database constraint (the record may be deleted): show the ids as they are,
    # never follow them, so no row costs a query.

    @admin.display(description="record")
    def record_ref(self, entry: AccessLog):
        return entry.record_id

    @admin.display(description="person id")
    def person_ref(self, entry: AccessLog):
        return entry.person_id

    @admin.display(description="user id")
    def user_ref(self, entry: AccessLog):
        return entry.user_id

    @admin.display(description="care location id")
    def care_location_ref(self, entry: AccessLog):
        return entry.care_location_id

    @admin.display(description="who", ordering="username")
    def who(self, entry: AccessLog) -> str:
        if entry.acting_user_name and entry.username:
            return f"{entry.acting_user_name} (via {entry.username})"
        return entry.acting_user_name or entry.username

    @admin.display(description="reason")
    def short_reason(self, entry: AccessLog) -> str:
        return Truncator(entry.reason).chars(60)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        user = request.user
        return user.is_active and user.is_staff and (user.is_superuser or is_location_admin(request))

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        locations = administered_location_ids(request)
        their_records = PregnancyGroupPermission.objects.filter(group__care_location__in=locations).values(
            "content_object_id"
        )
        return queryset.filter(Q(care_location__in=locations) | Q(record__in=their_records))

    def get_search_results(self, request, queryset, search_term):
        """A record id matches exactly (it is a UUID column, so not part of the text search)."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        try:
            record_id = UUID(search_term.strip())
        except ValueError:
            return results, may_have_duplicates
        return results | queryset.filter(record_id=record_id), may_have_duplicates

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if request.method == "GET" and response.status_code == 200:
            response.render()
            shown = request.GET.urlencode()
            _log_audit_read(request, f"Listed the audit trail ({shown or 'no filters'}).")
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET":
            if response.status_code == 200:
                response.render()
                _log_audit_read(request, f"Viewed audit entry #{object_id}.")
            else:
                _log_audit_read(
                    request, f"Tried to view audit entry #{object_id}: not found or not visible.", denied=True
                )
        return response


def _log_audit_read(request, detail: str, *, denied: bool = False) -> None:
    services.access_log_write(
        action=AccessAction.AUDIT_READ,
        outcome=AccessOutcome.DENIED if denied else AccessOutcome.ALLOWED,
        user=request.user,
        detail=detail,
        ip=_client_ip(request),
    )
