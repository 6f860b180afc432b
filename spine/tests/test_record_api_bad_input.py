"""Bad input of every kind gets a clear 4xx with the NHN error body, never a 500, and changes nothing."""

import hashlib
import json

import pytest
from django.test import Client
from oauth2_provider.models import AccessToken

from conftest import API
from maternity.models import AccessLog

from .helpers import outcome

APPOINTMENT = {"appointmentDate": "2025-04-11", "pregnancyWeek": 13, "bloodPressure": "118/76"}
UNKNOWN_RECORD = "7d0c4f4e-52d4-4a25-9a33-0f2f0b7f3b7e"


@pytest.fixture
def mother(api, record_id):
    """The record has a mother resource at version 1."""
    response = api.post(f"record/{record_id}/mother", {"name": "Kari Nordmann"})
    assert response.status_code == 201, response.content
    return response.json()


def _writes(record_id: str) -> list[tuple[str, str]]:
    """(method, path) of a write on each kind of endpoint."""
    return [
        ("post", "record"),
        ("post", f"record/{record_id}/medication"),
        ("put", f"record/{record_id}/mother"),
        ("post", f"record/{record_id}/antenatalAppointments"),
        ("post", f"record/{record_id}/updateStatus"),
    ]


# --- DHG-0011: the body cannot be read --------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        '{"name": "Kari",}',
        '{"name": "Kari"',
        "name=Kari",
        '{"motherWeight": NaN}',
        b"\xff\xfe{}",
    ],
)
def test_a_body_that_is_not_json_is_refused_with_dhg_0011_and_changes_nothing(
    api, record_id, mother, db_state, raw
):
    before = db_state()
    for method, path in _writes(record_id):
        response = getattr(api, method)(path, raw=raw)
        assert outcome(response) == (400, "DHG-0011", "DHG-0011"), (method, path, response.content)
        assert response.json()["eventId"]
    assert db_state() == before


@pytest.mark.parametrize("raw", ["[]", '[{"name": "Kari"}]', '"Kari"', "42", "null", "true"])
def test_a_body_that_is_json_but_not_an_object_is_a_clear_400(api, record_id, mother, db_state, raw):
    before = db_state()
    for method, path in _writes(record_id):
        response = getattr(api, method)(path, raw=raw)
        status, code, header = outcome(response)
        assert status == 400, (method, path, response.content)
        assert code in ("DHG-0011", "DHG-0012")
        assert header == code
        assert "object" in response.json()["errorMessage"].lower()
    assert db_state() == before


def test_a_body_sent_as_something_other_than_json_is_refused(api, record_id, db_state):
    before = db_state()
    response = api.client.post(
        f"{API}/record/{record_id}/medication",
        data="drugAllergy=true",
        content_type="text/plain",
        headers=api.headers(),
    )
    assert response.status_code == 415
    assert response.json()["errorCode"] == response["nhn-error-code"] == "DHG-0011"
    assert db_state() == before


def test_an_oversized_body_is_refused_with_413_and_changes_nothing(
    api, record_id, mother, db_state, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_000
    note = "x" * 3_000
    before = db_state()
    for response in [
        api.post("record", {"medication": {"note": note}}),
        api.post(f"record/{record_id}/medication", {"note": note}),
        api.put(f"record/{record_id}/mother", {"metadata": {"version": 1}, "cohabitingCoparentNote": note}),
        api.post(
            f"record/{record_id}/antenatalAppointments", {"appointmentDate": "2025-04-11", "note": note}
        ),
    ]:
        assert outcome(response) == (413, "DHG-0011", "DHG-0011"), response.content
        assert "too large" in response.json()["errorMessage"]
    assert db_state() == before


def test_a_body_under_the_size_limit_is_accepted(api, record_id, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_000
    response = api.post(f"record/{record_id}/medication", {"note": "x" * 1_500})
    assert response.status_code == 201, response.content


# --- DHG-0012: the body or a header breaks a rule ---------------------------------------------------------


@pytest.mark.parametrize(
    "body, field",
    [
        ({**APPOINTMENT, "pregnancyWeek": "ten"}, "pregnancyWeek"),
        ({"pregnancyWeek": 13}, "appointmentDate"),
        ({**APPOINTMENT, "appointmentDate": None}, "appointmentDate"),
        ({**APPOINTMENT, "appointmentDate": "11.04.2025"}, "appointmentDate"),
        ({**APPOINTMENT, "appointmentDate": "2025-02-30"}, "appointmentDate"),
        ({**APPOINTMENT, "daysAfterFullPregnancyWeek": 7}, "daysAfterFullPregnancyWeek"),
        ({**APPOINTMENT, "daysAfterFullPregnancyWeek": -1}, "daysAfterFullPregnancyWeek"),
        ({**APPOINTMENT, "pregnancyWeek": 0}, "pregnancyWeek"),
        ({**APPOINTMENT, "bloodPressure": "120-80"}, "bloodPressure"),
        ({**APPOINTMENT, "bloodPressure": "120/80/60"}, "bloodPressure"),
        ({**APPOINTMENT, "proteinInUrineTestResult": "4+"}, "proteinInUrineTestResult"),
        ({**APPOINTMENT, "edema": 4}, "edema"),
        ({**APPOINTMENT, "motherWeight": "heavy"}, "motherWeight"),
        ({**APPOINTMENT, "medication": "maybe"}, "medication"),
        ({**APPOINTMENT, "weight": 70}, "weight"),
        ({**APPOINTMENT, "fetusesVitalSigns": {"fosterId": 1}}, "fetusesVitalSigns"),
        (
            {**APPOINTMENT, "fetusesVitalSigns": [{"fosterId": 1, "heartRate": 140}]},
            "fetusesVitalSigns[0].heartRate",
        ),
        ({**APPOINTMENT, "fetusesVitalSigns": [{"fetalHeartRate": 140}]}, "fetusesVitalSigns[0].fosterId"),
        (
            {**APPOINTMENT, "fetusesVitalSigns": [{"fosterId": 1, "fetalHeartRate": 400}]},
            "fetusesVitalSigns[0].fetalHeartRate",
        ),
        ({**APPOINTMENT, "note": "bad\u0000byte"}, "note"),
        (
            {**APPOINTMENT, "fetusesVitalSigns": [{"fosterId": 1, "note": "bad\u0000byte"}]},
            "fetusesVitalSigns[0].note",
        ),
    ],
)
def test_an_invalid_appointment_is_refused_with_dhg_0012_naming_the_field(
    api, record_id, db_state, body, field
):
    before = db_state()
    response = api.post(f"record/{record_id}/antenatalAppointments", body)
    assert outcome(response) == (400, "DHG-0012", "DHG-0012")
    assert response.json()["field"] == field
    assert db_state() == before


@pytest.mark.parametrize(
    "resource_type, body, field",
    [
        (
            "currentPregnancy",
            {"assistedConception": {"hadAssistedConception": True, "when": "2025-01-01"}},
            "assistedConception.when",
        ),
        ("currentPregnancy", {"assistedConception": "yes"}, "assistedConception"),
        ("currentPregnancy", {"assistedConception": False}, "assistedConception"),
        ("medication", {"folate": ""}, "folate"),
        ("currentPregnancy", {"hadAssistedConception": True}, "hadAssistedConception"),
        (
            "currentPregnancy",
            {"assistedConception": {"dateAssistedConception": "soon"}},
            "assistedConception.dateAssistedConception",
        ),
        ("currentPregnancy", {"numberOfFetuses": 1.5}, "numberOfFetuses"),
        ("clinicalTests", {"aboRh": {"aboType": "C"}}, "aboRh.aboType"),
        ("clinicalTests", {"aboRh": {"rhesusDType": "POS"}}, "aboRh.rhesusDType"),
        ("clinicalTests", {"glucoseTolerance": {"fastingGlucose": 5.0}}, "glucoseTolerance.fastingGlucose"),
        ("clinicalTests", {"hemoglobin": "12,5"}, "hemoglobin"),
        ("medication", {"folate": {"takenBefore": True, "takenAfter": True}}, "folate.takenAfter"),
        ("medication", {"folate": [True, False]}, "folate"),
        (
            "pointsOfContact",
            {"generalPractitioner": {"name": "Dr Lege", "phone": "123"}},
            "generalPractitioner.phone",
        ),
        ("pointsOfContact", {"midwife": {"organizationId": "123"}}, "midwife.organizationId"),
        ("vitalMeasurementsBeforePregnancy", {"BMI": 22.0}, "BMI"),
        ("lifestyleFactors", {"stimuli": [{"stimuliFrequencyAtWeek36": None}]}, "stimuli[0].stimuliType"),
        ("lifestyleFactors", {"stimuli": [{"stimuliType": {"code": "1"}, "amount": 3}]}, "stimuli[0].amount"),
        ("lifestyleFactors", {"stimuli": "smoker"}, "stimuli"),
        ("mother", {"name": "x" * 201}, "name"),
        ("mother", {"language": "NO"}, "language"),
        ("mother", {"language": {"display": "Norsk"}}, "language"),
        ("mother", {"language": {"code": "NO", "version": "1"}}, "language"),
        ("mother", {"employmentPercentage": 120}, "employmentPercentage"),
        ("mother", {"metadata": {"version": 1}, "id": "x"}, "id"),
    ],
)
def test_an_invalid_singleton_is_refused_with_dhg_0012_naming_the_field(
    api, record_id, db_state, resource_type, body, field
):
    before = db_state()
    response = api.post(f"record/{record_id}/{resource_type}", body)
    assert outcome(response) == (400, "DHG-0012", "DHG-0012")
    assert response.json()["field"] == field
    assert field.split(".")[-1].split("[")[0] in response.json()["errorMessage"]
    assert db_state() == before


@pytest.mark.parametrize(
    "body",
    [
        {"name": "Kari Nordmann"},
        {"metadata": None, "name": "Kari Nordmann"},
        {"metadata": {}, "name": "Kari Nordmann"},
        {"metadata": {"version": "1"}, "name": "Kari Nordmann"},
        {"metadata": {"version": 0}, "name": "Kari Nordmann"},
        {"metadata": {"version": True}, "name": "Kari Nordmann"},
        {"metadata": 1, "name": "Kari Nordmann"},
    ],
)
def test_a_put_without_a_proper_metadata_version_is_refused_with_dhg_0012(
    api, record_id, mother, db_state, body
):
    before = db_state()
    response = api.put(f"record/{record_id}/mother", body)
    assert outcome(response) == (400, "DHG-0012", "DHG-0012")
    assert response.json()["field"] == "metadata.version"
    assert "version" in response.json()["errorMessage"]
    assert db_state() == before


def test_a_put_of_a_list_item_without_a_version_is_refused_too(api, record_id, db_state):
    item = api.post(f"record/{record_id}/antenatalAppointments", APPOINTMENT).json()
    before = db_state()
    response = api.put(f"record/{record_id}/antenatalAppointments/{item['metadata']['id']}", APPOINTMENT)
    assert outcome(response) == (400, "DHG-0012", "DHG-0012")
    assert db_state() == before


@pytest.mark.parametrize(
    "list_type", ["antenatalAppointments", "symphysisFundalHeights", "births", "careLocations", "notes"]
)
def test_list_types_are_refused_in_the_create_record_body(api, db_state, list_type):
    before = db_state()
    response = api.post("record", {"mother": {"name": "Kari Nordmann"}, list_type: [APPOINTMENT]})
    assert outcome(response) == (400, "DHG-0012", "DHG-0012")
    assert response.json()["field"] == list_type
    assert db_state() == before


def test_a_professional_may_not_send_the_birth_plan_in_the_create_record_body(api, db_state):
    before = db_state()
    response = api.post(
        "record", {"mother": {"name": "Kari Nordmann"}, "birthPlan": {"placeOfBirth": "Hjemme"}}
    )
    assert outcome(response) == (403, "DHG-0010", "DHG-0010")
    assert "pregnant person" in response.json()["errorMessage"]
    assert db_state() == before


def test_an_invalid_resource_in_the_create_body_names_the_resource_and_field(api, db_state):
    before = db_state()
    response = api.post("record", {"mother": {"name": "Kari", "shoeSize": 38}})
    assert outcome(response) == (400, "DHG-0012", "DHG-0012")
    assert response.json()["field"] == "mother.shoeSize"
    assert db_state() == before


@pytest.mark.parametrize("value", [None, "", "  ", "ab", "x" * 513])
def test_the_source_system_header_is_required_with_3_to_512_characters(api, record_id, db_state, value):
    before = db_state()
    for response in [
        api.get(f"record/{record_id}", nhn_source_system=value),
        api.get("status", nhn_source_system=value),
        api.post(f"record/{record_id}/medication", {"drugAllergy": True}, nhn_source_system=value),
        api.post("record", nhn_source_system=value),
    ]:
        assert outcome(response) == (400, "DHG-0012", "DHG-0012")
        assert response.json()["field"] == "nhn-source-system"
    assert db_state() == before


def test_a_source_system_of_3_and_of_512_characters_is_accepted(api, record_id):
    assert api.get(f"record/{record_id}", nhn_source_system="EPJ").status_code == 200
    assert api.get(f"record/{record_id}", nhn_source_system="x" * 512).status_code == 200


@pytest.mark.parametrize("missing", ["X-Acting-User-Name", "X-Acting-User-Id"])
def test_writes_must_name_the_acting_user(api, record_id, mother, db_state, missing):
    before = db_state()
    header = {missing.replace("-", "_"): None}
    for response in [
        api.post("record", **header),
        api.post(f"record/{record_id}/medication", {"drugAllergy": True}, **header),
        api.put(f"record/{record_id}/mother", {"metadata": {"version": 1}, "name": "X"}, **header),
        api.post(f"record/{record_id}/antenatalAppointments", APPOINTMENT, **header),
        api.post(
            f"record/{record_id}/updateStatus",
            {"version": 1, "recordStatus": {"status": "ENTERED_IN_ERROR"}},
            **header,
        ),
    ]:
        assert outcome(response) == (400, "DHG-0012", "DHG-0012")
        assert response.json()["field"] == missing
    assert db_state() == before


def test_reads_do_not_need_the_acting_user(api, record_id):
    headers = {"X_Acting_User_Name": None, "X_Acting_User_Id": None}
    assert api.get(f"record/{record_id}", **headers).status_code == 200
    assert api.get("status", **headers).status_code == 200
    assert api.get("history", **headers).status_code == 200
    assert api.get(f"history/{record_id}", **headers).status_code == 200


def test_an_event_id_longer_than_128_characters_is_refused(api, record_id, db_state):
    before = db_state()
    response = api.post(f"record/{record_id}/medication", {"drugAllergy": True}, nhn_event_id="e" * 129)
    assert outcome(response) == (400, "DHG-0012", "DHG-0012")
    assert response.json()["field"] == "nhn-event-id"
    assert db_state() == before


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_event_id_over_128_characters_is_not_echoed_but_the_servers_own_id_is(api, record_id, method):
    sent = "e" * 128 + "f"
    if method == "get":
        response = api.get(f"record/{record_id}", nhn_event_id=sent)
    else:
        response = api.post(f"record/{record_id}/medication", {"drugAllergy": True}, nhn_event_id=sent)

    assert outcome(response) == (400, "DHG-0012", "DHG-0012")
    event_id = response.json()["eventId"]
    assert "e" * 20 not in event_id  # neither the whole id nor its first 128 characters
    entry = AccessLog.objects.get(record_id=record_id, status_code=400)
    assert event_id == entry.request_id  # the server's id for the request, as its audit entry has it


def test_an_event_id_of_exactly_128_characters_is_still_echoed_in_an_error(api, record_id):
    sent = "e" * 128

    response = api.get(f"record/{UNKNOWN_RECORD}", nhn_event_id=sent)

    assert outcome(response) == (404, "DHG-0015", "DHG-0015")
    assert response.json()["eventId"] == sent


@pytest.mark.parametrize("role", ["JO", "%7B%22code%22%3A%20%22%22%7D", "%7Bnot-json", "%5B%22JO%22%5D"])
def test_a_malformed_user_role_header_is_refused(api, record_id, db_state, role):
    before = db_state()
    response = api.post(f"record/{record_id}/medication", {"drugAllergy": True}, nhn_user_role=role)
    assert outcome(response) == (400, "DHG-0012", "DHG-0012")
    assert response.json()["field"] == "nhn-user-role"
    assert db_state() == before


# --- DHG-0013: the national ID ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad_nin",
    [
        "17059400000",  # right length, wrong check digits
        "1705940000",  # ten digits: an NHS number with a wrong check digit
        "170594000",  # too short
        "170594000001",  # too long
        "1705940000x",
    ],
)
def test_an_invalid_national_id_is_refused_with_dhg_0013(api, record_id, db_state, bad_nin):
    before = db_state()
    for response in [
        api.get("status", nhn_patient_nin=bad_nin),
        api.get("history", nhn_patient_nin=bad_nin),
        api.get(f"record/{record_id}", nhn_patient_nin=bad_nin),
        api.post("record", nhn_patient_nin=bad_nin),
        api.post(f"record/{record_id}/medication", {"drugAllergy": True}, nhn_patient_nin=bad_nin),
    ]:
        assert outcome(response) == (400, "DHG-0013", "DHG-0013")
        assert response.json()["field"] == "nhn-patient-nin"
    assert db_state() == before


def test_a_national_id_with_a_wrong_check_digit_is_refused_even_by_one_digit(api, db_state):
    valid = api.nin
    wrong = valid[:-1] + str((int(valid[-1]) + 1) % 10)
    before = db_state()
    response = api.post("record", nhn_patient_nin=wrong)
    assert outcome(response) == (400, "DHG-0013", "DHG-0013")
    assert db_state() == before


def test_the_national_id_header_is_required(api, record_id):
    response = api.get(f"record/{record_id}", nhn_patient_nin=None)
    assert outcome(response) == (400, "DHG-0012", "DHG-0012")
    assert response.json()["field"] == "nhn-patient-nin"


# --- DHG-0016: coded values -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "resource_type, body, field",
    [
        ("mother", {"language": {"code": "XX"}}, "language"),
        ("mother", {"language": {"code": "no"}}, "language"),
        ("mother", {"countryOfBirth": {"code": "NO"}}, "countryOfBirth"),
        ("mother", {"language": {"code": "NO", "codeSystem": "VOLVEN_9043"}}, "language"),
        (
            "mother",
            {"language": {"code": "NO", "codeSystem": "urn:oid:2.16.578.1.12.4.1.1.3303"}},
            "language",
        ),
        ("lifestyleFactors", {"stimuli": [{"stimuliType": {"code": "9"}}]}, "stimuli[0].stimuliType"),
        (
            "lifestyleFactors",
            {
                "stimuli": [
                    {
                        "stimuliType": {"code": "1"},
                        "stimuliFrequencyAtWeek36": {"stimuliFrequency": {"code": "7"}},
                    }
                ]
            },
            "stimuli[0].stimuliFrequencyAtWeek36.stimuliFrequency",
        ),
    ],
)
def test_an_unknown_code_or_code_system_is_refused_with_dhg_0016(
    api, record_id, db_state, resource_type, body, field
):
    before = db_state()
    response = api.post(f"record/{record_id}/{resource_type}", body)
    assert outcome(response) == (400, "DHG-0016", "DHG-0016")
    assert response.json()["field"] == field
    assert db_state() == before


def test_an_unknown_code_in_an_appointments_fetus_is_refused_with_dhg_0016(api, record_id, db_state):
    before = db_state()
    body = {**APPOINTMENT, "fetusesVitalSigns": [{"fosterId": 1, "fetalPresentationLie": {"code": "77"}}]}
    response = api.post(f"record/{record_id}/antenatalAppointments", body)
    assert outcome(response) == (400, "DHG-0016", "DHG-0016")
    assert response.json()["field"] == "fetusesVitalSigns[0].fetalPresentationLie"
    assert db_state() == before


def test_an_unknown_code_in_the_create_body_creates_nothing(api, db_state):
    before = db_state()
    response = api.post("record", {"mother": {"name": "Kari", "language": {"code": "XX"}}})
    assert outcome(response) == (400, "DHG-0016", "DHG-0016")
    assert response.json()["field"] == "mother.language"
    assert db_state() == before


# --- 401: tokens ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization", [None, "Bearer", "Bearer not-a-token", "Basic a2FyaTpoZW1tZWxpZw=="]
)
def test_a_missing_or_bad_token_gets_401_on_every_endpoint(api, record_id, db_state, authorization):
    before = db_state()
    for method, path in [
        ("get", "status"),
        ("get", "history"),
        ("get", f"history/{record_id}"),
        ("get", f"record/{record_id}"),
        *_writes(record_id),
        ("delete", f"record/{record_id}/antenatalAppointments/{UNKNOWN_RECORD}"),
        ("put", f"record/{record_id}/nonsense"),
    ]:
        response = getattr(api, method)(path, Authorization=authorization)
        assert outcome(response) == (401, "DHG-0005", "DHG-0005"), (method, path, response.content)
        assert response["WWW-Authenticate"].startswith("Bearer")
    assert db_state() == before


def test_an_expired_token_gets_401(api, record_id):
    checksum = hashlib.sha256(api.token.encode()).hexdigest()
    assert AccessToken.objects.filter(token_checksum=checksum).update(expires="2000-01-01T00:00:00Z") == 1
    response = api.get(f"record/{record_id}")
    assert outcome(response) == (401, "DHG-0005", "DHG-0005")
    assert "expired" in response.json()["errorMessage"]


# --- 405, 404 for paths, the error body -------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, path",
    [
        ("delete", "status"),
        ("post", "status"),
        ("post", "history"),
        ("get", "record"),
        ("put", "record/{id}"),
        ("delete", "record/{id}"),
        ("post", "record/{id}"),
        ("get", "record/{id}/updateStatus"),
        ("get", "record/{id}/mother"),
        ("delete", "record/{id}/mother"),
        ("put", "record/{id}/antenatalAppointments"),
        ("get", "record/{id}/antenatalAppointments"),
        ("post", f"record/{{id}}/antenatalAppointments/{UNKNOWN_RECORD}"),
        ("patch", "record/{id}/mother"),
    ],
)
def test_a_wrong_method_gets_405_with_the_error_body(api, record_id, db_state, method, path):
    before = db_state()
    url = f"{API}/{path.format(id=record_id)}"
    if method == "get":
        response = api.client.get(url, headers=api.headers())
    else:
        response = getattr(api.client, method)(
            url, data="{}", content_type="application/json", headers=api.headers()
        )
    assert outcome(response) == (405, "DHG-0012", "DHG-0012"), response.content
    assert method.upper() not in response["Allow"]
    assert db_state() == before


@pytest.mark.parametrize(
    "path",
    ["records", "record/{id}/mother/extra/parts", "v2/status", "statusx", "", "history/{id}/more"],
)
def test_an_unknown_path_under_the_api_gets_a_json_404(api, record_id, path):
    for client_headers in [api.headers(), {}]:
        response = Client().get(f"{API}/{path.format(id=record_id)}", headers=client_headers)
        assert outcome(response) == (404, "DHG-0007", "DHG-0007")
        assert response["Content-Type"] == "application/json"
        assert "No such endpoint" in response.json()["errorMessage"]


def test_error_bodies_echo_the_event_id_or_give_the_servers_own(api, record_id):
    echoed = api.get(f"record/{UNKNOWN_RECORD}", nhn_event_id="trace-77")
    assert echoed.json()["eventId"] == "trace-77"
    assert set(echoed.json()) == {"errorCode", "errorMessage", "eventId"}
    own = api.get(f"record/{UNKNOWN_RECORD}")
    assert own.json()["eventId"]
    other = api.get(f"record/{UNKNOWN_RECORD}")
    assert other.json()["eventId"] != own.json()["eventId"]


def test_error_bodies_are_json_with_a_message_that_says_what_is_wrong(api, record_id):
    response = api.post(
        f"record/{record_id}/antenatalAppointments", {"appointmentDate": "2025-04-11", "edema": 9}
    )
    body = response.json()
    assert response["Content-Type"] == "application/json"
    assert body["field"] == "edema"
    assert "3" in body["errorMessage"]
    assert json.loads(response.content) == body
