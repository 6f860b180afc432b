"""People and records: read-only with full history; deleting a whole record follows DESIGN rule 9."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import services
from ..audit.note import audit_ip
from ..errors import NotAllowed, NotFound, RecordError
from ..models import (
    Mother,
    Person,
    Pregnancy,
    PregnancyGroupPermission,
)
from ..services.deletion import record_delete_summary
from .base import HistoryAdmin, ReadOnlyAdmin, object_action_url, one_object
from .scope import administered_location_ids, is_location_admin


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ["identifier_value", "identifier_system", "date_of_birth"]
    search_fields = ["identifier_value"]


class DeleteRecordForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        max_length=2000,
        help_text=gettext_lazy(
            "Why the whole record is deleted (e.g. made for the wrong person). Kept in the audit log."
        ),
    )


@admin.register(Pregnancy)
class PregnancyAdmin(ReadOnlyAdmin, HistoryAdmin):
    list_display = [
        "id",
        "name",
        "person",
        "status",
        "agreed_edd",
        "active_care_location",
        "record_last_updated",
    ]
    list_filter = ["status", "active_care_location"]
    search_fields = ["person__identifier_value", "mother__name", "id"]
    list_select_related = ["person", "active_care_location", "mother"]
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

    # History (HistoryAdmin): each past version shown, read-only, never saved back.

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    # Deleting: never Django's own delete (no raw delete view, no "delete selected"), only the audited
    # action, which checks each record (services.record_delete_refusal).

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description=gettext_lazy("Name"), ordering="mother__name")
    def name(self, record: Pregnancy) -> str:
        """The pregnant person's name, as her record's key demographics give it."""
        try:
            return record.mother.name or "—"
        except Mother.DoesNotExist:
            return "—"

    def has_record_delete_permission(self, request) -> bool:
        user = request.user
        return user.is_active and user.is_staff and (user.is_superuser or is_location_admin(request))

    @admin.action(description=gettext_lazy("Delete the whole record…"), permissions=["record_delete"])
    def delete_whole_record(self, request, queryset):
        return self._delete_records(request, queryset)

    def get_urls(self):
        return [object_action_url(self, "delete-record", self.delete_record_view), *super().get_urls()]

    def delete_record_view(self, request, object_id):
        """The same confirmation page for one record, linked from its change page."""
        if not self.has_record_delete_permission(request):
            raise PermissionDenied
        queryset = one_object(self, request, object_id, missing="No such record.")
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
                services.record_delete_refused(
                    user=request.user,
                    record_id=record.pk,
                    person_id=record.person_id,
                    refusal=refusal,
                    ip=audit_ip(request),
                )
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
            "title": _("Delete the whole record") if len(records) == 1 else _("Delete whole records"),
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
            counts = services.record_delete(
                record_id=record.pk, user=request.user, reason=reason, ip=audit_ip(request)
            )
        except NotAllowed as error:  # the service has audited the refusal
            self.message_user(request, _not_deleted(record, error), messages.ERROR)
        except NotFound:
            self.message_user(
                request, _("Record %(id)s no longer exists.") % {"id": record.pk}, messages.WARNING
            )
        except RecordError as error:
            self.message_user(request, _not_deleted(record, error), messages.ERROR)
        else:
            self.message_user(
                request,
                _(
                    "Deleted record %(id)s of %(person)s: %(resources)s resources, %(versions)s versions, "
                    "%(events)s events, %(stakeholders)s stakeholders."
                )
                % {
                    "id": record.pk,
                    "person": record.person.identifier_value,
                    "resources": counts["resources"],
                    "versions": counts["versions"],
                    "events": counts["events"],
                    "stakeholders": counts["stakeholders"],
                },
                messages.SUCCESS,
            )


def _not_deleted(record: Pregnancy, error: RecordError) -> str:
    return _("Record %(id)s was not deleted: %(reason)s") % {"id": record.pk, "reason": error.message}


# The audit trail: read-only for everyone; reading it is itself audited.
