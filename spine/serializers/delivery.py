"""The delivery step's body and answer (POST /spine/v1/records/{recordId}/delivery): the record's version,
the labour resource and each baby as NHN's `births` item, with what NHN's birth has no place for beside it.
"""

import re

from rest_framework import serializers

from maternity import models as m
from maternity.services.delivery import MAX_BABIES, Delivery

from .fields import StrictBooleanField, StrictChoiceField, StrictIntegerField, StrictMixin, camel
from .record import RecordMetadataSerializer
from .resources import BirthSerializer, LabourSerializer


class DeliveryLabourSerializer(LabourSerializer):
    """Labour and birth: the `labour` resource without `newborns`, which the delivery step writes from
    each baby's `resuscitation` and `feeding`."""

    def get_field_names(self, declared_fields, info):
        return [name for name in super().get_field_names(declared_fields, info) if name != "newborns"]


class DeliveryBabySerializer(StrictMixin, serializers.Serializer):
    birth = BirthSerializer(help_text="The baby's births item, in NHN's shape. liveBirth is required here.")
    resuscitation = StrictBooleanField(allow_null=True, required=False, help_text="Resuscitated at birth.")
    feeding = StrictChoiceField(choices=m.Feeding.choices, allow_null=True, required=False)


class DeliverySerializer(StrictMixin, serializers.Serializer):
    """The status DELIVERED, labour and every baby, written together: all or nothing."""

    version = StrictIntegerField(min_value=1, help_text="The record's version you read (metadata.version).")
    deliveryDate = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="When the delivery was; left out, the first baby's time of birth.",
    )
    labour = DeliveryLabourSerializer(required=False, allow_null=True)
    babies: serializers.ListSerializer = serializers.ListSerializer(
        child=DeliveryBabySerializer(), min_length=1, max_length=MAX_BABIES
    )

    def delivery(self) -> Delivery:
        data = self.validated_data
        return Delivery(
            version=data["version"],
            delivery_date=data.get("deliveryDate"),
            labour=dict(data.get("labour") or {}),
            babies=[
                {
                    **dict(baby["birth"]),
                    "resuscitation": baby.get("resuscitation"),
                    "feeding": baby.get("feeding"),
                }
                for baby in data["babies"]
            ],
        )


class DeliveredSerializer(serializers.Serializer):
    """The record after the delivery step: its metadata, the labour resource and the births written."""

    metadata = RecordMetadataSerializer()
    labour = LabourSerializer()
    births = BirthSerializer(many=True)


_BABY_FIELD = re.compile(r"^babies\[(\d+)\]\.(\w+)$")


def wire_field(field: str | None) -> str | None:
    """The delivery service's field names (model names) as the body names them: `babies[1].birth_weight`
    is `babies[1].birth.birthWeight`, `labour.blood_loss_ml` is `labour.bloodLossMl`."""
    if not field:
        return field
    if match := _BABY_FIELD.match(field):
        index, name = match.groups()
        if name in ("resuscitation", "feeding"):
            return f"babies[{index}].{name}"
        return f"babies[{index}].birth.{camel(name) if '_' in name else name}"
    if field.startswith("labour."):
        return f"labour.{camel(field.removeprefix('labour.'))}"
    return field
