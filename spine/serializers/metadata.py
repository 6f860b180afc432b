"""The server-managed `metadata` blocks of the NHN wire format."""

from rest_framework import serializers

from maternity.models import Pregnancy, RecordStatus
from maternity.models.base import Resource
from maternity.models.stamp import Stamped, UserType

from .fields import UtcDateTimeField

_datetime = UtcDateTimeField()


def timestamp(value):
    return _datetime.to_representation(value) if value else None


def last_updated_by(stamped: Stamped) -> dict:
    """Who made this version (`lastUpdatedBy`). What is not known is null, never "": a patient's version
    has no organisation or HPR number, and a caller that sends no nhn-user-role no HPR role. The columns
    keep "" for it (Django's way with text); only the wire says null."""
    return actor_block(
        user_type=stamped.updated_by_user_type,
        org_nr=stamped.updated_by_org_nr,
        org_name=stamped.updated_by_org_name,
        hpr_nr=stamped.updated_by_hpr_nr,
        hpr_role=stamped.updated_by_hpr_role,
        name=stamped.updated_by_name,
        source_system=stamped.updated_by_source_system,
    )


def actor_block(
    *, user_type: str, org_nr: str, org_name: str, hpr_nr: str, hpr_role: str, name: str, source_system: str
) -> dict:
    """The `lastUpdatedBy` object: userType always, every other member null when unknown ("")."""
    return {
        "userType": user_type,
        "orgNr": org_nr or None,
        "orgName": org_name or None,
        "hprNr": hpr_nr or None,
        "hprRole": hpr_role or None,
        "name": name or None,
        "sourceSystem": source_system or None,
    }


def resource_metadata(resource: Resource) -> dict:
    metadata = {
        "id": str(resource.pk),
        "version": resource.version,
        "lastUpdated": timestamp(resource.last_updated),
        "lastUpdatedBy": last_updated_by(resource),
    }
    if hasattr(resource, "entered_in_error"):  # list items, and their historical rows
        metadata["enteredInError"] = resource.entered_in_error
    return metadata


def record_status(record: Pregnancy) -> dict:
    status: dict[str, object] = {"status": record.status}
    if record.status == RecordStatus.DELIVERED:
        status |= {"deliveryDate": timestamp(record.delivery_date), "liveBirth": record.live_birth}
    elif record.status == RecordStatus.TERMINATED:
        status["terminationDate"] = timestamp(record.termination_date)
    return status


def record_metadata(record: Pregnancy) -> dict:
    return {
        "recordId": str(record.pk),
        "recordStatus": record_status(record),
        "version": record.version,
        "recordLastUpdated": timestamp(record.record_last_updated),
        "lastUpdated": timestamp(record.last_updated),
        "lastUpdatedBy": last_updated_by(record),
    }


# For the OpenAPI schema; the functions above write the JSON.


class LastUpdatedBySerializer(serializers.Serializer):
    """Who made this version. Every member but userType is null when it is not known, never ""."""

    userType = serializers.ChoiceField(choices=UserType.choices)
    orgNr = serializers.CharField(allow_null=True, help_text="Null for a patient's own version.")
    orgName = serializers.CharField(allow_null=True, help_text="Null for a patient's own version.")
    hprNr = serializers.CharField(allow_null=True, help_text="Null for a patient's own version.")
    hprRole = serializers.CharField(
        allow_null=True, help_text="From nhn-user-role (Volven 9060); null when none was sent."
    )
    name = serializers.CharField(allow_null=True)
    sourceSystem = serializers.CharField(allow_null=True, help_text="The nhn-source-system of this version.")


class ResourceMetadataSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    version = serializers.IntegerField()
    lastUpdated = serializers.DateTimeField()
    lastUpdatedBy = LastUpdatedBySerializer()
    enteredInError = serializers.BooleanField(required=False, help_text="List items only.")
