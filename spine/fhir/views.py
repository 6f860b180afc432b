"""The Spine's FHIR-shaped operations under /spine/fhir/ (BadgerNet-compatible; DESIGN section 6).

Each view parses FHIR with `parse`, calls one service or selector, and answers with `build`. The Patient's
logical id is the record id. Errors are OperationOutcomes (`errors.fhir_exception_handler`).
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from maternity import services
from maternity.actors import Actor
from maternity.errors import NotAllowed, NotFound, RecordError, UnknownCode
from maternity.http import rate_limits
from maternity.models import AccessAction, Mother, Pregnancy
from maternity.reads.access import get_record_for
from maternity.reads.selectors import pregnancies_of_person
from maternity.rules.pregnancy_keys import PregnancyKeys
from maternity.rules.resources import RESOURCE_TYPES
from maternity.services.finding import MAX_REASON, MIN_REASON, reason_codes_listed
from maternity.services.pregnancy import EDD_FIELDS

from ..audit import AuditedViewMixin
from ..context import request_actor
from ..parsers import JSONParser
from .build import PregnancySummary, pregnancy_search_bundle
from .errors import fhir_exception_handler
from .http import FhirJsonParser, FhirJsonRenderer
from .parse import (
    FhirInvalid,
    FindQuery,
    PregnancyBundle,
    parse_find_all_pregnancies,
    parse_find_pregnancy,
    parse_pregnancy_bundle,
)

NO_PREGNANCY = "No pregnancy of this person is visible to you."
FHIR_JSON = {"application/fhir+json": OpenApiTypes.OBJECT}
OUTCOME = OpenApiResponse(OpenApiTypes.OBJECT, description="OperationOutcome")
ERRORS = {code: OUTCOME for code in (400, 401, 403, 404, 409, 413, 422)}
THROTTLED = OpenApiResponse(
    OpenApiTypes.OBJECT, description="OperationOutcome (throttled): too many requests"
)
RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    OpenApiTypes.INT,
    OpenApiParameter.HEADER,
    response=[429],
    description="Seconds to wait before trying again.",
)
FIND_EXAMPLE = OpenApiExample(
    "Break glass: admitted in labour",
    request_only=True,
    media_type="application/fhir+json",
    value={
        "resourceType": "Parameters",
        "parameter": [
            {
                "name": "national-id",
                "valueIdentifier": {"system": "urn:oid:2.16.578.1.12.4.1.4.1", "value": "17859410030"},
            },
            {"name": "dob", "valueDate": "1994-05-17"},
            {"name": "edd", "valueDate": "2025-10-20"},
            {"name": "break-glass-reason-code", "valueCode": "LABOUR"},
            {"name": "break-glass-reason", "valueString": "Admitted to our labour ward; booked elsewhere."},
        ],
    },
)
ACTING_USER = [
    OpenApiParameter(
        "X-Acting-User-Name",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        required=True,
        description="The person behind the request: required with a client-credentials token, optional "
        "with a user token that names her (and then the same).",
    ),
    OpenApiParameter(
        "X-Acting-User-Id",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        required=True,
        description="Their professional (HPR) number: required with a client-credentials token, optional "
        "with a user token that names her (and then the same).",
    ),
]


# A refusal's `field`, as the record's services name it, -> the place (parse.py) of the element it was read
# from, where the two names differ: model fields, and the care start as the services call it.
SERVICE_FIELDS = {
    "dob": "date_of_birth",
    "identifier_value": "national_id",
    "identifier_system": "national_id",
    "startTime": "care_start",
    "start_time": "care_start",
}


class FhirView(AuditedViewMixin, GenericAPIView):
    serializer_class = None
    parser_classes = [FhirJsonParser, JSONParser]
    renderer_classes = [FhirJsonRenderer, JSONRenderer]
    places: dict[str, str] = {}  # of the body this request sent, once parsed (never changed in place)

    def get_exception_handler(self):
        return fhir_exception_handler

    def expression_for(self, field: str | None) -> str | None:
        """The FHIRPath of the element a refusal's `field` names: where the body's value came from. None
        when the body has no such element (a header, or what the operation does not read from the body):
        the diagnostics say it, and an expression is only ever FHIRPath."""
        if not field:
            return None
        return self.places.get(field) or self.places.get(SERVICE_FIELDS.get(field, ""))

    def actor(self) -> Actor:
        if self.audit.actor is None:
            self.audit.actor = request_actor(self.request, writing=True, source_system_required=False)
        return self.audit.actor

    def visible_types(self) -> list[str]:
        client = getattr(self.request, "spine_client", None)
        return client.resource_types() if client else list(RESOURCE_TYPES)

    def require_types(self, *names: str, what: str) -> None:
        """Refuse writes outside the client's record filter (DESIGN rule 11)."""
        outside = [name for name in names if name not in self.visible_types()]
        if outside:
            raise NotAllowed(
                f"{what} writes {', '.join(outside)}, outside this client system's record filter."
            )

    def base_url(self) -> str:
        return self.request.build_absolute_uri("/spine/fhir/")

    def summary(self, record: Pregnancy) -> PregnancySummary:
        name = None
        if "mother" in self.visible_types():
            try:
                name = record.mother.name or None
            except Mother.DoesNotExist:
                name = None
        return PregnancySummary(
            record_id=str(record.pk),
            identifier_system=record.person.identifier_system,
            identifier_value=record.person.identifier_value,
            date_of_birth=record.person.date_of_birth,
            agreed_edd=record.agreed_edd,
            status=record.status,
            name=name,
            active_care_location=record.active_care_location.name,
            active_care_org_nr=record.active_care_location.org_nr,
        )

    def logical_id_headers(self, record: Pregnancy) -> dict:
        return {"X-Logical-Id": str(record.pk), "Location": f"{self.base_url()}Patient/{record.pk}"}

    def bundle_response(self, records: list[Pregnancy], status_code=200, headers=None) -> Response:
        body = pregnancy_search_bundle([self.summary(r) for r in records], base_url=self.base_url())
        return Response(body, status=status_code, headers=headers)


class FindPregnancyView(FhirView):
    audit_action = AccessAction.FIND

    @extend_schema(
        operation_id="fhir_find_pregnancy",
        summary="Find one pregnancy by its keys (break glass)",
        description="Parameters: national-id (valueIdentifier), dob and edd (valueDate; the EDD within "
        "21 days of the agreed EDD), break-glass-reason-code (valueCode, one of "
        f"{reason_codes_listed()}) and break-glass-reason (valueString: why, in at least {MIN_REASON} and at "
        f"most {MAX_REASON} characters once trimmed; with OTHER it is the whole explanation). A missing "
        "or unknown code, or a reason too short or too long, is a 422 OperationOutcome that says which and "
        "lists the codes; nothing is looked up and the rate limit is not spent. Makes your Care Location "
        "a stakeholder; the code and reason are written into the record and the audit trail and shown to "
        "the pregnant person. Rate-limited per acting user and per client system: over the limit, 429 "
        "with Retry-After (an OperationOutcome, code throttled).",
        request=FHIR_JSON,
        examples=[FIND_EXAMPLE],
        parameters=[*ACTING_USER, RETRY_AFTER],
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="Bundle (searchset)"),
            **ERRORS,
            429: THROTTLED,
        },
    )
    def post(self, request):
        actor = self.actor()
        query = parse_find_pregnancy(request.data)
        self.places = query.places
        self.audit.reason_code, self.audit.reason = query.break_glass_reason_code, query.break_glass_reason
        _check_break_glass_reason(query, self)  # before the rate limit: a refused reason looks nothing up
        attempt = rate_limits.break_glass_attempt(actor)
        if attempt.refused:
            attempt.log_refusal(request, "finds by keys")
            raise exceptions.Throttled(
                wait=attempt.retry_after,
                detail="Too many finds by keys from this acting user or client system in a short time; "
                "nothing was looked up.",
            )
        found = services.record_find_by_keys(
            keys=PregnancyKeys(query.national_id, query.date_of_birth, query.edd),
            reason_code=query.break_glass_reason_code,
            reason=query.break_glass_reason,
            actor=actor,
        )
        record = found.record
        self.audit.record_id, self.audit.person_id = record.pk, record.person_id
        if found.broke_glass:
            self.audit.action = AccessAction.BREAK_GLASS
            self.audit.detail = "Broke glass: became a stakeholder of the record."
        return self.bundle_response([_with_details(record)])


class FindAllPregnanciesView(FhirView):
    audit_action = AccessAction.FIND_ALL

    @extend_schema(
        operation_id="fhir_find_all_pregnancies",
        summary="Every pregnancy of a person that you are a stakeholder of",
        request=FHIR_JSON,
        parameters=ACTING_USER,
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="Bundle (searchset)"), **ERRORS},
    )
    def post(self, request):
        actor = self.actor()
        query = parse_find_all_pregnancies(request.data)
        self.places = query.places
        records = pregnancies_of_person(
            actor=actor, national_id=query.national_id, date_of_birth=query.date_of_birth
        )
        if not records:
            raise NotFound(NO_PREGNANCY)
        self.audit.person_id = records[0].person_id
        if len(records) == 1:
            self.audit.record_id = records[0].pk
        self.audit.detail = f"{len(records)} pregnancies: {', '.join(str(r.pk) for r in records)}"
        return self.bundle_response(records)


class CreatePregnancyView(FhirView):
    audit_action = AccessAction.CREATE

    @extend_schema(
        operation_id="fhir_create_pregnancy",
        summary="Create a pregnancy (or complete the person's record that has no EDD)",
        description="Bundle: a Patient with a national identifier and birthDate, and an EDD Observation "
        "(EDDAgreed, EDDbyScan or EDDbyDate). 201 when created; 204 when an existing record of the person "
        "with no EDD was completed; 409 when the keys match an existing pregnancy (use $find-pregnancy).",
        request=FHIR_JSON,
        parameters=ACTING_USER,
        responses={201: OpenApiResponse(OpenApiTypes.OBJECT, description="Bundle"), 204: None, **ERRORS},
    )
    def post(self, request):
        actor = self.actor()
        bundle = parse_pregnancy_bundle(request.data, creating=True)
        self.places = _bundle_places(bundle)
        if bundle.care_start is not None:
            raise NotAllowed(
                "An ActiveCareLocation cannot be sent with $create-pregnancy: the creating Care Location "
                "has active care. Pull care afterwards with $update-pregnancy."
            )
        self.require_types(
            "currentPregnancy", *(["mother"] if bundle.patient.mother else []), what="This bundle"
        )
        result = services.pregnancy_create_by_keys(
            national_id=bundle.patient.national_id,
            date_of_birth=bundle.patient.date_of_birth,
            edds=_edds(bundle),
            mother=bundle.patient.mother or None,
            actor=actor,
        )
        record = result.record
        self.audit.record_id, self.audit.person_id = record.pk, record.person_id
        headers = self.logical_id_headers(record)
        if not result.created:
            self.audit.action = AccessAction.WRITE
            self.audit.detail = "Completed the person's record that had no EDD (pregnancy keys)."
            return Response(status=status.HTTP_204_NO_CONTENT, headers=headers)
        return self.bundle_response([_with_details(record)], status.HTTP_201_CREATED, headers)


class UpdatePregnancyView(FhirView):
    audit_action = AccessAction.WRITE

    @extend_schema(
        operation_id="fhir_update_pregnancy",
        summary="Update a pregnancy: Patient demographics, EDDs, or pull active care",
        description="Bundle (collection). A Patient changes key demographics (active Care Location only, "
        "else 403). An ActiveCareLocation Observation with a start time pulls active care to your "
        "location (a historic start records an earlier episode). All or nothing.",
        request=FHIR_JSON,
        parameters=ACTING_USER,
        responses={204: None, **ERRORS},
    )
    def post(self, request, record_id):
        actor = self.actor()
        record = get_record_for(actor, record_id)
        self.audit.person_id = record.person_id
        bundle = parse_pregnancy_bundle(request.data, creating=False)
        self.places = _bundle_places(bundle)
        if bundle.care_start is not None:
            self.audit.action = AccessAction.PULL_CARE
        self.require_types(*_types_written(bundle), what="This bundle")
        patient = bundle.patient
        services.pregnancy_update(
            record_id=record.pk,
            actor=actor,
            national_id=patient.national_id if patient else None,
            date_of_birth=patient.date_of_birth if patient else None,
            mother=patient.mother if patient else None,
            edds=_edds(bundle),
            care_start=bundle.care_start,
        )
        return Response(status=status.HTTP_204_NO_CONTENT, headers=self.logical_id_headers(record))


def _check_break_glass_reason(query: FindQuery, view: FhirView) -> None:
    """The find's own rule for the reason (`break_glass_reason_check`), as an OperationOutcome that points
    at the parameter's value."""
    try:
        services.break_glass_reason_check(code=query.break_glass_reason_code, text=query.break_glass_reason)
    except RecordError as error:
        raise FhirInvalid(
            f"{error.field}: {error.message}",
            code="code-invalid" if isinstance(error, UnknownCode) else "value",
            expression=view.expression_for(error.field),
        ) from None


def _bundle_places(bundle: PregnancyBundle) -> dict[str, str]:
    """Where each value of the bundle was read (FHIRPath), by the name the services give it."""
    places = dict(bundle.patient.places) if bundle.patient else {}
    for edd in bundle.edds:
        places[EDD_FIELDS[edd.kind.value]] = edd.at
    places["edd"] = bundle.edds[0].at if bundle.edds else "Bundle.entry"
    if bundle.care_start_at:
        places["care_start"] = bundle.care_start_at
    return places


def _edds(bundle: PregnancyBundle) -> dict:
    return {edd.kind.value: edd.date for edd in bundle.edds}


def _types_written(bundle: PregnancyBundle) -> list[str]:
    types = []
    if bundle.patient is not None:
        types.append("mother")
    if bundle.edds:
        types.append("currentPregnancy")
    if bundle.care_start is not None:
        types.append("careLocations")
    return types


def _with_details(record: Pregnancy) -> Pregnancy:
    """The record with what a summary shows, in one query."""
    return Pregnancy.objects.select_related("person", "active_care_location", "mother").get(pk=record.pk)
