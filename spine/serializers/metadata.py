"""The server-managed `metadata` blocks of the NHN wire format."""

from maternity.models import Pregnancy, RecordStatus
from maternity.models.base import Resource
from maternity.models.stamp import Stamped

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
    status = {"status": record.status}
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
