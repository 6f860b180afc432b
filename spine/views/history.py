"""GET history/{recordId}: every version of the record and its resources, oldest first.

Keyset-paginated over RecordEvent (`after` = the last sequence seen), so a page costs the same however
long the history is: one query for the events, one per resource type on the page for the snapshots."""

from collections import defaultdict

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from maternity.database.replicas import lag_tolerant
from maternity.models import AccessAction, EventAction, Pregnancy
from maternity.reads.restrictions import ABSENT, hidden_entry, record_restrictions, restricted_for
from maternity.rules.resources import RESOURCE_TYPES

from ..serializers.metadata import (
    LastUpdatedBySerializer,
    actor_block,
    last_updated_by,
    record_status,
    timestamp,
)
from ..serializers.resources import SERIALIZERS
from .base import ERRORS, RecordAPIView
from .params import int_param

DEFAULT_LIMIT = 100
MAX_LIMIT = 500


def _snapshots(events) -> dict[tuple, object]:
    """{(resource_id, version): historical row} for the events on a page, one query per type."""
    wanted = defaultdict(set)
    for event in events:
        wanted[event.resource_type].add(event.resource_id)
    rows = {}
    for name, ids in wanted.items():
        model = Pregnancy if name == "record" else RESOURCE_TYPES[name].model
        history = model.history.filter(id__in=ids)
        if name == "careLocations":
            history = history.select_related("care_location")
        for row in history:
            rows[(row.id, row.version)] = row
    return rows


def _snapshot_data(event, row):
    if row is None:
        return None
    if event.resource_type == "record":
        return {"recordStatus": record_status(row), "version": row.version}
    data = SERIALIZERS[event.resource_type](row).data
    data.pop("metadata", None)
    return data


def _version_actor(event, row) -> dict:
    """Who made this version, as its own metadata said (`lastUpdatedBy` with hprNr and hprRole): the
    version's row is on the page already, so this costs no query. Should the row be gone, the event's own
    copy of who, which keeps no HPR number or role (null)."""
    if row is not None:
        return last_updated_by(row)
    return actor_block(
        user_type=event.user_type,
        org_nr=event.org_nr,
        org_name=event.org_name,
        hpr_nr="",
        hpr_role="",
        name=event.actor_name,
        source_system=event.source_system,
    )


def stub(event) -> dict:
    """A restricted entry's version, as a caller who may not see it reads it (docs/spine.md)."""
    if RESOURCE_TYPES[event.resource_type].is_list:
        return {"id": str(event.resource_id), "restricted": True}
    return {"restricted": True}


class HistoryEntrySerializer(serializers.Serializer):
    """For the OpenAPI schema; the view writes the JSON."""

    sequence = serializers.IntegerField()
    eventId = serializers.UUIDField()
    resourceType = serializers.CharField(help_text='Wire name, e.g. "mother"; "record" for the record root.')
    resourceId = serializers.UUIDField()
    version = serializers.IntegerField()
    action = serializers.ChoiceField(choices=EventAction.choices)
    occurredAt = serializers.DateTimeField()
    lastUpdatedBy = LastUpdatedBySerializer(help_text="Who made this version, as its metadata said.")
    nhnEventId = serializers.CharField(allow_null=True)
    # A field named "data": DRF's serializer metaclass takes it out of the class, so Serializer.data stays the
    # property the stubs describe
    data = serializers.DictField(  # type: ignore[assignment]
        allow_null=True, help_text="The resource as it was at this version."
    )


@lag_tolerant
class RecordHistoryView(RecordAPIView):
    serializer_class = None
    audit_action = AccessAction.HISTORY

    @extend_schema(
        operation_id="record_history",
        summary="Every version of the record and its resources, oldest first",
        parameters=[
            OpenApiParameter(
                "after",
                {"type": "integer", "minimum": 0, "maximum": 2**62},
                description="The last `sequence` you have seen.",
            ),
            OpenApiParameter(
                "limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}, description="Page size."
            ),
        ],
        responses={
            200: inline_serializer(
                "RecordHistory",
                {
                    "recordId": serializers.UUIDField(),
                    "versions": HistoryEntrySerializer(many=True),
                    "next": serializers.URLField(
                        allow_null=True, help_text="The next page; null on the last."
                    ),
                },
            ),
            **ERRORS,
        },
    )
    def get(self, request, record_id):
        actor = self.actor()
        record = self.load_record(
            actor, record_id, queryset=Pregnancy.objects.select_related("document").defer("document__body")
        )
        hidden = restricted_for(actor, record_restrictions(record))
        after = int_param(request, "after", 0, 0, 2**62)
        limit = int_param(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
        types = set(self.visible_types()) | {"record"}
        events = list(
            record.events.filter(sequence__gt=after, resource_type__in=types).order_by("sequence")[
                : limit + 1
            ]
        )
        has_more = len(events) > limit
        events = events[:limit]
        rows = _snapshots(events)
        versions = []
        for event in events:
            row = rows.get((event.resource_id, event.version))
            how = hidden_entry(hidden, event.resource_type, event.resource_id) if hidden else ""
            if how == ABSENT:
                continue
            if how:  # every version of an entry she may not see: that it is restricted, and nothing of it
                row = None
            versions.append(
                {
                    "sequence": event.sequence,
                    "eventId": str(event.event_id),
                    "resourceType": event.resource_type,
                    "resourceId": str(event.resource_id),
                    "version": event.version,
                    "action": event.action,
                    "occurredAt": timestamp(event.occurred_at),
                    "lastUpdatedBy": _version_actor(event, row),
                    "nhnEventId": event.client_event_id or None,
                    "data": _snapshot_data(event, row) if not how else stub(event),
                }
            )
        next_url = None
        if has_more:
            next_url = request.build_absolute_uri(f"{request.path}?after={events[-1].sequence}&limit={limit}")
        return Response({"recordId": str(record.pk), "versions": versions, "next": next_url})
