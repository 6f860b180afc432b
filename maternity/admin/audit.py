"""The audit trail: read-only, scoped to the admin's locations; every read of it is itself logged."""

from uuid import UUID

from django.contrib import admin
from django.db.models import Q
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..audit.note import start_audit
from ..models import (
    AccessAction,
    AccessLog,
    CareLocation,
    PregnancyGroupPermission,
)
from .base import ReadOnlyAdmin
from .scope import administered_location_ids, is_location_admin, location_filter_id


class AuditCareLocationFilter(admin.SimpleListFilter):
    title = gettext_lazy("care location")
    parameter_name = "care_location"

    def lookups(self, request, model_admin):
        locations = CareLocation.objects.order_by("name").only("id", "name")
        if not request.user.is_superuser:
            locations = locations.filter(id__in=administered_location_ids(request))
        return [(str(location.pk), location.name) for location in locations]

    def queryset(self, request, queryset):
        location_id = location_filter_id(self.value())
        return queryset.filter(care_location_id=location_id) if location_id else queryset


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
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
    # Dates by filter (today, past 7 days, this month, this year), not by date_hierarchy: its year and month
    # links come from a DISTINCT over every entry shown, a read of the whole trail on each page (3.5 s at
    # 3 million entries), while these need no query and keep a listing to the partitions of its months.
    list_filter = ["at", "action", "outcome", "reason_code", AuditCareLocationFilter]  # (choices: no query)
    search_fields = ["username", "acting_user_name", "=request_id", "client_id"]
    search_help_text = gettext_lazy(
        "A record id, a user name, an acting user's name, a request id or a client id."
    )
    show_full_result_count = False
    list_per_page = 100
    actions = None
    fields = (
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
        "reason_code",
        "reason",
        "detail",
        "request_id",
        "client_event_id",
        "ip",
        # its link in the hash chain (maternity/audit/chain.py), to compare with verify_audit's report
        "chain",
        "seq",
        "prev_hash",
        "entry_hash",
    )
    readonly_fields = fields

    # The references have no database constraint (the record may be deleted): show the ids as they are,
    # never follow them, so no row costs a query.

    @admin.display(description=gettext_lazy("record"))
    def record_ref(self, entry: AccessLog):
        return entry.record_id

    @admin.display(description=gettext_lazy("person id"))
    def person_ref(self, entry: AccessLog):
        return entry.person_id

    @admin.display(description=gettext_lazy("user id"))
    def user_ref(self, entry: AccessLog):
        return entry.user_id

    @admin.display(description=gettext_lazy("care location id"))
    def care_location_ref(self, entry: AccessLog):
        return entry.care_location_id

    @admin.display(description=gettext_lazy("who"), ordering="username")
    def who(self, entry: AccessLog) -> str:
        if entry.acting_user_name and entry.username:
            return _("%(name)s (via %(username)s)") % {
                "name": entry.acting_user_name,
                "username": entry.username,
            }
        return entry.acting_user_name or entry.username

    @admin.display(description=gettext_lazy("reason"))
    def short_reason(self, entry: AccessLog) -> str:
        code = f"[{entry.reason_code}] " if entry.reason_code else ""
        return Truncator(f"{code}{entry.reason}").chars(60)

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
    """This page's note for the audit middleware; a denied look is recorded as the 404 it amounts to."""
    start_audit(request, AccessAction.AUDIT_READ, detail=detail, status_code=404 if denied else None)
