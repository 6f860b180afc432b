"""GET /spine/v1/events: what changed in the records your Care Location is a stakeholder of.

Change signals only (no clinical data): re-read the record to see the change. In commit order, a page at
a time; keep `next` and pass it as `after` on the next poll. Polling with the last `next` is cheap."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from maternity.database.replicas import lag_tolerant
from maternity.models import AccessAction
from maternity.reads.event_feed import events_page

from ..audit import AuditedViewMixin
from ..context import calling_client, request_actor
from ..event_cursors import cursor_for, position_from
from ..serializers.events import EventSerializer, event_json
from .base import ERRORS
from .params import int_param

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


@lag_tolerant
class EventFeedView(AuditedViewMixin, GenericAPIView):
    serializer_class = None
    audit_action = AccessAction.EVENTS

    @extend_schema(
        operation_id="events_list",
        summary="Changes to the records your Care Location is a stakeholder of, in commit order",
        parameters=[
            OpenApiParameter(
                "after",
                OpenApiTypes.STR,
                description="The `next` cursor of your last page. Absent: from the first event.",
            ),
            OpenApiParameter(
                "limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}, description="Page size."
            ),
        ],
        responses={
            200: inline_serializer(
                "EventPage",
                {
                    "events": EventSerializer(many=True),
                    "next": serializers.CharField(help_text="Pass as `after` on your next request."),
                    "more": serializers.BooleanField(help_text="More events wait: ask again at once."),
                },
            ),
            **ERRORS,
        },
    )
    def get(self, request):
        client = calling_client(request)
        self.audit.actor = request_actor(request, writing=False, source_system_required=False)
        after = request.query_params.get("after")
        limit = int_param(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
        page = events_page(
            actor=self.audit.actor,
            after=0 if after is None else position_from(client, after),
            limit=limit,
            resource_types=client.record_filter or None,  # empty filter: every type
        )
        self.audit.detail = f"{len(page.events)} events"
        return Response(
            {
                "events": [event_json(event) for event in page.events],
                "next": cursor_for(client, page.through),
                "more": page.more,
            }
        )
