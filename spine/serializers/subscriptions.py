"""Webhook subscriptions on the wire: the subscription JSON, and the request bodies that create one or
redeliver from a point in the event feed. Parsing only: the rules (URL, limits) are the services'."""

from datetime import datetime

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from maternity.reads.event_feed import position_before

from ..event_cursors import cursor_for, position_from
from ..models import SubscriptionState, WebhookSubscription
from .fields import StrictMixin, TextField, UtcDateTimeField
from .metadata import timestamp

BEGINNING = "beginning"
NOW = "now"


def subscription_json(subscription: WebhookSubscription) -> dict:
    """`cursor` is where delivery has reached, signed like the event feed's cursors (so it can be passed
    as `after` to GET /spine/v1/events, or to redeliver). A paused subscription has no next attempt."""
    paused = subscription.state == SubscriptionState.PAUSED
    return {
        "id": str(subscription.pk),
        "url": subscription.url,
        "description": subscription.description,
        "state": subscription.state,
        "createdAt": timestamp(subscription.created_at),
        "cursor": cursor_for(subscription.client, subscription.cursor),
        "lastAttemptAt": timestamp(subscription.last_attempt_at),
        "lastSuccessAt": timestamp(subscription.last_success_at),
        "lastError": subscription.last_error or None,
        "failingSince": timestamp(subscription.failing_since),
        "nextAttemptAt": None if paused else timestamp(subscription.next_attempt_at),
        "failedAttempts": subscription.failed_attempts,
        "deliveredEvents": subscription.delivered_events,
    }


class CursorField(TextField):
    """An event-feed cursor given to the calling client system (context["client"]): its position."""

    def to_internal_value(self, data):
        return position_from(self.context["client"], super().to_internal_value(data), field=self.field_name)


@extend_schema_field(OpenApiTypes.DATETIME)
class UtcTimestampField(serializers.Field):
    """An ISO 8601 date and time that says its offset (`Z` or `+01:00`): a time without one is ambiguous."""

    def to_internal_value(self, data):
        try:
            moment = datetime.fromisoformat(data) if isinstance(data, str) else None
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise serializers.ValidationError(
                "Expected an ISO 8601 date and time with its offset, e.g. 2026-03-01T08:00:00Z.",
                code="invalid",
            )
        return moment

    def to_representation(self, value):
        return timestamp(value)


class SubscriptionSerializer(serializers.Serializer):
    """For the OpenAPI schema; `subscription_json` writes the JSON."""

    id = serializers.UUIDField()
    url = serializers.URLField()
    description = serializers.CharField()
    state = serializers.ChoiceField(
        choices=SubscriptionState.choices,
        help_text="ACTIVE; PAUSED (by you or an administrator); FAILING (the receiver has failed for too "
        "long: fix it, then resume).",
    )
    createdAt = UtcDateTimeField()
    cursor = serializers.CharField(help_text="Delivered through here: a cursor like the event feed's `next`.")
    lastAttemptAt = UtcDateTimeField(allow_null=True)
    lastSuccessAt = UtcDateTimeField(allow_null=True)
    lastError = serializers.CharField(allow_null=True, help_text="Why the last failed attempt failed.")
    failingSince = UtcDateTimeField(allow_null=True, help_text="The first failure of the current outage.")
    nextAttemptAt = UtcDateTimeField(allow_null=True, help_text="Null while paused.")
    failedAttempts = serializers.IntegerField(help_text="Failures in a row.")
    deliveredEvents = serializers.IntegerField()


class NewSubscriptionSerializer(SubscriptionSerializer):
    secret = serializers.CharField(
        help_text="The signing secret (whsec_...), shown this once: keep it to verify webhook-signature."
    )


class SubscriptionCreateSerializer(StrictMixin, serializers.Serializer):
    """`validated_data`: url, description, and `after`, the position to deliver after (None: from now)."""

    url = TextField(
        trim_whitespace=False,
        help_text="The https:// address of your webhook receiver (http:// only where this server allows it, "
        "as in development; a refusal says which this server accepts).",
    )
    description = TextField(required=False, allow_blank=True, trim_whitespace=False, default="")
    after = CursorField(
        required=False, help_text="A cursor from the event feed: deliver the events after it."
    )
    start = serializers.ChoiceField(
        choices=[NOW, BEGINNING],
        required=False,
        help_text="Without `after`: `now` (the default) delivers the events from now on, `beginning` every "
        "event you may see.",
    )

    def validate(self, data):
        if "after" in data and "start" in data:
            raise serializers.ValidationError({"start": ["Send after or start, not both."]})
        after = data.pop("after", None)
        if data.pop("start", NOW) == BEGINNING:
            after = 0
        return {**data, "after": after}


class RedeliverSerializer(StrictMixin, serializers.Serializer):
    """`validated_data`: {"after": position}: every event after it is sent again."""

    after = CursorField(required=False, help_text="A cursor (a subscription's or the event feed's).")
    start = serializers.ChoiceField(choices=[BEGINNING], required=False, help_text="Every event again.")
    since = UtcTimestampField(required=False, help_text="The events committed at or after this time.")

    def validate(self, data):
        if len(data) != 1:
            options = 'after (a cursor), start ("beginning") or since (a time)'
            if data:
                raise serializers.ValidationError({sorted(data)[-1]: [f"Send only one of {options}."]})
            raise serializers.ValidationError(f"Say where to redeliver from: send one of {options}.")
        if "after" in data:
            return data
        if "start" in data:
            return {"after": 0}
        return {"after": position_before(data["since"])}


class EmptySerializer(StrictMixin, serializers.Serializer):
    """Pause and resume take no fields (an empty body, or {})."""
