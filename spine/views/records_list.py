"""GET /spine/v1/records: the records the caller's Care Location is a stakeholder of, a page at a time.

Keyset-paginated (oldest first), so every page costs one query however many records and grants exist."""

import base64
import binascii
from datetime import datetime
from uuid import UUID

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from maternity.database.replicas import lag_tolerant
from maternity.errors import Invalid
from maternity.models import AccessAction, RecordStatus
from maternity.reads.selectors import visible_records_page

from ..audit import AuditedViewMixin
from ..context import request_actor
from ..serializers.metadata import timestamp
from .base import ERRORS
from .params import int_param

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def encode_cursor(record) -> str:
    raw = f"{record.created_at.isoformat()}|{record.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        created_at, record_id = raw.split("|")
        return datetime.fromisoformat(created_at), UUID(record_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise Invalid("after is not a cursor this endpoint gave out.", field="after") from None


class RecordSummarySerializer(serializers.Serializer):
    """For the OpenAPI schema; the view writes the JSON."""

    recordId = serializers.UUIDField()
    recordStatus = serializers.ChoiceField(choices=RecordStatus.choices)
    patient = inline_serializer(
        "PatientIdentifier", {"system": serializers.CharField(), "value": serializers.CharField()}
    )
    agreedEdd = serializers.DateField(allow_null=True)
    activeCareLocation = inline_serializer(
        "CareLocationRef", {"orgNr": serializers.CharField(), "name": serializers.CharField()}
    )
    createdAt = serializers.DateTimeField()
    lastUpdated = serializers.DateTimeField()


@lag_tolerant
class RecordListView(AuditedViewMixin, GenericAPIView):
    serializer_class = None
    audit_action = AccessAction.LIST

    @extend_schema(
        operation_id="records_list",
        summary="The records your Care Location is a stakeholder of",
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=list(RecordStatus.values)),
            OpenApiParameter("after", OpenApiTypes.STR, description="The `next` cursor of the last page."),
            OpenApiParameter(
                "limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}, description="Page size."
            ),
        ],
        responses={
            200: inline_serializer(
                "RecordList",
                {
                    "records": RecordSummarySerializer(many=True),
                    "next": serializers.CharField(
                        allow_null=True, help_text="Pass as `after`; null on the last page."
                    ),
                },
            ),
            **ERRORS,
        },
    )
    def get(self, request):
        self.audit.actor = request_actor(request, writing=False, source_system_required=False)
        status = request.query_params.get("status")
        if status is not None and status not in RecordStatus.values:
            raise Invalid(f"status must be one of {', '.join(RecordStatus.values)}.", field="status")
        after = request.query_params.get("after")
        limit = int_param(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
        records, more = visible_records_page(
            actor=self.audit.actor,
            limit=limit,
            after=None if after is None else decode_cursor(after),
            status=status,
        )
        return Response(
            {
                "records": [
                    {
                        "recordId": str(record.pk),
                        "recordStatus": record.status,
                        "patient": {
                            "system": record.person.identifier_system,
                            "value": record.person.identifier_value,
                        },
                        "agreedEdd": record.agreed_edd.isoformat() if record.agreed_edd else None,
                        "activeCareLocation": {
                            "orgNr": record.active_care_location.org_nr,
                            "name": record.active_care_location.name,
                        },
                        "createdAt": timestamp(record.created_at),
                        "lastUpdated": timestamp(record.record_last_updated),
                    }
                    for record in records
                ],
                "next": encode_cursor(records[-1]) if more else None,
            }
        )
