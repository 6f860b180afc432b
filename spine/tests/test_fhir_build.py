"""Building FHIR responses: the OperationOutcome of every error and the searchset Bundle of the finds."""

import datetime
import json

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.patient import Patient

from maternity.rules.identifiers import NHS_NUMBER, NZ_NHI
from spine.fhir.build import PregnancySummary, operation_outcome, pregnancy_search_bundle
from spine.fhir.http import FhirJsonRenderer

BASE = "https://spine.example.org/fhir/"
PROFILE = "https://fhir.clevermed.com/StructureDefinition/"


def summary(record_id: str = "3f2a9c1e-0b7d-4e8a-9c61-5d2f7a1b8e40", **changes) -> PregnancySummary:
    values = {
        "record_id": record_id,
        "identifier_system": NZ_NHI,
        "identifier_value": "ZZZ00AC",
        "date_of_birth": datetime.date(1994, 5, 17),
        "agreed_edd": datetime.date(2025, 1, 10),
        "status": "ACTIVE",
        "name": "Aroha Ngata",
        "active_care_location": "Wellington Birth Centre",
        "active_care_org_nr": "974589095",
    }
    values.update(changes)
    return PregnancySummary(**values)


def resources(bundle: dict, resource_type: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == resource_type]


# --- OperationOutcome -----------------------------------------------------------------------------------


def test_an_operation_outcome_has_one_error_issue_by_default():
    assert operation_outcome(diagnostics="Something went wrong") == {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": "processing", "diagnostics": "Something went wrong"}],
    }


def test_an_operation_outcome_carries_code_severity_and_expression():
    outcome = operation_outcome(
        diagnostics="Bundle.entry[0].resource.foo: Extra inputs are not permitted",
        code="structure",
        severity="fatal",
        expression="Bundle.entry[0].resource.foo",
    )
    assert outcome["issue"] == [
        {
            "severity": "fatal",
            "code": "structure",
            "diagnostics": "Bundle.entry[0].resource.foo: Extra inputs are not permitted",
            "expression": ["Bundle.entry[0].resource.foo"],
        }
    ]


def test_a_warning_outcome_validates_as_fhir_and_is_json():
    outcome = operation_outcome(
        diagnostics="EDD differs from the scan by 10 days", code="informational", severity="warning"
    )
    assert OperationOutcome.model_validate(outcome).issue[0].severity == "warning"
    assert json.loads(json.dumps(outcome)) == outcome


# --- searchset Bundle -----------------------------------------------------------------------------------


def test_the_search_bundle_validates_as_a_fhir_r4_searchset():
    built = pregnancy_search_bundle([summary(), summary("second")], base_url=BASE)
    bundle = Bundle.model_validate(built)
    assert bundle.type == "searchset"
    assert bundle.total == 2
    assert [type(e.resource) for e in bundle.entry] == [
        Patient,
        Observation,
        Observation,
        Patient,
        Observation,
        Observation,
    ]


def test_the_search_bundle_is_plain_json():
    built = pregnancy_search_bundle([summary()], base_url=BASE)
    assert json.loads(json.dumps(built)) == built


def test_each_pregnancy_is_a_matching_patient_and_included_observations():
    record_id = "3f2a9c1e-0b7d-4e8a-9c61-5d2f7a1b8e40"
    entries = pregnancy_search_bundle([summary(record_id)], base_url=BASE)["entry"]
    assert [(e["fullUrl"], e["search"]["mode"]) for e in entries] == [
        (f"{BASE}Patient/{record_id}", "match"),
        (f"{BASE}Observation/{record_id}-edd", "include"),
        (f"{BASE}Observation/{record_id}-acl", "include"),
    ]
    assert [e["resource"]["id"] for e in entries] == [record_id, f"{record_id}-edd", f"{record_id}-acl"]


def test_the_summary_patient_carries_identifier_birth_date_name_and_profile():
    [patient] = resources(pregnancy_search_bundle([summary("rec1")], base_url=BASE), "Patient")
    assert patient == {
        "resourceType": "Patient",
        "id": "rec1",
        "meta": {"profile": [f"{PROFILE}Patient-BNet-Preg"]},
        "identifier": [{"system": NZ_NHI, "value": "ZZZ00AC"}],
        "active": True,
        "name": [{"text": "Aroha Ngata"}],
        "birthDate": "1994-05-17",
    }


def test_the_name_is_left_out_when_the_caller_may_not_see_it():
    [patient] = resources(pregnancy_search_bundle([summary(name=None)], base_url=BASE), "Patient")
    assert "name" not in patient


@pytest.mark.parametrize(
    ("status", "active"),
    [("ACTIVE", True), ("DELIVERED", False), ("TERMINATED", False), ("ENTERED_IN_ERROR", False)],
)
def test_only_an_active_pregnancy_gives_an_active_patient(status, active):
    [patient] = resources(pregnancy_search_bundle([summary(status=status)], base_url=BASE), "Patient")
    assert patient["active"] is active


def test_a_missing_birth_date_is_left_out():
    [patient] = resources(pregnancy_search_bundle([summary(date_of_birth=None)], base_url=BASE), "Patient")
    assert "birthDate" not in patient


def test_the_agreed_edd_is_an_observation_about_the_patient():
    bundle = pregnancy_search_bundle([summary("rec1", identifier_system=NHS_NUMBER)], base_url=BASE)
    edd = resources(bundle, "Observation")[0]
    assert edd == {
        "resourceType": "Observation",
        "id": "rec1-edd",
        "meta": {"profile": [f"{PROFILE}Observation-BNet-Preg-EDDAgreed"]},
        "status": "final",
        "code": {
            "coding": [
                {"system": "http://loinc.org", "code": "11778-8", "display": "Delivery date Estimated"}
            ]
        },
        "subject": {"reference": "Patient/rec1"},
        "valueDateTime": "2025-01-10",
    }


def test_no_edd_observation_when_there_is_no_agreed_edd():
    bundle = pregnancy_search_bundle([summary("rec1", agreed_edd=None)], base_url=BASE)
    assert [e["resource"]["id"] for e in bundle["entry"]] == ["rec1", "rec1-acl"]
    Bundle.model_validate(bundle)


def test_the_active_care_location_names_the_organisation():
    acl = resources(pregnancy_search_bundle([summary("rec1")], base_url=BASE), "Observation")[1]
    assert acl == {
        "resourceType": "Observation",
        "id": "rec1-acl",
        "meta": {"profile": [f"{PROFILE}Observation-BNet-Preg-ActiveCareLocation"]},
        "status": "final",
        "code": {"coding": [{"system": "http://snomed.info/sct", "code": "43741000"}]},
        "subject": {"reference": "Patient/rec1"},
        "performer": [
            {
                "identifier": {"system": "urn:oid:2.16.578.1.12.4.1.2.101", "value": "974589095"},
                "display": "Wellington Birth Centre",
            }
        ],
    }


def test_an_active_care_location_without_an_organisation_number_has_only_its_name():
    acl = resources(pregnancy_search_bundle([summary(active_care_org_nr="")], base_url=BASE), "Observation")[
        1
    ]
    assert acl["performer"] == [{"display": "Wellington Birth Centre"}]


def test_a_base_url_without_a_trailing_slash_still_gives_valid_full_urls():
    bundle = pregnancy_search_bundle([summary("rec1")], base_url="https://spine.example.org/fhir")
    assert bundle["entry"][0]["fullUrl"] == "https://spine.example.org/fhir/Patient/rec1"


def test_no_pregnancies_give_an_empty_searchset():
    assert pregnancy_search_bundle([], base_url=BASE) == {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": 0,
    }


# --- the DRF renderer -----------------------------------------------------------------------------------


def test_the_fhir_json_renderer_writes_application_fhir_json():
    renderer = FhirJsonRenderer()
    assert (renderer.media_type, renderer.format) == ("application/fhir+json", "fhir")
    body = renderer.render(operation_outcome(diagnostics="x"))
    assert json.loads(body)["resourceType"] == "OperationOutcome"
