"""Client systems: a Care Location admin sees and manages their own locations' clients, a superuser all.

Add one (its client ID and secret are shown once, on the page that follows), rotate its secret (shown
once; the old one and its tokens stop working), change its record filter, link it to its client ID at a
trusted token issuer (HelseID), deactivate it (its tokens are revoked at once). Every write goes through
`spine.services`; nothing is deleted here.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from maternity.admin.base import object_action_url, one_object
from maternity.admin.scope import administered_location_ids, is_location_admin, location_filter_id
from maternity.errors import RecordError
from maternity.models import CareLocation, RestrictionCategory
from maternity.rules.resources import RESOURCE_TYPES

from .. import services
from ..models import SpineClient
from ..services.clients import check_token_client

RECORD_FILTER_HELP = gettext_lazy("The resource types it may read and write. None ticked: all of them.")


def _locations_for(request):
    locations = CareLocation.objects.filter(active=True).order_by("name")
    if request.user.is_superuser:
        return locations
    return locations.filter(id__in=administered_location_ids(request))


def _record_filter_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=[(name, name) for name in RESOURCE_TYPES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Record filter"),
        help_text=RECORD_FILTER_HELP,
    )


def _restricted_categories_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=RestrictionCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Restricted entries it may see"),
        help_text=gettext_lazy(
            "Restricted entries of its own Care Location in these categories. None ticked: it sees only "
            "that an entry is restricted."
        ),
    )


def _issuer_choices() -> list[tuple[str, str]]:
    return [("", _("none")), *((i["issuer"], i["issuer"]) for i in settings.SPINE_TOKEN_ISSUERS)]


class ClientChangeForm(forms.ModelForm):
    record_filter = _record_filter_field()
    restricted_categories = _restricted_categories_field()
    token_issuer = forms.TypedChoiceField(
        choices=_issuer_choices,
        required=False,
        label=gettext_lazy("Token issuer"),
        help_text=gettext_lazy(
            "A trusted issuer (SPINE_TOKEN_ISSUERS) whose signed access tokens this client also uses."
        ),
    )

    class Meta:
        model = SpineClient
        fields = ["record_filter", "restricted_categories", "token_issuer", "token_client_id"]

    def clean(self):
        cleaned = super().clean()
        try:
            check_token_client(
                client=self.instance,
                issuer=cleaned.get("token_issuer") or "",
                client_id=cleaned.get("token_client_id") or "",
            )
        except RecordError as error:
            self.add_error(error.field if error.field in self.fields else None, error.message)
        return cleaned


class ClientAddForm(forms.ModelForm):
    care_location = forms.ModelChoiceField(
        queryset=CareLocation.objects.none(), empty_label=None, label=gettext_lazy("Care location")
    )
    record_filter = _record_filter_field()

    class Meta:
        model = SpineClient
        fields = ["name", "care_location", "record_filter"]
        labels = {"name": gettext_lazy("Name")}


class ClientLocationFilter(admin.SimpleListFilter):
    """By Care Location; a location admin is offered only their own."""

    title = gettext_lazy("care location")
    parameter_name = "care_location"

    def lookups(self, request, model_admin):
        return [(str(location.pk), location.name) for location in _locations_for(request)]

    def queryset(self, request, queryset):
        location_id = location_filter_id(self.value())
        return queryset.filter(care_location_id=location_id) if location_id else queryset


@admin.register(SpineClient)
class SpineClientAdmin(admin.ModelAdmin):
    list_display = ["name", "care_location", "client_id", "record_filter_shown", "active", "created_at"]
    list_filter = ["active", ClientLocationFilter]
    list_select_related = ["care_location", "application"]
    search_fields = ["name", "application__client_id"]
    search_help_text = gettext_lazy("Part of the name, or the client ID.")
    actions = ["rotate_secret", "deactivate"]
    add_fields = ["name", "care_location", "record_filter"]
    change_fields = [
        "name",
        "care_location",
        "client_id",
        "record_filter",
        "restricted_categories",
        "token_issuer",
        "token_client_id",
        "active",
        "service_user",
        "created_at",
    ]
    readonly_fields = ["name", "care_location", "client_id", "active", "service_user", "created_at"]
    secret_template = "admin/spine/spineclient/secret.html"
    rotate_template = "admin/spine/spineclient/rotate_secret.html"

    # Who: superusers every client; a Care Location admin their locations' clients; any other staff
    # nothing, whatever model permissions they hold.

    def has_manage_permission(self, request) -> bool:
        user = request.user
        return user.is_active and user.is_staff and (user.is_superuser or is_location_admin(request))

    def has_module_permission(self, request):
        return self.has_manage_permission(request)

    def has_view_permission(self, request, obj=None):
        if not self.has_manage_permission(request):
            return False
        return (
            obj is None
            or request.user.is_superuser
            or obj.care_location_id in administered_location_ids(request)
        )

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj) and (obj is None or obj.active)

    def has_add_permission(self, request):
        return self.has_manage_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: its history keeps the client's name

    def get_queryset(self, request):
        queryset = (
            super().get_queryset(request).select_related("care_location", "application", "service_user")
        )
        if request.user.is_superuser:
            return queryset
        return queryset.filter(care_location__in=administered_location_ids(request))

    # Forms

    def get_fields(self, request, obj=None):
        return self.change_fields if obj else self.add_fields

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if obj.active:
            return self.readonly_fields
        return [
            *self.readonly_fields,
            "record_filter",
            "restricted_categories",
            "token_issuer",
            "token_client_id",
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = ClientChangeForm if obj else ClientAddForm
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            form.base_fields["care_location"].queryset = _locations_for(request)
        return form

    def save_model(self, request, obj, form, change):
        record_filter = form.cleaned_data["record_filter"]
        if change:
            services.spine_client_set_filter(
                client=obj,
                record_filter=record_filter,
                restricted_categories=form.cleaned_data.get("restricted_categories") or [],
            )
            services.spine_client_set_token_client(
                client=obj,
                issuer=form.cleaned_data.get("token_issuer") or "",
                client_id=form.cleaned_data.get("token_client_id") or "",
            )
            return
        new = services.spine_client_create(
            care_location=form.cleaned_data["care_location"], name=obj.name, record_filter=record_filter
        )
        obj.pk = new.client.pk
        obj.application, obj.service_user = new.client.application, new.client.service_user
        request._new_spine_clients = [new]

    def save_related(self, request, form, formsets, change):
        pass  # nothing related is edited here; the services did it all

    def response_add(self, request, obj, post_url_continue=None):
        return self._show_secrets(request, request._new_spine_clients, _("The client system was added."))

    def _show_secrets(self, request, new_clients, title: str):
        """The one page that shows the secrets: never cached, never shown again."""
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": opts,
            "new_clients": new_clients,
            "changelist_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        }
        request.current_app = self.admin_site.name
        response = TemplateResponse(request, self.secret_template, context)
        add_never_cache_headers(response)
        return response

    # Columns

    @admin.display(description=gettext_lazy("client ID"), ordering="application__client_id")
    def client_id(self, client: SpineClient) -> str:
        return client.application.client_id

    @admin.display(description=gettext_lazy("record filter"))
    def record_filter_shown(self, client: SpineClient) -> str:
        return ", ".join(client.record_filter) or _("all resource types")

    # Actions

    @admin.action(description=gettext_lazy("Deactivate (revokes its tokens at once)"), permissions=["manage"])
    def deactivate(self, request, queryset):
        for client in queryset:
            revoked = services.spine_client_deactivate(client=client)
            # the admin's log is kept, so in English; the admin reads it translated
            self.log_change(
                request, client, f"Deactivated; {revoked} token{'s' if revoked != 1 else ''} revoked."
            )
            done = ngettext(
                "Deactivated; %(count)s token revoked.", "Deactivated; %(count)s tokens revoked.", revoked
            ) % {"count": revoked}
            self.message_user(request, f"{client.name}: {done}", messages.SUCCESS)

    @admin.action(description=gettext_lazy("Rotate the secret…"), permissions=["manage"])
    def rotate_secret(self, request, queryset):
        return self._rotate(request, queryset)

    def get_urls(self):
        return [object_action_url(self, "rotate-secret", self.rotate_secret_view), *super().get_urls()]

    def rotate_secret_view(self, request, object_id):
        if not self.has_manage_permission(request):
            raise PermissionDenied
        return self._rotate(request, one_object(self, request, object_id, missing="No such client system."))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "can_rotate": self.has_manage_permission(request)}
        return super().change_view(request, object_id, form_url, extra_context)

    def _rotate(self, request, queryset):
        """Ask first (the running system stops working until it is given the new secret); on a confirmed
        POST rotate each active client's secret and show the new ones once."""
        clients = list(queryset.filter(active=True))
        if not clients:
            self.message_user(
                request, _("No secret was rotated: no active client system chosen."), messages.WARNING
            )
            return None
        if request.method == "POST" and request.POST.get("post") == "yes":
            rotated = []
            for client in clients:
                try:
                    rotated.append(services.spine_client_rotate_secret(client=client))
                except RecordError as error:
                    self.message_user(request, f"{client.name}: {error.message}", messages.ERROR)
                    continue
                self.log_change(request, client, "Secret rotated; its tokens were revoked.")
            title = _("New secret") if len(rotated) == 1 else _("New secrets")
            return self._show_secrets(request, rotated, title)
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": _("Rotate the secret"),
            "opts": opts,
            "clients": clients,
            "action_name": "rotate_secret",
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "changelist_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.rotate_template, context)
