"""Bodies nested too deep, and control characters in the headers that name who acts: a 400 in the API's own
error shape (the record API's and /spine/v1's DHG body, the FHIR operations' OperationOutcome), never a 500,
and nothing stored. Every URL and input together: maternity/tests/test_hostile_input_everywhere.py."""

import json

import pytest
from django.test import Client

from conftest import API, FhirApi, fetch_token
from maternity.models import AccessLog, Mother
from spine.services.subscriptions import subscription_create

from .helpers import bundle, edd_observation, find_all_parameters, find_parameters, outcome, patient

DEEP = "[" * 1000 + "]" * 1000  # 2 KB: json.loads alone raises RecursionError on it
DEEP_OBJECTS = '{"note": ' * 1000 + "null" + "}" * 1000  # 9 KB
RECEIVER = "https://127.0.0.1:8443/hooks"


@pytest.fixture
def token(client_a) -> str:
    return fetch_token(client_a.client_id, client_a.client_secret)


@pytest.fixture
def appointment_id(api, record_id) -> str:
    response = api.post(f"record/{record_id}/antenatalAppointments", {"appointmentDate": "2025-04-11"})
    assert response.status_code == 201, response.content
    return response.json()["metadata"]["id"]


@pytest.fixture
def subscription_id(client_a) -> str:
    return str(subscription_create(client=client_a.client, url=RECEIVER).subscription.pk)


def record_api_writes(record_id: str, appointment_id: str) -> list[tuple[str, str]]:
    return [
        ("post", "record"),
        ("post", "record/"),
        ("post", f"record/{record_id}/medication"),
        ("put", f"record/{record_id}/mother"),
        ("post", f"record/{record_id}/antenatalAppointments"),
        ("put", f"record/{record_id}/antenatalAppointments/{appointment_id}"),
        ("post", f"record/{record_id}/updateStatus"),
    ]


# --- Bodies nested too deep -------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [DEEP, DEEP_OBJECTS])
def test_a_body_nested_too_deep_is_400_in_the_apis_own_shape(api, record_id, appointment_id, db_state, raw):
    before = db_state()
    for method, path in record_api_writes(record_id, appointment_id):
        response = getattr(api, method)(path, raw=raw)

        assert outcome(response) == (400, "DHG-0011", "DHG-0011"), (method, path, response.content)
        assert response.json()["errorMessage"] == (
            "The request body is nested deeper than 32 levels of arrays and objects: "
            "no request needs so many."
        )
        assert response.json()["eventId"]
    assert db_state() == before


@pytest.mark.parametrize("raw", [DEEP, DEEP_OBJECTS])
def test_a_fhir_body_nested_too_deep_is_an_operation_outcome_400(token, record_id, db_state, raw):
    before = db_state()
    for operation in [
        "Patient/$find-pregnancy",
        "Patient/$find-all-pregnancies",
        "Patient/$create-pregnancy",
        f"Patient/{record_id}/$update-pregnancy",
    ]:
        response = FhirApi(token).post(operation, raw=raw)

        assert response.status_code == 400, (operation, response.content)
        assert response["Content-Type"] == "application/fhir+json"
        assert response.json()["issue"] == [
            {
                "severity": "error",
                "code": "structure",
                "diagnostics": "The body is nested deeper than 32 levels of arrays and objects: "
                "no resource needs so many.",
            }
        ]
    assert db_state() == before


def test_plain_json_nested_too_deep_is_refused_by_the_fhir_operations_too(token):
    response = FhirApi(token).client.post(
        "/spine/fhir/Patient/$find-pregnancy",
        data=DEEP,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}", "X-Acting-User-Name": "Kari", "X-Acting-User-Id": "1"},
    )

    assert response.status_code == 400
    assert response.json()["issue"][0]["code"] == "structure"


@pytest.mark.parametrize("action", ["", "/pause", "/resume", "/redeliver"])
def test_a_subscription_body_nested_too_deep_is_400_in_the_spine_apis_shape(token, subscription_id, action):
    path = f"/spine/v1/subscriptions/{subscription_id}{action}" if action else "/spine/v1/subscriptions"

    response = Client().post(
        path, data=DEEP, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )

    assert outcome(response) == (400, "DHG-0011", "DHG-0011"), response.content
    assert "nested deeper than 32 levels" in response.json()["errorMessage"]


def test_the_depth_cap_is_the_one_setting(api, record_id, settings):
    settings.JSON_MAX_DEPTH = 2
    three_deep = {"fetusesVitalSigns": [{"fosterId": 1}], "appointmentDate": "2025-04-11"}

    refused = api.post(f"record/{record_id}/antenatalAppointments", three_deep)
    settings.JSON_MAX_DEPTH = 3
    accepted = api.post(f"record/{record_id}/antenatalAppointments", three_deep)

    assert outcome(refused) == (400, "DHG-0011", "DHG-0011")
    assert "deeper than 2 levels" in refused.json()["errorMessage"]
    assert accepted.status_code == 201, accepted.content


def test_a_fhir_bundle_as_deep_as_real_ones_is_still_read(token, nin):
    response = FhirApi(token).post(
        "Patient/$create-pregnancy",
        bundle(patient(nin, "1994-05-17", "Kari Nordmann"), edd_observation("2027-03-21")),
    )

    assert response.status_code == 201, response.content


def test_a_user_role_header_nested_too_deep_is_400_not_a_500(api, record_id):
    response = api.post(f"record/{record_id}/medication", {}, nhn_user_role="%5B" * 1000 + "%5D" * 1000)

    assert outcome(response) == (400, "DHG-0012", "DHG-0012")
    assert response.json()["field"] == "nhn-user-role"


# --- Control characters in headers ------------------------------------------------------------------------

CONTROLS = {
    "%00": "Kari%00Jordmor",
    "raw CR LF": "Kari\r\nX-Forged: yes",
    "%0D%0A": "Kari%0D%0AX-Forged: yes",
    "raw ESC": "Kari\x1b[31mJordmor",
    "%1B": "Kari%1B[31mJordmor",
    "raw tab": "Kari\tJordmor",
    "%7F (DEL)": "Kari%7FJordmor",
    "%C2%85 (C1 NEL, as UTF-8)": "Kari%C2%85Jordmor",
    "raw UTF-8 C1 NEL": "Kari\xc2\x85Jordmor",  # the bytes C2 85, as WSGI hands them over (latin-1)
}


@pytest.mark.parametrize("value", CONTROLS.values(), ids=CONTROLS.keys())
def test_a_control_character_in_the_acting_user_name_is_refused_naming_the_header(
    api, record_id, db_state, value
):
    before = db_state()

    response = api.post(f"record/{record_id}/mother", {"name": "Kari Nordmann"}, X_Acting_User_Name=value)

    assert outcome(response) == (400, "DHG-0012", "DHG-0012"), response.content
    assert response.json()["field"] == "X-Acting-User-Name"
    assert response.json()["errorMessage"] == (
        "X-Acting-User-Name must not contain control characters (such as NUL, tab, CR, LF or ESC), raw or "
        "percent-encoded."
    )
    assert db_state() == before


@pytest.mark.parametrize(
    "header",
    [
        "X-Acting-User-Id",
        "nhn-source-system",
        "nhn-event-id",
        "nhn-patient-nin",
        "nhn-user-role",
        "X-Patient-Birth-Date",
        "X-Pregnancy-EDD",
    ],
)
@pytest.mark.parametrize("control", ["\x00", "\x1b", "\r\n"], ids=["NUL", "ESC", "CR LF"])
def test_a_control_character_in_any_header_read_is_refused_naming_it(
    api, record_id, db_state, header, control
):
    before = db_state()
    value = {"X-Patient-Birth-Date": "1994-05-17", "X-Pregnancy-EDD": "2026-06-01"}.get(header, "abc")
    headers = {"X_Patient_Birth_Date": "1994-05-17", "X_Pregnancy_EDD": "2026-06-01"}
    headers[header.replace("-", "_")] = f"{value}{control}"

    writes = api.post(f"record/{record_id}/medication", {}, **headers)
    reads = api.get(f"record/{record_id}", **headers)

    for response in (writes, reads):
        assert outcome(response) == (400, "DHG-0012", "DHG-0012"), (header, response.content)
        assert response.json()["field"] == header
    assert db_state() == before


def test_the_percent_encoded_text_headers_are_checked_after_decoding(api, record_id):
    for header in ["nhn-source-system", "nhn-user-role"]:
        response = api.post(f"record/{record_id}/medication", {}, **{header.replace("-", "_"): "abc%1Bdef"})

        assert outcome(response) == (400, "DHG-0012", "DHG-0012")
        assert response.json()["field"] == header


def test_an_error_body_does_not_echo_an_event_id_holding_a_control_character(api, record_id):
    response = api.post(f"record/{record_id}/medication", {}, nhn_event_id="trace\x1b[2J")

    assert response.json()["field"] == "nhn-event-id"
    assert "\x1b" not in response.json()["eventId"]
    assert response.json()["eventId"]  # the server's own id for the request instead


def test_refused_control_characters_reach_neither_the_record_nor_its_history_nor_the_audit_trail(
    api, record_id
):
    for value in ["Kari\r\nForged", "Kari%0D%0AForged", "Kari\x1b[31m", "Kari%00"]:
        api.post(f"record/{record_id}/mother", {"name": "Kari Nordmann"}, X_Acting_User_Name=value)

    assert not Mother.objects.filter(record_id=record_id).exists()
    assert not Mother.history.filter(record_id=record_id).exists()
    entries = list(AccessLog.objects.filter(record_id=record_id).values_list("acting_user_name", "detail"))
    assert len(entries) == 4
    for name, detail in entries:
        assert not any(control in name + detail for control in ["\r", "\n", "\x1b", "\x00"]), (name, detail)


@pytest.mark.parametrize(
    "value", ["Åse Ødegård", "%C3%85se%20%C3%98deg%C3%A5rd"], ids=["raw UTF-8", "percent"]
)
def test_an_acting_user_with_letters_beyond_ascii_is_still_named_as_sent(api, record_id, value):
    raw = value.encode("utf-8").decode("latin-1")  # how WSGI hands raw UTF-8 header bytes over

    response = api.post(f"record/{record_id}/mother", {"name": "Kari Nordmann"}, X_Acting_User_Name=raw)

    assert response.status_code == 201, response.content
    assert response.json()["metadata"]["lastUpdatedBy"]["name"] == "Åse Ødegård"


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("X-Acting-User-Name", "Kari%00"),  # the name is free text, so it may come percent-encoded
        ("X-Acting-User-Name", "Kari\r\nForged"),
        ("X-Acting-User-Name", "Kari%1B[31m"),
        ("X-Acting-User-Id", "123\x00"),  # the id is taken as sent: "%00" in it is three characters
        ("X-Acting-User-Id", "123\r\nForged"),
        ("X-Acting-User-Id", "123\x1b[31m"),
    ],
)
def test_the_fhir_operations_refuse_control_characters_in_the_acting_user_headers(token, nin, header, value):
    response = FhirApi(token).post(
        "Patient/$find-all-pregnancies",
        find_all_parameters(nin, "1994-05-17"),
        **{header.replace("-", "_"): value},
    )

    assert response.status_code == 400, response.content
    issue = response.json()["issue"][0]
    assert issue["code"] == "invalid"
    assert issue["diagnostics"].startswith(f"{header} must not contain control characters")
    assert "expression" not in issue  # a header is no element of the body: FHIRPath cannot point at it


def test_a_fhir_find_with_a_control_character_in_the_acting_user_changes_nothing(
    token, nin, record, db_state
):
    before = db_state()

    response = FhirApi(token).post(
        "Patient/$find-pregnancy",
        find_parameters(nin, "1994-05-17", record.agreed_edd),
        X_Acting_User_Name="K%00",
    )

    assert response.status_code == 400
    assert db_state() == before


def test_a_record_api_error_is_json_even_when_a_header_holds_nothing_but_controls(api):
    response = api.get("status", nhn_source_system="\x1b\x1b\x1b")

    assert outcome(response) == (400, "DHG-0012", "DHG-0012")
    assert json.loads(response.content)["field"] == "nhn-source-system"
    assert response.request["PATH_INFO"] == f"{API}/status"
