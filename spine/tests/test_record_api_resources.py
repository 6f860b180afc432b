"""POST and PUT of every resource type, list items, versions, coded values and who made each version."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import RecordApi, fetch_token
from maternity.models import (
    AntenatalAppointment,
    ClinicalTests,
    CurrentPregnancy,
    Mother,
    Pregnancy,
    RecordEvent,
)
from maternity.rules.resources import RESOURCE_TYPES
from spine.services import spine_client_create

from .helpers import outcome

# Realistic data for each singleton a professional writes: (first version, second version).
SINGLETON_DATA = {
    "mother": (
        {
            "name": "Kari Nordmann",
            "address": "Trimveien 8",
            "postNumber": "0372",
            "postName": "OSLO",
            "employedLast6Months": True,
            "employmentPercentage": 80,
            "occupationAndIndustry": "Sykepleier, helse",
            "language": {"code": "NO"},
            "countryOfBirth": {"code": "NOR"},
            "needsLanguageInterpreter": False,
            "cohabitingCoparent": True,
            "cohabitingCoparentNote": "Bor med partner",
        },
        {
            "name": "Kari Nordmann",
            "address": "Elgeseter gate 10",
            "postNumber": "7030",
            "postName": "TRONDHEIM",
        },
    ),
    "currentPregnancy": (
        {
            "dateLastPeriod": "2025-01-10",
            "dueDate": "2025-10-17",
            "hasPrenatalDiagnosticsTests": True,
            "numberOfFetuses": 1,
            "assistedConception": {"hadAssistedConception": True, "dateAssistedConception": "2025-01-24"},
            "birthPreparationTalk": False,
            "breastfeedingGuidance": None,
        },
        {
            "dateLastPeriod": "2025-01-10",
            "dueDate": "2025-10-17",
            "dueDateBasedOnUltrasound": "2025-10-20",
            "numberOfFetuses": 2,
            "assistedConception": {"hadAssistedConception": False, "dateAssistedConception": None},
            "birthPreparationTalk": True,
            "breastfeedingGuidance": True,
        },
    ),
    "previousPregnancies": (
        {
            "numberOfPreviousPregnancies": 2,
            "numberOfPreviousLiveBirths": 1,
            "spontaneousMiscarriages": 1,
            "stillBirths22weeks": 0,
            "numberOfEctopicPregnancies": 0,
            "note": "Spontanabort uke 9 i 2021",
        },
        {"numberOfPreviousPregnancies": 3, "numberOfPreviousLiveBirths": 1, "spontaneousMiscarriages": 2},
    ),
    "geneticDisorders": (
        {
            "noneKnown": False,
            "parentsAreRelatives": False,
            "hipDysplasia": True,
            "other": None,
            "note": "Mor",
        },
        {"noneKnown": True, "parentsAreRelatives": False, "hipDysplasia": False, "other": False},
    ),
    "medicalConditions": (
        {
            "nothingParticular": False,
            "heartDisease": False,
            "highBloodPressure": False,
            "kidneyUrinaryTractDiseases": False,
            "diabetes": False,
            "allergiesAsthma": True,
            "epilepsy": False,
            "thrombosis": False,
            "autoimmuneDisease": False,
            "gynecologicalConditions": False,
            "mentalHealth": None,
            "other": False,
            "note": "Astma, inhalator ved behov",
        },
        {"nothingParticular": False, "allergiesAsthma": True, "mentalHealth": False, "note": "Astma"},
    ),
    "medication": (
        {
            "medicationFrequency": "Daglig",
            "drugAllergy": True,
            "folate": {"takenBefore": True, "takenDuring": True},
            "note": "Penicillinallergi",
        },
        {"medicationFrequency": "Ved behov", "drugAllergy": True, "folate": {"takenBefore": False}},
    ),
    "lifestyleFactors": (
        {
            "stimuli": [
                {
                    "stimuliType": {"code": "1"},
                    "stimuliFrequencyFirstConsultation": {"stimuliFrequency": {"code": "4"}, "dailyCount": 5},
                    "stimuliFrequencyAtWeek36": {"stimuliFrequency": {"code": "5"}, "dailyCount": 0},
                }
            ],
            "note": "Sluttet å røyke i uke 12",
        },
        {"stimuli": [], "note": "Ingen"},
    ),
    "clinicalTests": (
        {
            "hemoglobin": 12.5,
            "hemoglobinAt3rdTrimester": 11.8,
            "ferritin": 35.0,
            "hbv": False,
            "hbvCore": False,
            "hiv": False,
            "syphilis": False,
            "bloodAntibodies": False,
            "chlamydia": False,
            "toxoplasmosis": None,
            "rubellaAntigen": True,
            "hepatitisC": False,
            "mrsaVreEsbl": False,
            "gonorrhea": False,
            "cytomegaloVirus": None,
            "asymptomaticBacteriuria": False,
            "groupBStreptococci": True,
            "aboRh": {"aboType": "O", "rhesusDType": "POSTIVE"},
            "bHbA1c": 34,
            "glucoseTolerance": {
                "fastingGlucoseLevel": 4.8,
                "post2hGlucoseLevel": 6.9,
                "testDate": "2025-05-02",
            },
            "note": "GBS positiv",
        },
        {"hemoglobin": 11.2, "aboRh": {"aboType": "A", "rhesusDType": "NEGATIVE"}},
    ),
    "rhesusDNegative": (
        {
            "consentFetalRhesusTyping": True,
            "fetusRhDPositiveAtWeek24": True,
            "prophylaxisAtWeek28": None,
            "dateForResult": "2025-06-20",
            "note": "Fosteret RhD positivt",
        },
        {"consentFetalRhesusTyping": True, "fetusRhDPositiveAtWeek24": True, "prophylaxisAtWeek28": True},
    ),
    "vitalMeasurementsBeforePregnancy": (
        {"height": 168.0, "prePregnancyWeight": 64.5, "bMI": 22.9},
        {"height": 168.0, "prePregnancyWeight": 66.0, "bMI": 23.4},
    ),
    "pointsOfContact": (
        {
            "generalPractitioner": {
                "name": "Rolf Lillehagen",
                "organizationName": "Munkholmen Legesenter",
                "organizationId": "998570328",
                "hprNr": "222200063",
            },
            "midwife": {"name": "Kari Jordmor", "organizationName": "Trondheim kommune", "hprNr": "9144889"},
            "birthInstitute": "St Olavs hospital",
            "maternityHealthcareCentre": "Lerkendal helsestasjon",
        },
        {"midwife": {"name": "Ida Jordmor", "hprNr": "9144890"}, "birthInstitute": "St Olavs hospital"},
    ),
}
APPOINTMENT = {
    "appointmentDate": "2025-04-11",
    "pregnancyWeek": 13,
    "daysAfterFullPregnancyWeek": 0,
    "motherWeight": 66.2,
    "bloodPressure": "118/76",
    "proteinInUrineTestResult": "Neg",
    "edema": 0,
    "fetusesVitalSigns": [
        {
            "fosterId": 1,
            "fetalHeartRate": 152,
            "fetalPresentationLie": {"code": "1"},
            "motherFeelsBabyMovements": True,
            "note": "",
        }
    ],
    "medication": False,
    "employmentRate": 100,
    "note": "Trives, lite kvalme",
}
LIST_DATA = {
    "antenatalAppointments": (APPOINTMENT, {**APPOINTMENT, "bloodPressure": "124/82", "edema": 1}),
    "symphysisFundalHeights": (
        {"pregnancyWeek": 28, "measurement": 27, "measurementDate": "2025-07-25"},
        {"pregnancyWeek": 28, "measurement": 28, "measurementDate": "2025-07-25"},
    ),
    "births": (
        {
            "birthTime": "2025-10-15T01:12:00Z",
            "sex": "FEMALE",
            "birthWeight": 3450,
            "gestationWeeks": 39,
            "gestationDays": 5,
            "liveBirth": True,
            "modeOfBirth": "SPONTANEOUS_VAGINAL",
            "apgar1Minute": 9,
            "apgar5Minutes": 10,
            "apgar10Minutes": 10,
            "note": "",
        },
        {"birthTime": "2025-10-15T01:12:00Z", "sex": "FEMALE", "birthWeight": 3460, "liveBirth": True},
    ),
    "bookings": (
        {
            "startsAt": "2030-08-01T09:30:00Z",
            "durationMinutes": 30,
            "kind": "ANTENATAL",
            "place": "Fjordvik jordmortjeneste",
            "withWhom": "Kari Jordmor",
            "status": "BOOKED",
            "cancellationReason": None,
            "visitId": None,
            "plannedWeek": 28,
            "note": "",
        },
        {
            "startsAt": "2030-08-01T09:30:00Z",
            "kind": "ANTENATAL",
            "status": "CANCELLED",
            "cancellationReason": "She asked to move it",
        },
    ),
}


def deliver(api, record_id: str, when: str) -> None:
    status = {"status": "DELIVERED", "deliveryDate": when, "liveBirth": True}
    response = api.post(f"record/{record_id}/updateStatus", {"version": 1, "recordStatus": status})
    assert response.status_code == 200, response.content


def test_an_alert_acknowledgement_is_refused_to_the_api_which_cannot_check_the_alert_stands(
    api, record_id, db_state
):
    before = db_state()
    body = {
        "alertCode": "bp-high",
        "subject": "antenatalAppointments/7d0c4f4e-52d4-4a25-9a33-0f2f0b7f3b7e@1",
        "alertDetail": "High blood pressure at the last appointment: 142/92 mmHg.",
        "actionTaken": "Repeated after rest.",
    }

    response = api.post(f"record/{record_id}/alertAcknowledgements", body)

    assert outcome(response) == (403, "DHG-0010", "DHG-0010")
    assert response.json()["errorMessage"] == (
        "alertAcknowledgements is written only by acknowledging an alert in the midwives' app (it checks "
        "the alert still stands)."
    )
    assert db_state() == before


def test_a_birth_is_refused_before_the_delivery_for_every_caller_and_changes_nothing(
    api, record_id, db_state
):
    before = db_state()

    response = api.post(f"record/{record_id}/births", LIST_DATA["births"][0])

    assert outcome(response) == (403, "DHG-0010", "DHG-0010")
    assert "after the delivery" in response.json()["errorMessage"]
    assert db_state() == before


def _contains(document: dict, expected: dict) -> bool:
    """Every field sent comes back as sent (coded values come back with display and codeSystem added)."""
    for key, value in expected.items():
        got = document[key]
        if isinstance(value, dict) and isinstance(got, dict):
            if not _contains(got, value):
                return False
        elif isinstance(value, list):
            if len(got) != len(value) or not all(_contains(g, v) for g, v in zip(got, value, strict=True)):
                return False
        elif got != value and not (key == "rhesusDType" and value == "POSITIVE" and got == "POSTIVE"):
            return False
    return True


@pytest.mark.parametrize("resource_type", list(SINGLETON_DATA))
def test_each_singleton_is_created_with_post_and_updated_with_put(api, record_id, resource_type):
    first, second = SINGLETON_DATA[resource_type]
    created = api.post(f"record/{record_id}/{resource_type}", first)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["metadata"]["version"] == 1
    assert _contains(body, first), body
    resource_id = body["metadata"]["id"]
    assert RESOURCE_TYPES[resource_type].model.objects.filter(pk=resource_id, record_id=record_id).exists()

    updated = api.put(f"record/{record_id}/{resource_type}", {"metadata": {"version": 1}, **second})
    assert updated.status_code == 200, updated.content
    body = updated.json()
    assert body["metadata"] | {"lastUpdated": None} == {
        "id": resource_id,
        "version": 2,
        "lastUpdated": None,
        "lastUpdatedBy": body["metadata"]["lastUpdatedBy"],
    }
    assert _contains(body, second), body
    document = api.get(f"record/{record_id}").json()[resource_type]
    assert document == body
    events = RecordEvent.objects.filter(record_id=record_id, resource_type=resource_type)
    assert list(events.values_list("version", "action")) == [(1, "CREATED"), (2, "UPDATED")]


def test_a_put_replaces_the_resource_so_fields_left_out_are_cleared(api, record_id):
    first, second = SINGLETON_DATA["mother"]
    assert api.post(f"record/{record_id}/mother", first).status_code == 201
    body = api.put(f"record/{record_id}/mother", {"metadata": {"version": 1}, **second}).json()
    assert body["address"] == "Elgeseter gate 10"
    assert body["language"] is None
    assert body["employmentPercentage"] is None
    assert Mother.objects.get(record_id=record_id).occupation_and_industry is None


def test_nested_groups_are_nested_on_the_wire_and_columns_in_the_database(api, record_id):
    body = api.post(f"record/{record_id}/currentPregnancy", SINGLETON_DATA["currentPregnancy"][0]).json()
    assert body["assistedConception"] == {
        "hadAssistedConception": True,
        "dateAssistedConception": "2025-01-24",
    }
    assert "hadAssistedConception" not in body
    pregnancy = CurrentPregnancy.objects.get(record_id=record_id)
    assert pregnancy.had_assisted_conception is True
    assert pregnancy.date_assisted_conception == date(2025, 1, 24)

    tests = api.post(f"record/{record_id}/clinicalTests", SINGLETON_DATA["clinicalTests"][0]).json()
    assert tests["aboRh"] == {"aboType": "O", "rhesusDType": "POSTIVE"}
    assert tests["glucoseTolerance"] == {
        "fastingGlucoseLevel": 4.8,
        "post2hGlucoseLevel": 6.9,
        "testDate": "2025-05-02",
    }
    stored = ClinicalTests.objects.get(record_id=record_id)
    assert (stored.abo_type, stored.rhesus_d_type) == ("O", "POSITIVE")
    assert stored.post_2h_glucose_level == 6.9

    medication = api.post(f"record/{record_id}/medication", SINGLETON_DATA["medication"][0]).json()
    assert medication["folate"] == {"takenBefore": True, "takenDuring": True}

    contact = api.post(f"record/{record_id}/pointsOfContact", SINGLETON_DATA["pointsOfContact"][0]).json()
    assert contact["generalPractitioner"]["organizationId"] == "998570328"
    assert contact["midwife"] == {
        "name": "Kari Jordmor",
        "organizationName": "Trondheim kommune",
        "hprNr": "9144889",
    }


def test_a_nested_group_left_out_comes_back_as_a_group_of_nulls(api, record_id):
    body = api.post(f"record/{record_id}/medication", {"drugAllergy": False}).json()
    assert body["folate"] == {"takenBefore": None, "takenDuring": None}
    assert body["drugAllergy"] is False


def test_a_nested_group_sent_as_null_is_a_group_of_nulls(api, record_id):
    response = api.post(
        f"record/{record_id}/currentPregnancy", {"assistedConception": None, "numberOfFetuses": 2}
    )
    assert response.status_code == 201, response.content
    assert response.json()["assistedConception"] == {
        "hadAssistedConception": None,
        "dateAssistedConception": None,
    }


@pytest.mark.parametrize("spelling", ["POSTIVE", "POSITIVE"])
def test_rhesus_positive_is_accepted_in_nhns_spelling_and_ours_and_sent_in_nhns(api, record_id, spelling):
    body = api.post(
        f"record/{record_id}/clinicalTests", {"aboRh": {"aboType": "AB", "rhesusDType": spelling}}
    )
    assert body.status_code == 201, body.content
    assert body.json()["aboRh"] == {"aboType": "AB", "rhesusDType": "POSTIVE"}
    assert ClinicalTests.objects.get(record_id=record_id).rhesus_d_type == "POSITIVE"


def test_bmi_keeps_nhns_casing(api, record_id):
    body = api.post(f"record/{record_id}/vitalMeasurementsBeforePregnancy", {"bMI": 22.9}).json()
    assert body["bMI"] == 22.9
    assert "bmi" not in body
    wrong_case = api.put(
        f"record/{record_id}/vitalMeasurementsBeforePregnancy", {"metadata": {"version": 1}, "bmi": 23.0}
    )
    assert outcome(wrong_case) == (400, "DHG-0012", "DHG-0012")
    assert wrong_case.json()["field"] == "bmi"


def test_a_coded_value_needs_only_its_code_and_comes_back_with_display_and_code_system(api, record_id):
    body = api.post(
        f"record/{record_id}/mother", {"language": {"code": "NO"}, "countryOfBirth": {"code": "SOM"}}
    ).json()
    assert body["language"] == {"code": "NO", "display": "Norsk", "codeSystem": "VOLVEN_3303"}
    assert body["countryOfBirth"] == {"code": "SOM", "display": "Somalia", "codeSystem": "VOLVEN_9043"}
    assert Mother.objects.get(record_id=record_id).language == "NO"


def test_a_coded_value_sent_back_whole_with_its_system_is_accepted(api, record_id):
    language = {"code": "EN", "display": "Engelsk", "codeSystem": "VOLVEN_3303"}
    response = api.post(f"record/{record_id}/mother", {"language": language})
    assert response.status_code == 201, response.content
    assert response.json()["language"] == language


def test_nested_coded_values_in_lists_are_filled_in(api, record_id):
    body = api.post(f"record/{record_id}/lifestyleFactors", SINGLETON_DATA["lifestyleFactors"][0]).json()
    stimulus = body["stimuli"][0]
    assert stimulus["stimuliType"] == {"code": "1", "display": "Tobakk (røyk)", "codeSystem": "VOLVEN_8536"}
    assert stimulus["stimuliFrequencyFirstConsultation"]["stimuliFrequency"]["display"] == "Daglig"
    assert stimulus["stimuliFrequencyAtWeek36"]["dailyCount"] == 0
    appointment = api.post(f"record/{record_id}/antenatalAppointments", APPOINTMENT).json()
    assert appointment["fetusesVitalSigns"][0]["fetalPresentationLie"] == {
        "code": "1",
        "display": "Hodeleie",
        "codeSystem": "VOLVEN_8534",
    }


@pytest.mark.parametrize("list_type", list(LIST_DATA))
def test_each_list_type_adds_updates_and_marks_items_entered_in_error(api, record_id, list_type):
    first, second = LIST_DATA[list_type]
    if list_type == "births":
        deliver(api, record_id, first["birthTime"])
    created = api.post(f"record/{record_id}/{list_type}", first)
    assert created.status_code == 201, created.content
    item = created.json()
    item_id = item["metadata"]["id"]
    assert item["metadata"]["version"] == 1
    assert item["metadata"]["enteredInError"] is False
    assert _contains(item, first)
    assert created["Location"] == f"/api/maternity-record/v1/record/{record_id}/{list_type}/{item_id}"

    updated = api.put(f"record/{record_id}/{list_type}/{item_id}", {"metadata": {"version": 1}, **second})
    assert updated.status_code == 200, updated.content
    assert updated.json()["metadata"]["version"] == 2
    assert _contains(updated.json(), second)

    deleted = api.delete(f"record/{record_id}/{list_type}/{item_id}")
    assert deleted.status_code == 200, deleted.content
    assert deleted.json()["metadata"]["version"] == 3
    assert deleted.json()["metadata"]["enteredInError"] is True

    model = RESOURCE_TYPES[list_type].model
    assert model.objects.get(pk=item_id).entered_in_error is True
    assert model.history.filter(id=item_id).count() == 3
    listed = api.get(f"record/{record_id}").json()[list_type]
    assert [(i["metadata"]["id"], i["metadata"]["enteredInError"]) for i in listed] == [(item_id, True)]
    actions = RecordEvent.objects.filter(resource_id=item_id).values_list("version", "action")
    assert list(actions) == [(1, "CREATED"), (2, "UPDATED"), (3, "ENTERED_IN_ERROR")]


def test_times_are_accepted_with_any_offset_and_sent_back_in_utc_like_nhns_examples(api, record_id):
    body = {"birthTime": "2025-10-15T03:12:00+02:00", "liveBirth": True}
    deliver(api, record_id, body["birthTime"])
    response = api.post(f"record/{record_id}/births", body)
    assert response.status_code == 201, response.content
    assert response.json()["birthTime"] == "2025-10-15T01:12:00Z"
    assert response.json()["metadata"]["lastUpdated"].endswith("Z")


def test_a_record_holds_many_appointments_in_date_order(api, record_id):
    for day in ["2025-06-20", "2025-04-11", "2025-05-16"]:
        assert (
            api.post(f"record/{record_id}/antenatalAppointments", {"appointmentDate": day}).status_code == 201
        )
    listed = api.get(f"record/{record_id}").json()["antenatalAppointments"]
    assert [item["appointmentDate"] for item in listed] == ["2025-04-11", "2025-05-16", "2025-06-20"]


def test_blood_pressure_is_also_kept_as_systolic_and_diastolic_columns(api, record_id):
    item_id = api.post(f"record/{record_id}/antenatalAppointments", APPOINTMENT).json()["metadata"]["id"]
    appointment = AntenatalAppointment.objects.get(pk=item_id)
    assert (appointment.systolic_derived, appointment.diastolic_derived) == (118, 76)


def test_updating_an_item_marked_entered_in_error_is_refused_with_dhg_0017(api, record_id, db_state):
    item_id = api.post(f"record/{record_id}/antenatalAppointments", APPOINTMENT).json()["metadata"]["id"]
    assert api.delete(f"record/{record_id}/antenatalAppointments/{item_id}").status_code == 200
    before = db_state()
    response = api.put(
        f"record/{record_id}/antenatalAppointments/{item_id}", {"metadata": {"version": 2}, **APPOINTMENT}
    )
    assert outcome(response) == (409, "DHG-0017", "DHG-0017")
    again = api.delete(f"record/{record_id}/antenatalAppointments/{item_id}")
    assert outcome(again) == (409, "DHG-0017", "DHG-0017")
    assert db_state() == before


def test_a_put_with_only_metadata_clears_the_resource_to_nulls_as_in_nhns_example(api, record_id):
    path = f"record/{record_id}/medicalConditions"
    assert api.post(path, SINGLETON_DATA["medicalConditions"][0]).status_code == 201
    assert api.put(path, {"metadata": {"version": 1}, "diabetes": True}).status_code == 200
    response = api.put(path, raw='{"metadata": {\n            "version": 2\n            }\n          }')
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["metadata"]["version"] == 3
    assert {key: value for key, value in body.items() if key != "metadata"} == dict.fromkeys(
        [
            "nothingParticular",
            "heartDisease",
            "highBloodPressure",
            "kidneyUrinaryTractDiseases",
            "diabetes",
            "allergiesAsthma",
            "epilepsy",
            "thrombosis",
            "autoimmuneDisease",
            "gynecologicalConditions",
            "mentalHealth",
            "other",
            "note",
        ]
    )
    assert api.get(f"record/{record_id}").json()["medicalConditions"] == body


def test_clearing_a_resource_with_lists_and_groups_leaves_empty_lists_and_null_groups(api, record_id):
    assert (
        api.post(f"record/{record_id}/lifestyleFactors", SINGLETON_DATA["lifestyleFactors"][0]).status_code
        == 201
    )
    cleared = api.put(f"record/{record_id}/lifestyleFactors", {"metadata": {"version": 1}}).json()
    assert (cleared["stimuli"], cleared["note"]) == ([], None)
    assert (
        api.post(f"record/{record_id}/clinicalTests", SINGLETON_DATA["clinicalTests"][0]).status_code == 201
    )
    tests = api.put(f"record/{record_id}/clinicalTests", {"metadata": {"version": 1}}).json()
    assert tests["aboRh"] == {"aboType": None, "rhesusDType": None}
    assert tests["glucoseTolerance"] == {
        "fastingGlucoseLevel": None,
        "post2hGlucoseLevel": None,
        "testDate": None,
    }


def test_the_metadata_example_of_spec_004_post_gives_version_1_and_put_version_2(api, record_id):
    created = api.post(f"record/{record_id}/mother", {"name": "Navn Navnesen"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["name"] == "Navn Navnesen"
    assert body["metadata"]["version"] == 1
    assert set(body["metadata"]) >= {"id", "version", "lastUpdated", "lastUpdatedBy"}
    updated = api.put(
        f"record/{record_id}/mother",
        {"metadata": {"version": 1}, "name": "Navn Navnesen", "address": "Street 1"},
    )
    assert updated.status_code == 200, updated.content
    body = updated.json()
    assert body["metadata"]["id"] == created.json()["metadata"]["id"]
    assert body["metadata"]["version"] == 2
    assert (body["name"], body["address"]) == ("Navn Navnesen", "Street 1")


def test_a_put_may_echo_back_the_whole_metadata_block_it_read(api, record_id):
    created = api.post(f"record/{record_id}/mother", {"name": "Navn Navnesen"}).json()
    response = api.put(f"record/{record_id}/mother", {**created, "address": "Street 1"})
    assert response.status_code == 200, response.content
    assert response.json()["metadata"]["version"] == 2


def test_a_stale_version_on_put_is_refused_with_dhg_0008_and_changes_nothing(api, record_id, db_state):
    path = f"record/{record_id}/mother"
    assert api.post(path, {"name": "Navn Navnesen"}).status_code == 201
    assert (
        api.put(path, {"metadata": {"version": 1}, "name": "Navn Navnesen", "address": "A"}).status_code
        == 200
    )
    before = db_state()
    response = api.put(path, {"metadata": {"version": 1}, "name": "Navn Navnesen", "address": "B"})
    assert outcome(response) == (409, "DHG-0008", "DHG-0008")
    assert "the current version is 2" in response.json()["errorMessage"]
    assert db_state() == before
    assert api.get(f"record/{record_id}").json()["mother"]["address"] == "A"


def test_a_future_version_on_put_is_refused_too(api, record_id, db_state):
    path = f"record/{record_id}/symphysisFundalHeights"
    item_id = api.post(path, LIST_DATA["symphysisFundalHeights"][0]).json()["metadata"]["id"]
    before = db_state()
    response = api.put(
        f"{path}/{item_id}", {"metadata": {"version": 2}, **LIST_DATA["symphysisFundalHeights"][1]}
    )
    assert outcome(response) == (409, "DHG-0008", "DHG-0008")
    assert db_state() == before


def test_a_second_post_of_a_singleton_is_refused_with_dhg_0009(api, record_id, db_state):
    assert api.post(f"record/{record_id}/mother", {"name": "Navn Navnesen"}).status_code == 201
    before = db_state()
    response = api.post(f"record/{record_id}/mother", {"name": "Someone Else"})
    assert outcome(response) == (409, "DHG-0009", "DHG-0009")
    assert "PUT" in response.json()["errorMessage"]
    assert db_state() == before
    assert api.get(f"record/{record_id}").json()["mother"]["name"] == "Navn Navnesen"


def test_putting_a_singleton_that_does_not_exist_yet_is_refused_with_dhg_0007(api, record_id, db_state):
    before = db_state()
    response = api.put(f"record/{record_id}/medication", {"metadata": {"version": 1}, "drugAllergy": True})
    assert outcome(response) == (404, "DHG-0007", "DHG-0007")
    assert db_state() == before


@pytest.mark.parametrize("item_id", ["5b6f0f8c-2c4e-4f43-9bb0-6a2b1f0f3a11", "not-a-uuid"])
def test_an_unknown_list_item_is_refused_with_dhg_0007(api, record_id, db_state, item_id):
    before = db_state()
    put = api.put(
        f"record/{record_id}/antenatalAppointments/{item_id}", {"metadata": {"version": 1}, **APPOINTMENT}
    )
    delete = api.delete(f"record/{record_id}/antenatalAppointments/{item_id}")
    assert outcome(put) == (404, "DHG-0007", "DHG-0007")
    assert outcome(delete) == (404, "DHG-0007", "DHG-0007")
    assert db_state() == before


def test_an_item_of_another_record_is_not_found_through_this_one(api, record_id, other_patient_api, db_state):
    other_id = other_patient_api.post("record").json()["metadata"]["recordId"]
    other_item = other_patient_api.post(f"record/{other_id}/antenatalAppointments", APPOINTMENT).json()
    before = db_state()
    response = api.delete(f"record/{record_id}/antenatalAppointments/{other_item['metadata']['id']}")
    assert outcome(response) == (404, "DHG-0007", "DHG-0007")
    assert db_state() == before


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_an_unknown_resource_type_in_the_url_is_refused_with_dhg_0007(api, record_id, db_state, method):
    before = db_state()
    response = getattr(api, method)(f"record/{record_id}/ultrasoundExaminations")
    assert outcome(response) == (404, "DHG-0007", "DHG-0007")
    assert "ultrasoundExaminations" in response.json()["errorMessage"]
    item = getattr(api, method)(
        f"record/{record_id}/ultrasoundExaminations/5b6f0f8c-2c4e-4f43-9bb0-6a2b1f0f3a11"
    )
    assert outcome(item) == (404, "DHG-0007", "DHG-0007")
    assert db_state() == before


def test_a_professional_may_not_write_the_birth_plan_dhg_0010(api, record_id, db_state):
    before = db_state()
    response = api.post(f"record/{record_id}/birthPlan", {"placeOfBirth": "Hjemme", "painRelief": "Lystgass"})
    assert outcome(response) == (403, "DHG-0010", "DHG-0010")
    assert "pregnant person" in response.json()["errorMessage"]
    assert db_state() == before


@pytest.mark.parametrize(
    "list_type, body",
    [
        ("careLocations", {}),
        ("careLocations", {"careLocation": {"orgNr": "998570328"}, "startTime": "2025-04-01T08:00:00Z"}),
        ("notes", {}),
        ("notes", {"kind": "CARE_PULLED", "text": "Tok over omsorgen"}),
    ],
)
def test_care_locations_and_notes_are_written_by_the_system_only_dhg_0010(
    api, record_id, db_state, list_type, body
):
    before = db_state()
    response = api.post(f"record/{record_id}/{list_type}", body)
    assert outcome(response) == (403, "DHG-0010", "DHG-0010")
    assert db_state() == before


def test_system_written_items_cannot_be_changed_or_deleted_either(api, record_id, db_state):
    episode_id = api.get(f"record/{record_id}").json()["careLocations"][0]["metadata"]["id"]
    before = db_state()
    put = api.put(f"record/{record_id}/careLocations/{episode_id}", {"metadata": {"version": 1}})
    delete = api.delete(f"record/{record_id}/careLocations/{episode_id}")
    assert outcome(put) == (403, "DHG-0010", "DHG-0010")
    assert outcome(delete) == (403, "DHG-0010", "DHG-0010")
    assert db_state() == before


def test_the_acting_user_and_source_system_are_on_the_resource_the_event_and_the_history_row(
    api, client_a, record_id
):
    response = api.post(
        f"record/{record_id}/mother",
        {"name": "Navn Navnesen"},
        X_Acting_User_Name="Ida Jordmor",
        X_Acting_User_Id="1234567",
        nhn_source_system="DIPS Arena 24.1",
        nhn_event_id="evt-42",
    )
    assert response.status_code == 201, response.content
    by = response.json()["metadata"]["lastUpdatedBy"]
    assert (by["name"], by["hprNr"], by["orgNr"], by["userType"], by["sourceSystem"]) == (
        "Ida Jordmor",
        "1234567",
        "974749025",
        "HEALTH_CARE_PROFESSIONAL",
        "DIPS Arena 24.1",
    )
    mother = Mother.objects.get(record_id=record_id)
    assert (mother.updated_by_name, mother.updated_by_hpr_nr, mother.updated_by_source_system) == (
        "Ida Jordmor",
        "1234567",
        "DIPS Arena 24.1",
    )
    event = RecordEvent.objects.get(resource_type="mother", resource_id=mother.pk)
    assert (event.actor_name, event.source_system, event.client_event_id, event.org_nr) == (
        "Ida Jordmor",
        "DIPS Arena 24.1",
        "evt-42",
        "974749025",
    )
    assert event.user == client_a.client.service_user
    row = mother.history.get()
    assert (row.updated_by_name, row.updated_by_hpr_nr, row.updated_by_source_system) == (
        "Ida Jordmor",
        "1234567",
        "DIPS Arena 24.1",
    )
    assert row.history_user == client_a.client.service_user
    assert row.history_change_reason == "CREATED"


@pytest.mark.parametrize(
    "sent",
    [
        "Åse Ødegård",  # as the Django test client passes text
        "Åse Ødegård".encode().decode("latin-1"),  # raw UTF-8 bytes, as a WSGI server hands them over
        "%C3%85se%20%C3%98deg%C3%A5rd",  # percent-encoded, for HTTP libraries that refuse non-ASCII
    ],
)
def test_the_acting_users_name_keeps_its_norwegian_letters(api, record_id, sent):
    response = api.post(f"record/{record_id}/medication", {"drugAllergy": False}, X_Acting_User_Name=sent)
    assert response.status_code == 201, response.content
    assert response.json()["metadata"]["lastUpdatedBy"]["name"] == "Åse Ødegård"
    assert RecordEvent.objects.get(resource_type="medication").actor_name == "Åse Ødegård"


def test_each_version_keeps_the_actor_who_made_it(api, record_id):
    path = f"record/{record_id}/medication"
    assert api.post(path, {"drugAllergy": False}, X_Acting_User_Name="Ida Jordmor").status_code == 201
    assert (
        api.put(
            path, {"metadata": {"version": 1}, "drugAllergy": True}, X_Acting_User_Name="Per Lege"
        ).status_code
        == 200
    )
    rows = RESOURCE_TYPES["medication"].model.history.order_by("version")
    assert [(row.version, row.updated_by_name, row.drug_allergy) for row in rows] == [
        (1, "Ida Jordmor", False),
        (2, "Per Lege", True),
    ]
    events = RecordEvent.objects.filter(resource_type="medication").order_by("sequence")
    assert [event.actor_name for event in events] == ["Ida Jordmor", "Per Lege"]


def test_the_agreed_edd_follows_lmp_then_ultrasound_then_the_corrected_date(api, record_id):
    path = f"record/{record_id}/currentPregnancy"
    lmp = date(2025, 1, 10)
    assert api.post(path, {"numberOfFetuses": 1}).status_code == 201
    assert Pregnancy.objects.get(pk=record_id).agreed_edd is None

    assert api.put(path, {"metadata": {"version": 1}, "dateLastPeriod": lmp.isoformat()}).status_code == 200
    assert Pregnancy.objects.get(pk=record_id).agreed_edd == lmp + timedelta(days=280)

    body = {"dateLastPeriod": lmp.isoformat(), "dueDateBasedOnUltrasound": "2025-10-24"}
    assert api.put(path, {"metadata": {"version": 2}, **body}).status_code == 200
    assert Pregnancy.objects.get(pk=record_id).agreed_edd == date(2025, 10, 24)

    body["dueDateCorrectedDate"] = "2025-10-21"
    assert api.put(path, {"metadata": {"version": 3}, **body}).status_code == 200
    assert Pregnancy.objects.get(pk=record_id).agreed_edd == date(2025, 10, 21)

    assert api.put(path, {"metadata": {"version": 4}}).status_code == 200
    assert Pregnancy.objects.get(pk=record_id).agreed_edd is None


def test_the_agreed_edd_is_set_when_the_record_is_created_with_a_current_pregnancy(api):
    response = api.post("record", {"currentPregnancy": {"dateLastPeriod": "2025-02-01"}})
    assert response.status_code == 201, response.content
    record = Pregnancy.objects.get(pk=response.json()["metadata"]["recordId"])
    assert record.agreed_edd == date(2025, 2, 1) + timedelta(days=280)
    created, edd = record.history.order_by("history_id")
    assert (created.history_change_reason, created.agreed_edd) == ("CREATED", None)
    assert (edd.history_change_reason, edd.agreed_edd) == (
        "agreed_edd from currentPregnancy v1",
        record.agreed_edd,
    )


def test_a_client_system_moving_the_agreed_edd_leaves_a_version_of_the_record_with_who_and_when(
    api, record_id, client_a
):
    lmp = date(2025, 1, 10)
    assert (
        api.post(f"record/{record_id}/currentPregnancy", {"dateLastPeriod": lmp.isoformat()}).status_code
        == 201
    )

    row = Pregnancy.history.filter(id=record_id).first()
    event = RecordEvent.objects.get(resource_type="currentPregnancy")
    assert row.agreed_edd == lmp + timedelta(days=280)
    assert row.history_user == client_a.client.service_user
    assert row.history_date == event.occurred_at
    assert row.history_change_reason == "agreed_edd from currentPregnancy v1"
    # Not a new version of the root (its version moves with its status only), so no event of its own.
    assert (row.version, row.updated_by_name) == (1, "Kari Jordmor")
    assert list(RecordEvent.objects.filter(resource_type="record").values_list("version", flat=True)) == [1]


def test_a_write_that_leaves_the_agreed_edd_as_it_was_adds_no_version_of_the_record(api, record_id):
    path = f"record/{record_id}/currentPregnancy"
    assert api.post(path, {"dateLastPeriod": "2025-01-10"}).status_code == 201
    versions = Pregnancy.history.filter(id=record_id).count()

    body = {"metadata": {"version": 1}, "dateLastPeriod": "2025-01-10", "numberOfFetuses": 1}
    assert api.put(path, body).status_code == 200

    assert Pregnancy.history.filter(id=record_id).count() == versions


def test_moving_the_agreed_edd_costs_one_query_more_than_a_write_that_leaves_it(api, record_id):
    """The root's history row is that one query: the agreed EDD itself is written with the revision."""
    path = f"record/{record_id}/currentPregnancy"
    assert api.post(path, {"dateLastPeriod": "2025-01-10"}).status_code == 201
    assert api.post(f"record/{record_id}/mother", {"name": "Kari"}).status_code == 201

    def queries(resource_type: str, body: dict) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api.put(f"record/{record_id}/{resource_type}", body).status_code == 200
        return len(captured)

    another_resource = queries("mother", {"metadata": {"version": 1}, "name": "Kari Nordmann"})
    edd_unchanged = queries("currentPregnancy", {"metadata": {"version": 1}, "dateLastPeriod": "2025-01-10"})
    edd_moved = queries("currentPregnancy", {"metadata": {"version": 2}, "dateLastPeriod": "2025-01-17"})

    assert edd_unchanged == another_resource
    assert edd_moved == another_resource + 1


def test_a_resource_write_moves_record_last_updated_but_not_the_record_version(api, record_id):
    before = api.get(f"record/{record_id}").json()["metadata"]
    assert api.post(f"record/{record_id}/geneticDisorders", {"noneKnown": True}).status_code == 201
    after = api.get(f"record/{record_id}").json()["metadata"]
    assert after["version"] == before["version"] == 1
    assert after["recordLastUpdated"] > before["recordLastUpdated"]
    assert after["lastUpdated"] == before["lastUpdated"]


def test_a_client_reads_and_writes_only_the_types_its_record_filter_allows(
    location_a, nin, record_id, db_state
):
    lab = spine_client_create(care_location=location_a, name="Lab system", record_filter=["clinicalTests"])
    api = RecordApi(fetch_token(lab.client_id, lab.client_secret), nin)
    document = api.get(f"record/{record_id}").json()
    assert set(document) == {"metadata", "clinicalTests"}
    assert api.post(f"record/{record_id}/clinicalTests", {"hemoglobin": 12.1}).status_code == 201
    before = db_state()
    response = api.post(f"record/{record_id}/medication", {"drugAllergy": True})
    assert outcome(response) == (403, "DHG-0010", "DHG-0010")
    assert "record filter" in response.json()["errorMessage"]
    assert db_state() == before
    history = api.get(f"history/{record_id}").json()["versions"]
    assert {v["resourceType"] for v in history} == {"record", "clinicalTests"}


def test_a_singleton_addressed_with_an_item_id_is_not_found_with_a_clear_message(api, record_id, db_state):
    assert api.post(f"record/{record_id}/mother", {"name": "Kari Nordmann"}).status_code == 201
    before = db_state()
    response = api.put(
        f"record/{record_id}/mother/5b6f0f8c-2c4e-4f43-9bb0-6a2b1f0f3a11", {"metadata": {"version": 1}}
    )
    assert outcome(response) == (404, "DHG-0007", "DHG-0007")
    assert "record/{recordId}/mother" in response.json()["errorMessage"]
    assert db_state() == before
