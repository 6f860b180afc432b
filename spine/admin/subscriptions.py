"""Webhook subscriptions: state, lag, last success and error at a glance; pause, resume, redeliver, delete.

Read-only: client systems register subscriptions over the API (the signing secret is shown once there),
and every change goes through `spine.services`, which lock the row against the delivery worker.
"""

from typing import TYPE_CHECKING, TypedDict, cast

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db.models import IntegerField, OuterRef, Q, Subquery, TextField, Value
from django.db.models.functions import Cast, Concat
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maternity.admin.base import object_action_url, one_object
from maternity.admin.scope import administered_location_ids, is_location_admin, location_filter_id
from maternity.models import CareLocation, FeedEntry
from maternity.reads.event_feed import ROOT, position_before

from .. import services
from ..models import SubscriptionState, WebhookSubscription

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class Lag(TypedDict):
    """What the list's queryset adds to each subscription (`get_queryset`)."""

    lag: int


class SubqueryCount(Subquery):
    """The number of rows of a subquery, as one column of the outer query (0 when there are none)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) counted)"
    output_field = IntegerField()


def events_waiting() -> SubqueryCount:
    """How many events a subscription has yet to deliver: the same rows as the feed its client reads
    (`maternity.reads.event_feed.visible_events`), after its cursor. Client systems are stakeholders through
    their Care Location's group (never single-user grants), so these are the group's feed entries; their
    record filter keeps the record root's events and those of the resource types it lists (all when
    empty). Written for the outer query, so a whole changelist page costs one query."""
    # The record filter is a JSON list of wire names, e.g. ["mother", "currentPregnancy"]: its text
    # holds `"mother"` exactly when it lists "mother" (the same on PostgreSQL and SQLite).
    record_filter = Cast(OuterRef("client__record_filter"), TextField())
    entries = (
        FeedEntry.objects.annotate(wanted_types=record_filter)
        .filter(group_id=OuterRef("client__care_location__group_id"), position__gt=OuterRef("cursor"))
        .filter(
            Q(resource_type=ROOT)
            | Q(wanted_types="[]")
            | Q(wanted_types__contains=Concat(Value('"'), "resource_type", Value('"')))
        )
        .order_by()
        .values("position")
    )
    return SubqueryCount(entries)


class CareLocationFilter(admin.SimpleListFilter):
    """By the client system's Care Location; a Care Location admin is offered only their own."""

    title = gettext_lazy("care location")
    parameter_name = "care_location"

    def lookups(self, request, model_admin):
        locations = CareLocation.objects.order_by("name").only("id", "name")
        if not request.user.is_superuser:
            locations = locations.filter(id__in=administered_location_ids(request))
        return [(str(location.pk), location.name) for location in locations]

    def queryset(self, request, queryset):
        location_id = location_filter_id(self.value())
        return queryset.filter(client__care_location_id=location_id) if location_id else queryset


class RedeliverForm(forms.Form):
    OUTAGE, MOMENT, BEGINNING = "outage", "moment", "beginning"

    start = forms.ChoiceField(label=gettext_lazy("Send again every event"), widget=forms.RadioSelect)
    moment = forms.DateTimeField(
        label=gettext_lazy("Date and time"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": "1"}, format="%Y-%m-%dT%H:%M:%S"),
    )

    def __init__(self, *args, outage_known: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["moment"].help_text = _("In %(zone)s time.") % {"zone": settings.TIME_ZONE}
        choices = [(self.OUTAGE, _("since the current outage began"))] if outage_known else []
        choices += [
            (self.MOMENT, _("committed after a date and time")),
            (self.BEGINNING, _("from the very beginning")),
        ]
        start = cast(forms.ChoiceField, self.fields["start"])  # the field declared above
        start.choices = choices

    def clean(self):
        cleaned = super().clean()
        moment = cleaned.get("moment")
        if cleaned.get("start") == self.MOMENT:
            if moment is None:
                self.add_error("moment", _("Give the date and time to send the events again from."))
            elif moment > timezone.now():
                self.add_error("moment", _("The date and time cannot be in the future."))
        return cleaned


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    list_display = [
        "client_name",
        "care_location",
        "url",
        "state_badge",
        "lag",
        "last_success_at",
        "short_error",
        "failing_since",
        "next_attempt_at",
    ]
    list_filter = ["state", CareLocationFilter]
    list_select_related = ["client__care_location"]
    search_fields = ["url", "client__name"]
    search_help_text = gettext_lazy("Part of the receiver URL or of the client system's name.")
    actions = ["pause", "resume", "redeliver"]  # and Django's "delete selected", through delete_queryset
    fields = (
        "client",
        "care_location",
        "url",
        "description",
        "state_badge",
        "lag",
        "cursor",
        "pending_through",
        "epoch",
        "delivered_events",
        "last_success_at",
        "last_attempt_at",
        "failed_attempts",
        "failing_since",
        "next_attempt_at",
        "last_error",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields
    redeliver_template = "admin/spine/webhooksubscription/redeliver.html"

    class Media:
        css = {"all": ["spine/admin.css"]}  # a stylesheet: the CSP allows no style attributes

    # Who: superusers everything; a Care Location admin the subscriptions of their locations' client
    # systems; any other staff nothing, whatever model permissions they hold.

    def has_manage_permission(self, request) -> bool:
        user = request.user
        return user.is_active and user.is_staff and (user.is_superuser or is_location_admin(request))

    def has_module_permission(self, request):
        return self.has_manage_permission(request)

    def has_view_permission(self, request, obj=None):
        return self.has_manage_permission(request) and (obj is None or self._in_scope(request, obj))

    def has_delete_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def _in_scope(self, request, subscription: WebhookSubscription) -> bool:
        if request.user.is_superuser:
            return True
        return subscription.client.care_location_id in administered_location_ids(request)

    def get_queryset(self, request):
        queryset = (
            super()
            .get_queryset(request)
            .select_related("client__care_location")
            .annotate(lag=events_waiting())
        )
        if request.user.is_superuser:
            return queryset
        return queryset.filter(client__care_location__in=administered_location_ids(request))

    # Columns

    @admin.display(description=gettext_lazy("client system"), ordering="client__name")
    def client_name(self, subscription: WebhookSubscription) -> str:
        return subscription.client.name

    @admin.display(description=gettext_lazy("care location"), ordering="client__care_location__name")
    def care_location(self, subscription: WebhookSubscription) -> str:
        return subscription.client.care_location.name

    @admin.display(description=gettext_lazy("state"), ordering="state")
    def state_badge(self, subscription: WebhookSubscription):
        if subscription.state == SubscriptionState.FAILING:
            return format_html(
                '<strong class="subscription-failing">⚠ {}</strong>',
                subscription.get_state_display(),
            )
        return subscription.get_state_display()

    @admin.display(description=gettext_lazy("events waiting"), ordering="lag")
    def lag(self, subscription: "WithAnnotations[WebhookSubscription, Lag]") -> int:
        return subscription.lag

    @admin.display(description=gettext_lazy("last error"))
    def short_error(self, subscription: WebhookSubscription) -> str:
        return Truncator(subscription.last_error).chars(60)

    # Actions: each through a service, each written to the object's admin history.

    @admin.action(description=gettext_lazy("Pause: send nothing until resumed"), permissions=["manage"])
    def pause(self, request, queryset):
        self._each(
            request, queryset, services.subscription_pause, "Paused", gettext_lazy("Paused %(subscription)s.")
        )

    @admin.action(description=gettext_lazy("Resume: send the waiting events now"), permissions=["manage"])
    def resume(self, request, queryset):
        self._each(
            request,
            queryset,
            services.subscription_resume,
            "Resumed",
            gettext_lazy("Resumed %(subscription)s."),
        )

    def _each(self, request, queryset, service, done: str, message) -> None:
        """`done` goes to the admin's log, which is kept, so in English; `message` (lazily translated, with
        %(subscription)s) is what the admin reads."""
        for subscription in queryset:
            try:
                service(subscription=subscription)
            except WebhookSubscription.DoesNotExist:
                self._gone(request, subscription)
                continue
            self.log_change(request, subscription, f"{done}.")
            self.message_user(request, message % {"subscription": subscription}, messages.SUCCESS)

    def _gone(self, request, subscription: WebhookSubscription) -> None:
        gone = _("%(subscription)s no longer exists.") % {"subscription": subscription}
        self.message_user(request, gone, messages.WARNING)

    def delete_model(self, request, obj):
        services.subscription_delete(subscription=obj)

    def delete_queryset(self, request, queryset):
        for subscription in queryset:
            services.subscription_delete(subscription=subscription)

    # Redelivery: a confirmation page that asks where from, as an action and from the change page.

    @admin.action(description=gettext_lazy("Redeliver events…"), permissions=["manage"])
    def redeliver(self, request, queryset):
        return self._redeliver(request, queryset)

    def get_urls(self):
        return [object_action_url(self, "redeliver", self.redeliver_view), *super().get_urls()]

    def redeliver_view(self, request, object_id):
        if not self.has_manage_permission(request):
            raise PermissionDenied
        queryset = one_object(self, request, object_id, missing="No such subscription.")
        return self._redeliver(request, queryset) or redirect(
            "admin:spine_webhooksubscription_change", object_id
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "can_redeliver": self.has_manage_permission(request)}
        return super().change_view(request, object_id, form_url, extra_context)

    def _redeliver(self, request, queryset):
        """Show where the events could be sent again from; on a confirmed, valid POST redeliver each
        subscription and return None (back to where the admin came from)."""
        subscriptions = list(queryset)
        if not subscriptions:  # none of the chosen ones is visible to this admin (any more)
            self.message_user(request, _("No subscription was redelivered."), messages.WARNING)
            return None
        confirmed = request.method == "POST" and request.POST.get("post") == "yes"
        form = RedeliverForm(
            request.POST if confirmed else None,
            outage_known=all(subscription.failing_since for subscription in subscriptions),
        )
        if confirmed and form.is_valid():
            start, moment = form.cleaned_data["start"], form.cleaned_data["moment"]
            from_moment = position_before(moment) if start == RedeliverForm.MOMENT else None
            for subscription in subscriptions:
                if start == RedeliverForm.OUTAGE:
                    after = position_before(subscription.failing_since)
                else:
                    after = 0 if start == RedeliverForm.BEGINNING else from_moment
                self._redeliver_one(request, subscription, after)
            return None

        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": _("Redeliver events"),
            "opts": opts,
            "subscriptions": subscriptions,
            "form": form,
            "action_name": "redeliver",
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "changelist_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.redeliver_template, context)

    def _redeliver_one(self, request, subscription: WebhookSubscription, after: int) -> None:
        """Never past the cursor: the events after it were never delivered, and redelivery sends more,
        never fewer (a point after the cursor leaves it where it is and just tries again now)."""
        after = min(after, subscription.cursor)
        try:
            services.subscription_redeliver(subscription=subscription, after=after)
        except WebhookSubscription.DoesNotExist:
            self._gone(request, subscription)
            return
        self.log_change(request, subscription, f"Redelivering the events after position {after}.")
        again = _("%(subscription)s: sending every event after position %(position)s again.")
        self.message_user(
            request, again % {"subscription": subscription, "position": after}, messages.SUCCESS
        )
