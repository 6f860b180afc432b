"""An event on the wire, the same in the polling feed and in webhook messages: a change signal with no
clinical data (re-read the record to see what changed)."""

from rest_framework import serializers

from maternity.models import EventAction, RecordEvent

from .metadata import timestamp


def event_json(event: RecordEvent) -> dict:
    return {
        "eventId": str(event.event_id),
        "recordId": str(event.record_id),
        "resourceType": event.resource_type,
        "resourceId": str(event.resource_id),
        "version": event.version,
        "action": event.action,
        "occurredAt": timestamp(event.occurred_at),
    }


class EventSerializer(serializers.Serializer):
    """For the OpenAPI schema; `event_json` writes the JSON."""

    eventId = serializers.UUIDField(help_text="Stable: an event always has the same id (deduplicate on it).")
    recordId = serializers.UUIDField()
    resourceType = serializers.CharField(help_text='Wire name, e.g. "mother"; "record" for the record root.')
    resourceId = serializers.UUIDField()
    version = serializers.IntegerField(help_text="The resource's version after the change.")
    action = serializers.ChoiceField(choices=EventAction.choices)
    occurredAt = serializers.DateTimeField()
