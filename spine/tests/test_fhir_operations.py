"""The Spine's FHIR operations, as integrating client systems use them: create, find (break glass),
find-all, update demographics, pull active care."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from conftest import FhirApi, RecordApi, fetch_token, new_nin
from maternity.models import (
    AccessLog,
    CareLocationEpisode,
    Note,
    NoteKind,
    Person,
    Pregnancy,
    PregnancyGroupPermission,
)

from .helpers import (
    active_care_observation,
    bundle,
    database_state,
    edd_observation,
    find_all_parameters,
    find_parameters,
    patient,
)

DOB = date(1994, 5, 17)


def now_iso() -> str:
    return timezone.now().isoformat()


EDD = date(2027, 3, 1)

pytestmark = pytest.mark.django_db


@pytest.fixture
def fhir_a(client_a):
    return FhirApi(fetch_token(client_a.client_id, client_a.client_secret))


@pytest.fixture
def fhir_b(client_b):
    return FhirApi(fetch_token(client_b.client_id, client_b.client_secret))


@pytest.fixture
def created(fhir_a, nin):
    """A pregnancy created by location A through $create-pregnancy: (record id, nin)."""
    response = fhir_a.post(
        "Patient/$create-pregnancy", bundle(patient(nin, DOB, "Kari Nordmann"), edd_observation(EDD))
    )
    assert response.status_code == 201, response.content
    return response.headers["X-Logical-Id"]


def issue(response) -> dict:
    body = response.json()
    assert body["resourceType"] == "OperationOutcome", body
    return body["issue"][0]


def test_create_pregnancy_answers_201_with_the_logical_id_and_location(fhir_a, nin):
    response = fhir_a.post(
        "Patient/$create-pregnancy", bundle(patient(nin, DOB, "Kari Nordmann"), edd_observation(EDD))
    )
    assert response.status_code == 201
    record = Pregnancy.objects.get(pk=response.headers["X-Logical-Id"])
    assert response.headers["Location"].endswith(f"/spine/fhir/Patient/{record.pk}")
    assert response["Content-Type"].startswith("application/fhir+json")
    assert record.agreed_edd == EDD
    assert record.mother.name == "Kari Nordmann"
    assert record.person.date_of_birth == DOB
    assert response.json()["entry"][0]["resource"]["id"] == str(record.pk)


def test_create_with_keys_that_match_answers_409_and_creates_nothing(fhir_a, fhir_b, created, nin):
    before = database_state()
    response = fhir_b.post(
        "Patient/$create-pregnancy", bundle(patient(nin, DOB), edd_observation(EDD + timedelta(days=10)))
    )
    assert response.status_code == 409
    assert "$find-pregnancy" in issue(response)["diagnostics"]
    assert database_state() == before


def test_create_completes_a_record_with_no_edd_with_204_and_makes_the_caller_a_stakeholder(api, fhir_b, nin):
    record_id = api.post("record").json()["metadata"]["recordId"]  # location A, no EDD yet
    response = fhir_b.post(
        "Patient/$create-pregnancy", bundle(patient(nin, DOB), edd_observation(EDD, "EDDbyScan"))
    )
    assert response.status_code == 204, response.content
    assert response.headers["X-Logical-Id"] == record_id
    record = Pregnancy.objects.get(pk=record_id)
    assert record.agreed_edd == EDD
    assert record.currentpregnancy.due_date_based_on_ultrasound == EDD
    assert PregnancyGroupPermission.objects.filter(content_object=record, reason="API_ACCESS").count() == 1
    assert Pregnancy.objects.count() == 1


def test_create_is_refused_with_409_when_the_person_has_another_active_record(fhir_a, created, nin):
    response = fhir_a.post(
        "Patient/$create-pregnancy", bundle(patient(nin, DOB), edd_observation(EDD + timedelta(days=200)))
    )
    assert response.status_code == 409
    assert issue(response)["code"] == "duplicate"


def test_create_needs_an_edd_observation(fhir_a, nin):
    response = fhir_a.post("Patient/$create-pregnancy", bundle(patient(nin, DOB)))
    assert response.status_code == 422
    assert Pregnancy.objects.count() == 0


def test_create_refuses_a_date_of_birth_that_the_national_id_contradicts(fhir_a, nin):
    response = fhir_a.post(
        "Patient/$create-pregnancy", bundle(patient(nin, date(1990, 1, 1)), edd_observation(EDD))
    )
    assert response.status_code == 422
    assert Person.objects.count() == 0


def test_find_pregnancy_by_keys_makes_the_finder_a_stakeholder_and_writes_the_reason(fhir_b, created, nin):
    response = fhir_b.post("Patient/$find-pregnancy", find_parameters(nin, DOB, EDD, "Admitted in labour"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["resourceType"] == "Bundle" and body["total"] == 1
    assert body["entry"][0]["resource"]["id"] == created
    assert PregnancyGroupPermission.objects.filter(content_object_id=created, reason="BREAK_GLASS").exists()
    note = Note.objects.get(record_id=created, kind=NoteKind.BREAK_GLASS)
    assert "Admitted in labour" in note.text and "Munkholmen" in note.text
    assert "Reason: In labour or giving birth at this location: Admitted in labour" in note.text
    entry = AccessLog.objects.get(action="BREAK_GLASS")
    assert entry.reason == "Admitted in labour" and str(entry.record_id) == created
    assert entry.reason_code == "LABOUR"


def test_the_reason_code_is_kept_on_the_grant_and_in_the_audit_trail(fhir_b, created, nin):
    body = find_parameters(nin, DOB, EDD, "Referral received from her GP today", code="TRANSFER")
    assert fhir_b.post("Patient/$find-pregnancy", body).status_code == 200
    grant = PregnancyGroupPermission.objects.get(content_object_id=created, reason="BREAK_GLASS")
    assert (
        grant.detail
        == "Care transferred or referral received (TRANSFER): Referral received from her GP today"
    )
    entry = AccessLog.objects.get(action="BREAK_GLASS")
    assert (entry.reason_code, entry.get_reason_code_display()) == (
        "TRANSFER",
        "Care transferred or referral received",
    )


def test_an_older_client_that_sends_no_reason_code_is_told_the_codes_and_nothing_is_found(
    fhir_b, created, nin
):
    before = database_state()
    response = fhir_b.post("Patient/$find-pregnancy", find_parameters(nin, DOB, EDD, code=None))
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/fhir+json")
    found = issue(response)
    assert (found["code"], found["expression"]) == ("required", ["Parameters.parameter"])
    assert "missing required parameter 'break-glass-reason-code'" in found["diagnostics"]
    assert "EMERGENCY" in found["diagnostics"] and "OTHER" in found["diagnostics"]
    assert database_state() == before
    entry = AccessLog.objects.get(action="FIND")
    assert (entry.outcome, entry.status_code) == ("REJECTED", 422)


@pytest.mark.parametrize("reason", ["x", "   labour  ", "123456789"])
def test_a_reason_shorter_than_ten_characters_is_refused_and_grants_nothing(fhir_b, created, nin, reason):
    before = database_state()
    response = fhir_b.post("Patient/$find-pregnancy", find_parameters(nin, DOB, EDD, reason))
    assert response.status_code == 422
    found = issue(response)
    assert found["expression"] == ["Parameters.parameter[4].valueString"]  # the reason's value, as FHIRPath
    assert "at least 10 characters" in found["diagnostics"]
    assert database_state() == before
    entry = AccessLog.objects.get(action="FIND")
    assert (entry.outcome, entry.reason_code, entry.reason) == ("REJECTED", "LABOUR", reason.strip())


def test_a_reason_of_exactly_ten_characters_after_trimming_is_enough(fhir_b, created, nin):
    response = fhir_b.post("Patient/$find-pregnancy", find_parameters(nin, DOB, EDD, "  In labour!  "))
    assert response.status_code == 200, response.content


def test_a_reason_of_1001_characters_is_refused(fhir_b, created, nin):
    response = fhir_b.post("Patient/$find-pregnancy", find_parameters(nin, DOB, EDD, "x" * 1001))
    assert response.status_code == 422
    assert "at most 1000 characters (you gave 1001)" in issue(response)["diagnostics"]


def test_an_unknown_reason_code_is_refused_listing_the_codes(fhir_b, created, nin):
    response = fhir_b.post("Patient/$find-pregnancy", find_parameters(nin, DOB, EDD, code="CURIOUS"))
    assert response.status_code == 422
    found = issue(response)
    assert found["code"] == "code-invalid"
    assert found["expression"] == ["Parameters.parameter[3].valueCode"]
    assert "Unknown break-glass reason code 'CURIOUS'" in found["diagnostics"]
    assert "PATIENT_REQUEST (at her request or with her consent)" in found["diagnostics"]
    assert not PregnancyGroupPermission.objects.filter(reason="BREAK_GLASS").exists()


def test_a_stakeholder_finding_again_writes_no_second_note(fhir_a, created, nin):
    response = fhir_a.post("Patient/$find-pregnancy", find_parameters(nin, DOB, EDD))
    assert response.status_code == 200
    assert not Note.objects.filter(record_id=created, kind=NoteKind.BREAK_GLASS).exists()
    assert AccessLog.objects.filter(action="FIND", reason="Admitted in labour").count() == 1


def test_find_without_a_break_glass_reason_is_refused_and_grants_nothing(fhir_b, created, nin):
    before = database_state()
    response = fhir_b.post("Patient/$find-pregnancy", find_parameters(nin, DOB, EDD, reason=None))
    assert response.status_code == 422
    assert "break-glass-reason" in issue(response)["diagnostics"]
    assert database_state() == before


def test_find_with_keys_that_do_not_match_is_404(fhir_b, created, nin):
    response = fhir_b.post("Patient/$find-pregnancy", find_parameters(nin, DOB, EDD + timedelta(days=30)))
    assert response.status_code == 404
    assert issue(response)["code"] == "not-found"


def test_find_all_returns_only_records_the_caller_is_a_stakeholder_of(fhir_a, fhir_b, created, nin):
    assert fhir_b.post("Patient/$find-all-pregnancies", find_all_parameters(nin, DOB)).status_code == 404
    response = fhir_a.post("Patient/$find-all-pregnancies", find_all_parameters(nin, DOB))
    assert response.status_code == 200
    patients = [e["resource"] for e in response.json()["entry"] if e["resource"]["resourceType"] == "Patient"]
    assert [p["id"] for p in patients] == [created]
    assert not PregnancyGroupPermission.objects.filter(
        content_object_id=created, group__care_location__org_nr="998570328"
    ).exists()


def test_the_active_location_updates_the_patient_demographics(fhir_a, created, nin):
    response = fhir_a.post(
        f"Patient/{created}/$update-pregnancy", bundle(patient(name="Kari Nordmann-Hansen"))
    )
    assert response.status_code == 204, response.content
    assert Pregnancy.objects.get(pk=created).mother.name == "Kari Nordmann-Hansen"
    assert Pregnancy.objects.get(pk=created).mother.version == 2


def test_another_stakeholder_cannot_change_demographics_and_gets_403_operation_outcome(
    fhir_a, fhir_b, created, nin
):
    fhir_b.post("Patient/$find-pregnancy", find_parameters(nin, DOB, EDD))
    before = database_state()
    response = fhir_b.post(f"Patient/{created}/$update-pregnancy", bundle(patient(name="Someone Else")))
    assert response.status_code == 403
    assert issue(response)["code"] == "forbidden"
    assert "active Care Location" in issue(response)["diagnostics"]
    assert database_state() == before


def test_pulling_care_makes_the_puller_active_adds_an_episode_and_a_note(fhir_a, fhir_b, created, nin):
    fhir_b.post("Patient/$find-pregnancy", find_parameters(nin, DOB, EDD))
    response = fhir_b.post(f"Patient/{created}/$update-pregnancy", bundle(active_care_observation(now_iso())))
    assert response.status_code == 204, response.content
    record = Pregnancy.objects.get(pk=created)
    assert record.active_care_location.org_nr == "998570328"
    assert CareLocationEpisode.objects.filter(record=record).count() == 2
    assert Note.objects.filter(record=record, kind=NoteKind.CARE_PULLED).count() == 1
    assert AccessLog.objects.filter(action="PULL_CARE", outcome="ALLOWED").count() == 1
    # now B may change the demographics, A may not
    assert (
        fhir_b.post(f"Patient/{created}/$update-pregnancy", bundle(patient(name="Kari B"))).status_code == 204
    )
    assert (
        fhir_a.post(f"Patient/{created}/$update-pregnancy", bundle(patient(name="Kari A"))).status_code == 403
    )


def test_a_historic_pull_records_the_episode_without_moving_active_care(fhir_b, created, nin):
    fhir_b.post("Patient/$find-pregnancy", find_parameters(nin, DOB, EDD))
    response = fhir_b.post(
        f"Patient/{created}/$update-pregnancy", bundle(active_care_observation("2020-01-01T08:00:00Z"))
    )
    assert response.status_code == 204
    record = Pregnancy.objects.get(pk=created)
    assert record.active_care_location.org_nr == "974749025"
    assert CareLocationEpisode.objects.filter(record=record).count() == 2
    assert "earlier episode" in Note.objects.get(record=record, kind=NoteKind.CARE_PULLED).text


def test_a_pull_and_a_demographics_change_in_one_bundle_are_applied_together(fhir_b, created, nin):
    fhir_b.post("Patient/$find-pregnancy", find_parameters(nin, DOB, EDD))
    response = fhir_b.post(
        f"Patient/{created}/$update-pregnancy",
        bundle(active_care_observation(now_iso()), patient(name="Kari Taken Over")),
    )
    assert response.status_code == 204
    assert Pregnancy.objects.get(pk=created).mother.name == "Kari Taken Over"


def test_a_historic_pull_with_a_demographics_change_changes_nothing(fhir_b, created, nin):
    fhir_b.post("Patient/$find-pregnancy", find_parameters(nin, DOB, EDD))
    before = database_state()
    response = fhir_b.post(
        f"Patient/{created}/$update-pregnancy",
        bundle(active_care_observation("2020-01-01T08:00:00Z"), patient(name="Not Allowed")),
    )
    assert response.status_code == 403
    assert database_state() == before


def test_update_of_a_record_you_are_not_a_stakeholder_of_is_404_whatever_the_bundle_says(fhir_b, created):
    invalid = bundle(patient("12345678901", DOB, "Kari"))  # an invalid national ID: 422 for a stakeholder
    response = fhir_b.post(f"Patient/{created}/$update-pregnancy", invalid)
    assert response.status_code == 404


def test_changing_the_national_id_to_another_persons_is_409(fhir_a, created, nin):
    other = new_nin(DOB)
    Person.objects.create(
        identifier_system="urn:oid:2.16.578.1.12.4.1.4.1", identifier_value=other, date_of_birth=DOB
    )
    response = fhir_a.post(f"Patient/{created}/$update-pregnancy", bundle(patient(other, DOB)))
    assert response.status_code == 409
    assert Pregnancy.objects.get(pk=created).person.identifier_value == nin


def test_correcting_the_national_id_is_versioned(fhir_a, created, nin):
    corrected = new_nin(DOB)
    response = fhir_a.post(f"Patient/{created}/$update-pregnancy", bundle(patient(corrected, DOB)))
    assert response.status_code == 204, response.content
    person = Pregnancy.objects.get(pk=created).person
    assert person.identifier_value == corrected
    assert person.history.count() == 2


def test_record_filter_refuses_demographics_outside_it_and_hides_the_name(client_b, fhir_a, created, nin):
    client_b.client.record_filter = ["currentPregnancy", "antenatalAppointments"]
    client_b.client.save()
    fhir = FhirApi(fetch_token(client_b.client_id, client_b.client_secret))
    found = fhir.post("Patient/$find-pregnancy", find_parameters(nin, DOB, EDD))
    assert found.status_code == 200
    assert "name" not in found.json()["entry"][0]["resource"]
    response = fhir.post(f"Patient/{created}/$update-pregnancy", bundle(active_care_observation(now_iso())))
    assert response.status_code == 403
    assert "record filter" in issue(response)["diagnostics"]


def test_malformed_json_is_a_400_operation_outcome(fhir_a):
    response = fhir_a.post("Patient/$find-pregnancy", raw="{not json")
    assert response.status_code == 400
    assert issue(response)["code"] == "structure"


def test_an_unknown_element_is_a_400_naming_it(fhir_a, nin):
    body = find_parameters(nin, DOB, EDD)
    body["colour"] = "blue"
    response = fhir_a.post("Patient/$find-pregnancy", body)
    assert response.status_code == 400
    assert "colour" in issue(response)["diagnostics"]


def test_no_token_is_a_401_operation_outcome(nin):
    response = FhirApi(None).post("Patient/$find-pregnancy", find_parameters(nin, DOB, EDD))
    assert response.status_code == 401
    assert issue(response)["code"] == "login"


def test_the_record_api_accepts_the_pregnancy_keys_and_makes_the_caller_a_stakeholder(
    fhir_a, stranger_api: RecordApi, created, nin
):
    assert stranger_api.get(f"record/{created}").status_code == 404
    wrong = stranger_api.get(
        f"record/{created}", X_Patient_Birth_Date=str(DOB), X_Pregnancy_EDD=str(EDD + timedelta(days=22))
    )
    assert wrong.status_code == 404
    response = stranger_api.get(
        f"record/{created}", X_Patient_Birth_Date=str(DOB), X_Pregnancy_EDD=str(EDD + timedelta(days=21))
    )
    assert response.status_code == 200
    assert PregnancyGroupPermission.objects.filter(content_object_id=created, reason="API_ACCESS").exists()
    assert stranger_api.get(f"record/{created}").status_code == 200


def test_care_cannot_be_pulled_from_a_time_in_the_future(fhir_a, created):
    future = (timezone.now() + timedelta(hours=2)).isoformat()
    response = fhir_a.post(f"Patient/{created}/$update-pregnancy", bundle(active_care_observation(future)))
    assert response.status_code == 422
    assert "future" in issue(response)["diagnostics"]
    assert issue(response)["expression"] == ["Bundle.entry[0].resource.effectivePeriod.start"]
    assert CareLocationEpisode.objects.filter(record_id=created).count() == 1


def test_a_refused_care_start_points_at_the_element_it_was_read_from_as_fhirpath(fhir_a, created, nin):
    future = (timezone.now() + timedelta(hours=2)).isoformat()
    observation = active_care_observation(future)
    observation["effectiveDateTime"] = observation.pop("effectivePeriod")["start"]

    response = fhir_a.post(
        f"Patient/{created}/$update-pregnancy", bundle(patient(nin, DOB, "Kari Nordmann"), observation)
    )

    assert response.status_code == 422
    assert issue(response)["expression"] == ["Bundle.entry[1].resource.effectiveDateTime"]


def test_a_date_of_birth_the_national_id_contradicts_points_at_the_patients_birth_date(fhir_a, nin):
    response = fhir_a.post(
        "Patient/$create-pregnancy", bundle(edd_observation(EDD), patient(nin, date(1990, 1, 1)))
    )

    assert response.status_code == 422
    assert issue(response)["expression"] == ["Bundle.entry[1].resource.birthDate"]


@pytest.mark.parametrize(
    "element, value, expression",
    [
        ("name", [{"use": "old", "text": "X"}, {"use": "official", "text": "K" * 201}], "name[1]"),
        ("address", [{"line": ["A" * 301]}], "address[0].line"),
        ("address", [{"use": "old", "city": "X"}, {"postalCode": "7" * 21}], "address[1].postalCode"),
        ("address", [{"city": "T" * 101}], "address[0].city"),
    ],
)
def test_a_demographic_the_record_refuses_points_at_its_patient_element(
    fhir_a, created, nin, element, value, expression
):
    sent = patient(nin, DOB)
    sent[element] = value

    response = fhir_a.post(f"Patient/{created}/$update-pregnancy", bundle(edd_observation(EDD), sent))

    assert response.status_code == 422, response.content
    assert issue(response)["expression"] == [f"Bundle.entry[1].resource.{expression}"]


FHIRPATH = re.compile(r"[A-Z][A-Za-z]+(\.[a-z][A-Za-z0-9]*(\[\d+\])?)*")  # the simple subset: names, indexes


def test_every_refusal_of_the_fhir_operations_points_with_fhirpath_or_not_at_all(
    fhir_a, fhir_b, created, nin
):
    future = (timezone.now() + timedelta(hours=2)).isoformat()
    refused = [
        fhir_a.post(f"Patient/{created}/$update-pregnancy", bundle(active_care_observation(future))),
        fhir_a.post(f"Patient/{created}/$update-pregnancy", bundle(patient(nin, DOB, "K" * 201))),
        fhir_a.post(
            "Patient/$create-pregnancy", bundle(patient(new_nin(), date(1990, 1, 1)), edd_observation(EDD))
        ),
        fhir_a.post("Patient/$create-pregnancy", bundle(patient(nin, DOB))),
        fhir_b.post("Patient/$find-pregnancy", find_parameters(nin, DOB, EDD, "short")),
        fhir_b.post("Patient/$find-pregnancy", find_parameters(nin, DOB, EDD, code="CURIOUS")),
        fhir_b.post("Patient/$find-pregnancy", find_parameters(nin, DOB, EDD, code=None)),
        fhir_b.post(f"Patient/{created}/$update-pregnancy", bundle(patient(nin, DOB, "Kari"))),  # 404
        fhir_a.post(
            "Patient/$create-pregnancy", bundle(patient(new_nin(), DOB, "K\x1b"), edd_observation(EDD))
        ),
        fhir_a.post("Patient/$find-all-pregnancies", find_all_parameters(nin, DOB), X_Acting_User_Id="1\x1b"),
        fhir_a.post("Patient/$find-all-pregnancies", find_all_parameters(nin, DOB), X_Acting_User_Name=None),
    ]

    assert {response.status_code for response in refused} == {400, 404, 422}
    assert sum("expression" in issue(response) for response in refused) >= 7
    for response in refused:
        for expression in issue(response).get("expression", []):
            assert FHIRPATH.fullmatch(expression), (response.status_code, expression)
