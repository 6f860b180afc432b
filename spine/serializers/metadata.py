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
    return {
        "userType": stamped.updated_by_user_type,
        "orgNr": stamped.updated_by_org_nr,
        "orgName": stamped.updated_by_org_name,
        "hprNr": stamped.updated_by_hpr_nr,
        "hprRole": stamped.updated_by_hpr_role,
        "name": stamped.updated_by_name,
        "sourceSystem": stamped.updated_by_source_system,
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
    userType = serializers.ChoiceField(choices=UserType.choices)
    orgNr = serializers.CharField(allow_blank=True)
    orgName = serializers.CharField(allow_blank=True)
    hprNr = serializers.CharField(allow_blank=True)
    hprRole = serializers.CharField(allow_blank=True)
    name = serializers.CharField(allow_blank=True)
    sourceSystem = serializers.CharField(allow_blank=True)


class ResourceMetadataSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    version = serializers.IntegerField()
    lastUpdated = serializers.DateTimeField()
    lastUpdatedBy = LastUpdatedBySerializer()
    enteredInError = serializers.BooleanField(required=False, help_text="List items only.")
