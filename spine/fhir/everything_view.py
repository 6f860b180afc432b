"""`GET|POST /spine/fhir/Patient/{id}/$everything`: the whole pregnancy as the caller may see it, as a FHIR
searchset Bundle, paged (`everything.py`)."""

import json

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from fhir.resources.R4B.parameters import Parameters
from pydantic import ValidationError
from rest_framework.response import Response

from maternity.actors import Actor
from maternity.database.replicas import lag_tolerant
from maternity.models import AccessAction
from maternity.reads.selectors import patient_document_for

from ..context import request_actor
from ..documents import document_for_caller
from .everything import (
    DEFAULT_COUNT,
    MAX_COUNT,
    PARAMETERS,
    UNSUPPORTED,
    everything_page,
    parse_query,
    view_stamp,
)
from .mapping import PatientKeys
from .parse import FhirInvalid
from .views import ERRORS, FHIR_JSON, FhirView

EVERYTHING_PARAMETERS = [
    OpenApiParameter(
        "_count",
        {"type": "integer", "minimum": 0},
        OpenApiParameter.QUERY,
        description=f"Entries per page: {DEFAULT_COUNT} when not sent; at most {MAX_COUNT} are served "
        "(more is served as that many). 0: only `total`.",
    ),
    OpenApiParameter(
        "_type",
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        description="A comma list of FHIR resource types: only these are returned "
        "(e.g. Observation,Encounter).",
    ),
    OpenApiParameter(
        "_cursor",
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        description="Opaque: from the `next` link of the previous page. Tied to the record's revision: "
        "if the record changed since the first page, the next page is a 409 (start again).",
    ),
]
EXAMPLE = OpenApiExample(
    "A page of the pregnancy",
    response_only=True,
    status_codes=["200"],
    media_type="application/fhir+json",
    value={
        "resourceType": "Bundle",
        "type": "searchset",
        "total": 57,
        "link": [
            {
                "relation": "self",
                "url": "https://spine.example/spine/fhir/Patient/5f1c…/$everything?_count=50",
            },
            {
                "relation": "next",
                "url": "https://spine.example/spine/fhir/Patient/5f1c…/$everything?_count=50&_cursor=…",
            },
        ],
        "entry": [
            {
                "fullUrl": "https://spine.example/spine/fhir/Patient/5f1c…",
                "resource": {"resourceType": "Patient", "id": "5f1c…"},
                "search": {"mode": "match"},
            }
        ],
    },
)


@lag_tolerant  # a read; it may store a missing document (on the primary), as GET record does
class EverythingView(FhirView):
    audit_action = AccessAction.READ  # a POST of it reads too

    def actor(self) -> Actor:
        if self.audit.actor is None:
            self.audit.actor = request_actor(self.request, writing=False, source_system_required=False)
        return self.audit.actor

    @extend_schema(
        operation_id="fhir_patient_everything",
        summary="The whole pregnancy as a FHIR Bundle (Patient/{id}/$everything)",
        description="The record (id: the record id, the Patient's logical id) as you may see it, within your "
        "client system's record filter and the restriction rules: a searchset Bundle of FHIR R4 resources "
        "(Patient, EpisodeOfCare, Organization, Observation, Condition, MedicationStatement, CareTeam, "
        "CarePlan, Encounter, Procedure, Communication, Appointment, DetectedIssue), each also carrying the "
        "record API's resource in an extension. Paged: follow the `next` link; `total` counts every "
        "resource of the walk. Restricted entries are named (type and id) in an OperationOutcome entry "
        "(search mode outcome) on the first page, never shown. A record you are not a stakeholder of is a "
        "404. Audited as a read.",
        parameters=EVERYTHING_PARAMETERS,
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="Bundle (searchset)", examples=[EXAMPLE]),
            **ERRORS,
        },
    )
    def get(self, request, record_id):
        return self._everything(
            record_id, {name: request.query_params.getlist(name) for name in request.query_params}
        )

    @extend_schema(
        operation_id="fhir_patient_everything_post",
        summary="The whole pregnancy as a FHIR Bundle, asked by POST",
        description="As the GET; the parameters (_count as valueInteger, _type and _cursor as valueString) "
        "in a Parameters resource, or in the query string. An empty body asks for the first page.",
        request=FHIR_JSON,
        parameters=EVERYTHING_PARAMETERS,
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="Bundle (searchset)"), **ERRORS},
    )
    def post(self, request, record_id):
        values = {name: request.query_params.getlist(name) for name in request.query_params}
        for name, value in _body_parameters(request.data if request.body else None):
            values.setdefault(name, []).append(value)
        return self._everything(record_id, values)

    def _everything(self, record_id: str, values: dict[str, list[str]]) -> Response:
        actor = self.actor()
        found = patient_document_for(actor=actor, record_id=record_id)  # 404 for a non-stakeholder
        self.audit.record_id, self.audit.person_id = found.record_id, found.person_id
        query = parse_query(values)
        visible = self.visible_types()
        document = json.loads(document_for_caller(found, actor=actor, types=visible))
        page = everything_page(
            document=document,
            keys=PatientKeys(found.identifier_system, found.identifier_value, found.date_of_birth),
            record_id=str(found.record_id),
            revision=found.revision,
            view=view_stamp(visible, query.types, document),
            query=query,
            base_url=self.base_url(),
        )
        self.audit.detail = (
            f"$everything: entries {page.first + 1}-{page.first + page.shown} of {page.total}"
            if page.shown
            else f"$everything: no entries of {page.total} on this page"
        )
        return Response(page.bundle)


def _body_parameters(body) -> list[tuple[str, str]]:
    """The POSTed Parameters' values as text, by name: _count, _type, _cursor (and the refused date
    filters, so they are refused as in the query string)."""
    if body is None:
        return []
    if not isinstance(body, dict) or body.get("resourceType") != "Parameters":
        raise FhirInvalid("Send a Parameters resource (or no body).", status=400, code="structure")
    try:
        parameters = Parameters.model_validate(body)
    except ValidationError as error:
        raise FhirInvalid(
            f"The Parameters resource is not valid FHIR R4: {error.errors()[0]['msg']}",
            status=400,
            code="structure",
        ) from None
    found = []
    for index, parameter in enumerate(parameters.parameter or []):
        name = parameter.name or ""
        if name not in PARAMETERS + UNSUPPORTED:
            raise FhirInvalid(
                f"Unknown parameter {name[:40]!r}: $everything takes {', '.join(PARAMETERS)}.",
                status=400,
                code="not-supported",
                expression=f"Parameters.parameter[{index}].name",
            )
        value = next(
            (
                getattr(parameter, element)
                for element in (
                    "valueInteger",
                    "valueUnsignedInt",
                    "valuePositiveInt",
                    "valueString",
                    "valueCode",
                )
                if getattr(parameter, element, None) is not None
            ),
            None,
        )
        if value is None:
            raise FhirInvalid(
                f"{name} needs a value (valueInteger for _count, valueString otherwise).",
                status=400,
                code="required",
                expression=f"Parameters.parameter[{index}]",
            )
        found.append((name, str(value)))
    return found
