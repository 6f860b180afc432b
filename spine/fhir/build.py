"""Build the FHIR responses of the Spine operations. Each resource is made with the fhir.resources R4B
classes, so the library validates it, and returned as a JSON-ready dict (dates as ISO strings, no nulls).
"""

import datetime
from dataclasses import dataclass

from fhir.resources.R4B.bundle import Bundle, BundleEntry, BundleEntrySearch
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.humanname import HumanName
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.meta import Meta
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.operationoutcome import OperationOutcome, OperationOutcomeIssue
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.reference import Reference
from fhir_core.fhirabstractmodel import FHIRAbstractModel

from .parse import (
    LOINC,
    LOINC_EDD_AGREED,
    PROFILE_ACTIVE_CARE_LOCATION,
    PROFILE_EDD_AGREED,
    PROFILE_PATIENT,
    SNOMED,
    SNOMED_ACTIVE_CARE_LOCATION,
)

ORGANIZATION_NUMBER = "urn:oid:2.16.578.1.12.4.1.2.101"  # Norwegian organisation number (Enhetsregisteret)
ACTIVE = "ACTIVE"


def operation_outcome(
    *, diagnostics: str, code: str = "processing", severity: str = "error", expression: str | None = None
) -> dict:
    """An OperationOutcome with one issue: the body of every FHIR error (and of 207 warnings)."""
    issue = OperationOutcomeIssue(
        severity=severity, code=code, diagnostics=diagnostics, expression=[expression] if expression else None
    )
    return _json(OperationOutcome(issue=[issue]))


@dataclass(frozen=True)
class PregnancySummary:
    record_id: str
    identifier_system: str
    identifier_value: str
    date_of_birth: datetime.date | None
    agreed_edd: datetime.date | None
    status: str  # ACTIVE / DELIVERED / TERMINATED / ENTERED_IN_ERROR
    name: str | None  # None when the caller may not see the mother resource
    active_care_location: str  # the location's name
    active_care_org_nr: str


def pregnancy_search_bundle(summaries: list[PregnancySummary], *, base_url: str) -> dict:
    """The searchset Bundle of $find-pregnancy and $find-all-pregnancies: per pregnancy a summary Patient
    (search mode "match") whose id is the record's logical id, then its agreed EDD Observation (when there is
    one) and its ActiveCareLocation Observation (search mode "include")."""
    if base_url and not base_url.endswith("/"):
        base_url = f"{base_url}/"
    entries: list[BundleEntry] = []
    for summary in summaries:
        entries.append(_entry(_summary_patient(summary), base_url, "match"))
        if summary.agreed_edd is not None:
            entries.append(_entry(_agreed_edd(summary), base_url, "include"))
        entries.append(_entry(_active_care_location(summary), base_url, "include"))
    return _json(Bundle(type="searchset", total=len(summaries), entry=entries or None))


def _summary_patient(summary: PregnancySummary) -> Patient:
    return Patient(
        id=summary.record_id,
        meta=Meta(profile=[PROFILE_PATIENT]),
        identifier=[Identifier(system=summary.identifier_system, value=summary.identifier_value)],
        active=summary.status == ACTIVE,
        name=[HumanName(text=summary.name)] if summary.name else None,
        birthDate=summary.date_of_birth,
    )


def _agreed_edd(summary: PregnancySummary) -> Observation:
    return Observation(
        id=f"{summary.record_id}-edd",
        meta=Meta(profile=[PROFILE_EDD_AGREED]),
        status="final",
        code=CodeableConcept(
            coding=[Coding(system=LOINC, code=LOINC_EDD_AGREED, display="Delivery date Estimated")]
        ),
        subject=Reference(reference=f"Patient/{summary.record_id}"),
        # A FHIR dateTime may be a date: fhir_core validates one, though its annotation says datetime
        valueDateTime=summary.agreed_edd,  # type: ignore[arg-type]
    )


def _active_care_location(summary: PregnancySummary) -> Observation:
    performer = None
    if summary.active_care_location or summary.active_care_org_nr:
        performer = Reference(
            display=summary.active_care_location or None,
            identifier=Identifier(system=ORGANIZATION_NUMBER, value=summary.active_care_org_nr)
            if summary.active_care_org_nr
            else None,
        )
    return Observation(
        id=f"{summary.record_id}-acl",
        meta=Meta(profile=[PROFILE_ACTIVE_CARE_LOCATION]),
        status="final",
        code=CodeableConcept(coding=[Coding(system=SNOMED, code=SNOMED_ACTIVE_CARE_LOCATION)]),
        subject=Reference(reference=f"Patient/{summary.record_id}"),
        performer=[performer] if performer else None,
    )


def _entry(resource: Patient | Observation, base_url: str, mode: str) -> BundleEntry:
    return BundleEntry(
        fullUrl=f"{base_url}{resource.get_resource_type()}/{resource.id}",
        resource=resource,
        search=BundleEntrySearch(mode=mode),
    )


def _json(resource: FHIRAbstractModel) -> dict:
    return resource.model_dump(mode="json", exclude_none=True)
