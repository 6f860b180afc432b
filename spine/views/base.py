"""The base of every record API view: who is acting, which patient, which record, which resource types."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.generics import GenericAPIView

from maternity import services
from maternity.actors import Actor
from maternity.errors import NotAllowed, NotFound
from maternity.models import Pregnancy
from maternity.reads.access import NOT_VISIBLE, get_record_for
from maternity.reads.selectors import StoredDocument, stored_document_for
from maternity.rules.resources import RESOURCE_TYPES

from ..audit import AuditedViewMixin
from ..context import patient_national_id, pregnancy_keys, request_actor


class ErrorSerializer(serializers.Serializer):
    errorCode = serializers.CharField(help_text="DHG-00xx")
    errorMessage = serializers.CharField()
    eventId = serializers.CharField(help_text="Your nhn-event-id, or the server's request id.")
    field = serializers.CharField(
        required=False, help_text="The field or header at fault, when there is one."
    )


def record_api_headers(*, writing: bool, record: bool) -> list[OpenApiParameter]:
    """The NHN headers of the record API. The acting user's are required on writes; the pregnancy keys
    are for operations on one record."""
    headers = [
        OpenApiParameter(
            "nhn-source-system",
            {"type": "string", "minLength": 3, "maxLength": 512},
            OpenApiParameter.HEADER,
            required=True,
            description="Your system's name and version (3-512 characters).",
        ),
        OpenApiParameter(
            "nhn-patient-nin",
            OpenApiTypes.STR,
            OpenApiParameter.HEADER,
            required=True,
            description="The patient's national ID (fødselsnummer, D-number, NHS number or NHI), or "
            "`system|value`. Check digits are verified (DHG-0013).",
        ),
        OpenApiParameter(
            "nhn-event-id",
            {"type": "string", "maxLength": 128},
            OpenApiParameter.HEADER,
            description="Your trace id (at most 128 characters), echoed in events and errors.",
        ),
        OpenApiParameter(
            "nhn-user-role",
            OpenApiTypes.STR,
            OpenApiParameter.HEADER,
            description='URL-encoded JSON {"system": "urn:oid:2.16.578.1.12.4.1.1.9060", "code": "JO"}.',
        ),
    ]
    keys = [
        OpenApiParameter(
            "X-Patient-Birth-Date",
            OpenApiTypes.DATE,
            OpenApiParameter.HEADER,
            description="With X-Pregnancy-EDD and nhn-patient-nin: the pregnancy keys. A caller that sends "
            "the keys of the record it names becomes a stakeholder of it. Send both or neither.",
        ),
        OpenApiParameter(
            "X-Pregnancy-EDD",
            OpenApiTypes.DATE,
            OpenApiParameter.HEADER,
            description="The EDD you hold; matches within 21 days of the record's agreed EDD.",
        ),
    ]
    when = (
        "Required on writes with a client-credentials token; optional with a user token that names her "
        "(HelseID), and then it must say what the token says."
        if writing
        else "Optional."
    )
    acting_user = [
        OpenApiParameter(
            "X-Acting-User-Name",
            {"type": "string", "minLength": 1} if writing else OpenApiTypes.STR,
            OpenApiParameter.HEADER,
            required=writing,  # as a client-credentials token needs it (a user token may leave it out)
            description=f"The person behind the request (cut to 200 characters). {when}",
        ),
        OpenApiParameter(
            "X-Acting-User-Id",
            {"type": "string", "minLength": 1} if writing else OpenApiTypes.STR,
            OpenApiParameter.HEADER,
            required=writing,
            description=f"Their professional (HPR) number (cut to 40 characters). {when}",
        ),
    ]
    return [*headers, *(keys if record else []), *acting_user]


ERRORS = {
    400: ErrorSerializer,
    401: ErrorSerializer,
    403: ErrorSerializer,
    404: ErrorSerializer,
    409: ErrorSerializer,
}
BODY_ERRORS = {**ERRORS, 413: ErrorSerializer, 415: ErrorSerializer}  # a body too large; not JSON


class RecordApiSchema(AutoSchema):
    """The NHN headers on every operation (set per operation by `extend_schema` where they differ)."""

    def get_override_parameters(self):
        writing = self.method not in ("GET", "HEAD", "OPTIONS")
        headers = record_api_headers(writing=writing, record="{record_id}" in self.path)
        return [*headers, *super().get_override_parameters()]


class RecordAPIView(AuditedViewMixin, GenericAPIView):
    schema = RecordApiSchema()

    def actor(self) -> Actor:
        if self.audit.actor is None:
            writing = self.request.method not in ("GET", "HEAD", "OPTIONS")
            self.audit.actor = request_actor(self.request, writing=writing)
        return self.audit.actor

    def visible_types(self) -> list[str]:
        """The resource types this client may read and write (its record filter; empty means all).
        Professionals signed in to the app see every type."""
        client = getattr(self.request, "spine_client", None)
        return client.resource_types() if client else list(RESOURCE_TYPES)

    def check_type_allowed(self, resource_type: str) -> None:
        if resource_type in RESOURCE_TYPES and resource_type not in self.visible_types():
            raise NotAllowed(f"{resource_type} is outside this client system's record filter.")

    def _as_stakeholder(self, actor: Actor, record_id: str, find):
        """`find(national_id)` for the patient in nhn-patient-nin. When it is NotFound but the caller sent
        the record's pregnancy keys, the caller becomes a stakeholder (DESIGN rule 2) and it runs again."""
        national_id = patient_national_id(self.request)
        keys = pregnancy_keys(self.request, national_id)  # malformed keys are refused even when not needed
        try:
            return find(national_id)
        except NotFound:
            if keys is None or not services.record_access_by_keys(
                record_id=record_id, keys=keys, actor=actor
            ):
                raise
            self.audit.detail = "Became a stakeholder by sending the pregnancy keys."
            return find(national_id)

    def load_record(self, actor: Actor, record_id: str, queryset=None) -> Pregnancy:
        """The record, if the actor may see it and it belongs to the patient in nhn-patient-nin."""

        def find(national_id):
            record = get_record_for(actor, record_id, queryset=queryset)
            person = record.person
            if (person.identifier_system, person.identifier_value) != (national_id.system, national_id.value):
                raise NotFound(NOT_VISIBLE)
            return record

        record = self._as_stakeholder(actor, record_id, find)
        self.audit.person_id = record.person_id
        return record

    def as_stakeholder(self, record_id: str, write):
        """Run `write(national_id)`, a service call that checks every rule itself (the write gate), as a
        stakeholder (`_as_stakeholder`). The record written (the result, or the result's record) is noted
        for the audit entry."""
        result = self._as_stakeholder(self.actor(), record_id, write)
        self.audit.person_id = (result if isinstance(result, Pregnancy) else result.record).person_id
        return result

    def load_document(self, actor: Actor, record_id: str, *, with_body: bool = True) -> StoredDocument:
        """The record's stored document, as `load_record` finds the record (the same rules), in one query."""
        found = self._as_stakeholder(
            actor,
            record_id,
            lambda national_id: stored_document_for(
                actor=actor, record_id=record_id, national_id=national_id, with_body=with_body
            ),
        )
        self.audit.person_id = found.person_id
        return found
