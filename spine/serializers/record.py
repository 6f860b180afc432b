"""The whole record document (GET record) and the request bodies of the record endpoints."""

import threading
from typing import Any

from django.db.models import Prefetch
from rest_framework import serializers

from maternity.errors import Invalid
from maternity.models import CareLocationEpisode, Pregnancy, RecordStatus, UserType
from maternity.rules.resources import LISTS, RESOURCE_TYPES, SINGLETONS

from .fields import StrictBooleanField, StrictIntegerField, StrictMixin, json_type
from .metadata import LastUpdatedBySerializer, record_metadata
from .resources import SERIALIZERS


def record_document_queryset(resource_types=None):
    """One query for the record and every singleton (reverse one-to-one joins), one per list type:
    the same number of queries however large the record is. `resource_types`: the wire names to load
    (None: all; an empty list: the record root only)."""
    allowed = set(RESOURCE_TYPES if resource_types is None else resource_types)
    singletons = [rt.accessor for rt in SINGLETONS if rt.name in allowed]
    lists = [
        Prefetch(rt.accessor, queryset=CareLocationEpisode.objects.select_related("care_location"))
        if rt.name == "careLocations"
        else rt.accessor
        for rt in LISTS
        if rt.name in allowed
    ]
    return Pregnancy.objects.select_related("person", *singletons).prefetch_related(*lists)


def record_document(record: Pregnancy, resource_types=None) -> dict:
    """`resource_types`: the wire names the caller may see (a client's record filter); others are left out
    (None: all)."""
    allowed = set(RESOURCE_TYPES if resource_types is None else resource_types)
    document: dict[str, Any] = {"metadata": record_metadata(record)}
    for rt in SINGLETONS:
        if rt.name in allowed:
            instance = getattr(record, rt.accessor, None)
            document[rt.name] = resource_representation(rt.name, instance) if instance is not None else None
    for rt in LISTS:
        if rt.name in allowed:
            document[rt.name] = [
                resource_representation(rt.name, item) for item in getattr(record, rt.accessor).all()
            ]
    return document


_output = threading.local()


def resource_representation(resource_type: str, instance) -> dict:
    """One resource in the wire shape. Writing needs no new serializer each time (DRF copies every field
    of a new one): one serializer per type and thread writes them all."""
    serializers = _output.__dict__.setdefault("serializers", {})
    serializer = serializers.get(resource_type)
    if serializer is None:
        serializer = serializers[resource_type] = SERIALIZERS[resource_type]()
    return serializer.to_representation(instance)


class RecordStatusSerializer(StrictMixin, serializers.Serializer):
    status = serializers.ChoiceField(choices=RecordStatus.choices)
    deliveryDate = serializers.DateTimeField(required=False, allow_null=True)
    liveBirth = StrictBooleanField(required=False, allow_null=True)
    terminationDate = serializers.DateTimeField(required=False, allow_null=True)

    def to_internal_value(self, data):
        if isinstance(data, dict) and data.get("status") == "ENTERED IN ERROR":  # the spelling in NHN's table
            data = {**data, "status": RecordStatus.ENTERED_IN_ERROR}
        return super().to_internal_value(data)


class UpdateStatusSerializer(StrictMixin, serializers.Serializer):
    version = StrictIntegerField(min_value=1)
    recordStatus = RecordStatusSerializer()


def request_object(data) -> dict:
    """The request body, which must be a JSON object."""
    if not isinstance(data, dict):
        raise Invalid(f"Expected a JSON object, got {json_type(data)}.")
    return data


def metadata_version(body: dict) -> int:
    """A PUT body's `metadata.version`: the version the client read. The rest of what a client echoes
    back in `metadata` is ignored."""
    metadata = body.get("metadata")
    version = metadata.get("version") if isinstance(metadata, dict) else None
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise Invalid(
            "metadata.version is required: the version of the resource you read (a whole number from 1).",
            field="metadata.version",
        )
    return version


class StatusSerializer(serializers.Serializer):
    hasGivenConsent = serializers.BooleanField()
    hasActiveMaternityRecord = serializers.BooleanField()
    lastChangedDateTime = serializers.DateTimeField(allow_null=True)
    latestRecordId = serializers.UUIDField(allow_null=True)


# For the OpenAPI schema: the views write the JSON (`record_metadata`, `record_document`) and parse a new
# record's body resource by resource. The docstrings are the schema's descriptions.


class RecordMetadataSerializer(serializers.Serializer):
    """The record root: its status and version, and the latest change anywhere in the record."""

    recordId = serializers.UUIDField()
    recordStatus = RecordStatusSerializer(
        help_text="deliveryDate and liveBirth when DELIVERED, terminationDate when TERMINATED."
    )
    version = serializers.IntegerField(help_text="Moves with status changes only.")
    recordLastUpdated = serializers.DateTimeField(help_text="Moves with every change anywhere in the record.")
    lastUpdated = serializers.DateTimeField()
    lastUpdatedBy = LastUpdatedBySerializer()


class RecordMetadataDocumentSerializer(serializers.Serializer):
    """The record root after a status change."""

    metadata = RecordMetadataSerializer()


class RecordDocumentSerializer(serializers.Serializer):
    """The whole record. Resource types outside your client system's record filter are left out."""

    metadata = RecordMetadataSerializer()

    def get_fields(self):
        return {
            **super().get_fields(),
            **{rt.name: SERIALIZERS[rt.name](allow_null=True, required=False) for rt in SINGLETONS},
            **{rt.name: SERIALIZERS[rt.name](many=True, required=False) for rt in LISTS},
        }


class RecordCreateSerializer(StrictMixin, serializers.Serializer):
    """A new record: empty, or with any single resources a professional writes (all or nothing). List
    items are added afterwards."""

    metadata = serializers.JSONField(required=False, help_text="Ignored: the server writes metadata.")

    def get_fields(self):
        creatable = [
            rt for rt in SINGLETONS if UserType.HEALTH_CARE_PROFESSIONAL in rt.written_by and not rt.extension
        ]
        return {
            **super().get_fields(),
            **{rt.name: SERIALIZERS[rt.name](allow_null=True, required=False) for rt in creatable},
        }
