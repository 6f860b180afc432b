"""The NHN record endpoints: status, history, the record document, status changes, resources."""

import hashlib
import json

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from maternity import services
from maternity.database.replicas import lag_tolerant
from maternity.errors import ResourceNotFound
from maternity.models import AccessAction
from maternity.reads.documents import document_current, dumps
from maternity.reads.restrictions import body_for_caller
from maternity.reads.selectors import (
    StoredDocument,
    patient_records,
    patient_status,
    person_for,
    stored_document_for,
)
from maternity.rules.resources import RESOURCE_TYPES
from maternity.services.records import StatusChange

from ..context import patient_national_id
from ..serializers.metadata import (
    LastUpdatedBySerializer,
    last_updated_by,
    record_metadata,
    record_status,
    timestamp,
)
from ..serializers.record import (
    RecordCreateSerializer,
    RecordDocumentSerializer,
    RecordMetadataDocumentSerializer,
    RecordStatusSerializer,
    StatusSerializer,
    UpdateStatusSerializer,
    metadata_version,
    request_object,
    resource_representation,
)
from ..serializers.resources import SERIALIZERS
from .base import BODY_ERRORS, ERRORS, RecordApiSchema, RecordAPIView


class PatientLookupMixin:
    audit_action: str | None = AccessAction.PATIENT_LOOKUP

    def national_id(self):
        national_id = patient_national_id(self.request)
        person = person_for(national_id)
        self.audit.person_id = person.pk if person else None
        return national_id


@lag_tolerant
class StatusView(PatientLookupMixin, RecordAPIView):
    serializer_class = StatusSerializer

    @extend_schema(
        responses={200: StatusSerializer, **ERRORS}, summary="Does the patient have an active record?"
    )
    def get(self, request):
        """`hasActiveMaternityRecord` is answered to any caller; `latestRecordId` and
        `lastChangedDateTime` only describe records visible to the caller."""
        found = patient_status(actor=self.actor(), national_id=self.national_id())
        latest = found["latest_record"]
        return Response(
            {
                "hasGivenConsent": found["has_given_consent"],
                "hasActiveMaternityRecord": found["has_active_record"],
                "lastChangedDateTime": timestamp(latest.record_last_updated) if latest else None,
                "latestRecordId": str(latest.pk) if latest else None,
            }
        )


class PatientRecordSerializer(serializers.Serializer):
    """For the OpenAPI schema; the view writes the JSON."""

    recordId = serializers.UUIDField()
    recordStatus = RecordStatusSerializer()
    version = serializers.IntegerField()
    lastUpdated = serializers.DateTimeField()
    lastUpdatedBy = LastUpdatedBySerializer()


@lag_tolerant
class PatientHistoryView(PatientLookupMixin, RecordAPIView):
    serializer_class = StatusSerializer

    @extend_schema(
        operation_id="patient_history",
        summary="Every record of the patient visible to you",
        responses={
            200: inline_serializer("PatientHistory", {"history": PatientRecordSerializer(many=True)}),
            **ERRORS,
        },
    )
    def get(self, request):
        records = patient_records(actor=self.actor(), national_id=self.national_id())
        return Response(
            {
                "history": [
                    {
                        "recordId": str(record.pk),
                        "recordStatus": record_status(record),
                        "version": record.version,
                        "lastUpdated": timestamp(record.record_last_updated),
                        "lastUpdatedBy": last_updated_by(record),
                    }
                    for record in records
                ]
            }
        )


class RecordCreateView(RecordAPIView):
    serializer_class = None
    audit_action = AccessAction.CREATE

    @extend_schema(
        request=RecordCreateSerializer,
        responses={201: RecordDocumentSerializer, **BODY_ERRORS},
        summary="Create a record",
    )
    def post(self, request):
        """Empty, or with any resources except the list types. All or nothing."""
        actor = self.actor()
        national_id = patient_national_id(request)
        body = request_object(request.data if request.body else {})
        sent = {name: value for name, value in body.items() if name != "metadata"}
        for name in sent:
            self.check_type_allowed(name)
        services.record_create_check_types(resource_types=list(sent), actor=actor)  # before parsing bodies
        resources = {}
        for name, value in sent.items():
            if value is None:
                continue
            serializer = SERIALIZERS[name](data=value)
            try:
                serializer.is_valid(raise_exception=True)
            except serializers.ValidationError as error:
                raise serializers.ValidationError({name: error.detail}) from None
            resources[name] = dict(serializer.validated_data)
        record = services.record_create(national_id=national_id, actor=actor, resources=resources)
        self.audit.record_id, self.audit.person_id = record.pk, record.person_id
        return _document_response(self, record.pk, status.HTTP_201_CREATED)


def record_etag(record_id, revision: int, types: list[str]) -> str:
    """Changes with every change anywhere in the record, and differs between record filters."""
    view = hashlib.sha256(",".join(sorted(types)).encode()).hexdigest()[:8]
    return f'"{record_id}.{revision}.{view}"'


def etag_matches(if_none_match: str, etag: str) -> bool:
    tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return "*" in tags or etag in tags


def _document_response(view: RecordAPIView, record_id, status_code=200) -> HttpResponse:
    """The record's document after a write (the write gate stored it)."""
    found = stored_document_for(
        actor=view.actor(), record_id=record_id, national_id=patient_national_id(view.request)
    )
    response = _document(view, found, status_code)
    response["Location"] = f"/api/maternity-record/v1/record/{found.record_id}"
    return response


def _document(view: RecordAPIView, found: StoredDocument, status_code=200) -> HttpResponse:
    """The stored text as it is, or with the keys outside the client's record filter dropped and the
    restricted entries the caller may not see stubbed (`maternity/reads/restrictions.py`)."""
    types = view.visible_types()
    body = body_for_caller(view.actor(), found, document_current(found.record_id, found.revision, found.body))
    if len(types) < len(RESOURCE_TYPES):
        document = json.loads(body)
        body = dumps({key: value for key, value in document.items() if key == "metadata" or key in types})
    response = HttpResponse(body, status=status_code, content_type="application/json")
    response["ETag"] = record_etag(found.record_id, found.revision, types)
    return response


# Its GET may write: a stakeholder grant when the pregnancy keys are sent (the rest of the request then reads
# the primary, and its caller is pinned), and a stored document that was missing (written on the primary,
# tagged with the revision it was built from, never over a newer one).
@lag_tolerant
class RecordView(RecordAPIView):
    serializer_class = None

    @extend_schema(responses={200: RecordDocumentSerializer, 304: None, **ERRORS}, summary="The whole record")
    def get(self, request, record_id):
        """The stored document (`maternity/reads/documents.py`): one query finds it with the visibility
        check."""
        revalidating = request.headers.get("If-None-Match", "")
        found = self.load_document(self.actor(), record_id, with_body=not revalidating)
        etag = record_etag(found.record_id, found.revision, self.visible_types())
        if revalidating and etag_matches(revalidating, etag):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        if revalidating:  # it changed: now the document
            found = self.load_document(self.actor(), record_id)
        return _document(self, found)


class UpdateStatusView(RecordAPIView):
    serializer_class = UpdateStatusSerializer
    audit_action = AccessAction.STATUS_CHANGE

    @extend_schema(
        responses={200: RecordMetadataDocumentSerializer, **BODY_ERRORS},
        summary="Change the record's status (deliver, terminate, entered in error)",
    )
    def post(self, request, record_id):
        record = self.as_stakeholder(
            record_id,
            lambda patient: services.record_status_update(
                record_id=record_id, parse=self._parse, actor=self.actor(), national_id=patient
            ),
        )
        return Response({"metadata": record_metadata(record)})

    def _parse(self) -> StatusChange:
        body = UpdateStatusSerializer(data=request_object(self.request.data))
        body.is_valid(raise_exception=True)
        wanted = body.validated_data["recordStatus"]
        return StatusChange(
            version=body.validated_data["version"],
            status=wanted["status"],
            delivery_date=wanted.get("deliveryDate"),
            live_birth=wanted.get("liveBirth"),
            termination_date=wanted.get("terminationDate"),
        )


class ResourceSchema(RecordApiSchema):
    """The URL's resource type in and out: 201 on POST, 200 on PUT and on DELETE (the item, entered in
    error). A PUT must send the version it read in `metadata.version`."""

    def get_request_serializer(self):
        serializer = self._get_serializer()
        if self.method != "PUT":
            return serializer
        ref = self.resolve_serializer(serializer, "request").ref
        needs_version = {
            "required": ["metadata"],
            "properties": {
                "metadata": {
                    "type": "object",
                    "required": ["version"],
                    "properties": {"version": {"type": "integer", "minimum": 1}},
                }
            },
        }
        return {"application/json": {"allOf": [ref, needs_version]}}

    def get_response_serializers(self):
        if self.method == "DELETE":
            return {200: self._get_serializer(), **ERRORS}
        return {201 if self.method == "POST" else 200: self._get_serializer(), **BODY_ERRORS}


class ResourceView(RecordAPIView):
    """POST (create) and PUT (update) of one resource type; the URL names the type. DELETE marks a list
    item entered in error."""

    resource_type: str = ""
    schema = ResourceSchema()

    def get_serializer_class(self):
        return SERIALIZERS[self.resource_type]

    def _parse(self, *, update: bool) -> tuple[dict, int | None]:
        data = request_object(self.request.data)
        version = metadata_version(data) if update else None
        serializer = self.get_serializer(data=data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data), version

    def _respond(self, instance, status_code=200) -> Response:
        return Response(resource_representation(self.resource_type, instance), status=status_code)

    def post(self, request, record_id):
        self.check_type_allowed(self.resource_type)
        instance = self.as_stakeholder(
            record_id,
            lambda patient: services.resource_create(
                record_id=record_id,
                resource_type=self.resource_type,
                parse=lambda: self._parse(update=False),
                actor=self.actor(),
                national_id=patient,
            ),
        )
        response = self._respond(instance, status.HTTP_201_CREATED)
        if RESOURCE_TYPES[self.resource_type].is_list:
            response["Location"] = (
                f"/api/maternity-record/v1/record/{instance.record_id}/{self.resource_type}/{instance.pk}"
            )
        return response

    def put(self, request, record_id, resource_id=None):
        self.check_type_allowed(self.resource_type)
        instance = self.as_stakeholder(
            record_id,
            lambda patient: services.resource_update(
                record_id=record_id,
                resource_type=self.resource_type,
                resource_id=resource_id,
                parse=lambda: self._parse(update=True),
                actor=self.actor(),
                national_id=patient,
            ),
        )
        return self._respond(instance)

    def delete(self, request, record_id, resource_id):
        self.check_type_allowed(self.resource_type)
        instance = self.as_stakeholder(
            record_id,
            lambda patient: services.resource_enter_in_error(
                record_id=record_id,
                resource_type=self.resource_type,
                resource_id=resource_id,
                actor=self.actor(),
                national_id=patient,
            ),
        )
        return self._respond(instance)


@extend_schema(exclude=True)
class UnknownResourceView(RecordAPIView):
    serializer_class = None

    def _unknown(self, request, record_id, resource_type, resource_id=None):
        rt = RESOURCE_TYPES.get(resource_type)
        if rt is not None and not rt.is_list:  # a singleton addressed like a list item
            raise ResourceNotFound(
                f"{resource_type} is a single resource: address it as record/{{recordId}}/{resource_type}, "
                "without an id.",
                field="resourceId",
            )
        raise ResourceNotFound(
            f"Unknown resource type '{resource_type}'. Valid types: {', '.join(RESOURCE_TYPES)}.",
            field="resourceType",
        )

    get = post = put = delete = _unknown
