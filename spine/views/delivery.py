"""POST /spine/v1/records/{recordId}/delivery: the delivery step. The status DELIVERED, labour and birth,
and every baby in one change (`services.record_deliver`), for a client system that records them together.
NHN's own updateStatus and births endpoints keep their shape; this writes what they would, at once."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from maternity import services
from maternity.errors import RecordError
from maternity.models import AccessAction
from maternity.services.delivery import Delivery

from ..serializers.delivery import DeliveredSerializer, DeliverySerializer, wire_field
from ..serializers.metadata import record_metadata
from ..serializers.record import request_object, resource_representation
from .base import BODY_ERRORS, RecordAPIView


class DeliveryView(RecordAPIView):
    serializer_class = DeliverySerializer
    audit_action = AccessAction.STATUS_CHANGE

    @extend_schema(
        operation_id="record_deliver",
        request=DeliverySerializer,
        responses={201: DeliveredSerializer, **BODY_ERRORS},
        summary="Record the delivery: status DELIVERED, labour and every baby, all or nothing",
    )
    def post(self, request, record_id):
        """The record must be ACTIVE and at the version sent. `liveBirth` of the record comes from the
        babies (true when any was born alive); each baby's `birth.liveBirth` and `birth.birthTime` are
        required. An error about one baby names it: `babies[1].birth.birthWeight`, "Baby 2: ..."."""
        try:
            delivered = self.as_stakeholder(
                record_id,
                lambda patient: services.record_deliver(
                    record_id=record_id, parse=self._parse, actor=self.actor(), national_id=patient
                ),
            )
        except RecordError as error:
            error.field = wire_field(error.field)
            raise
        babies = len(delivered.births)
        self.audit.detail = f"ACTIVE -> DELIVERED with {babies} bab{'y' if babies == 1 else 'ies'}"
        return Response(
            {
                "metadata": record_metadata(delivered.record),
                "labour": resource_representation("labour", delivered.labour),
                "births": [resource_representation("births", birth) for birth in delivered.births],
            },
            status=status.HTTP_201_CREATED,
        )

    def _parse(self) -> Delivery:
        body = DeliverySerializer(data=request_object(self.request.data))
        body.is_valid(raise_exception=True)
        return body.delivery()
