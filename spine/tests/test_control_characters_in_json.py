"""Text sent as JSON may hold tabs and line breaks and no other control character: ESC, BEL, backspace, form
feed, NUL, DEL or a C1 control in any string, value or key, is refused with a 400 that names where it is,
in the API's own shape, and changes nothing. Norwegian letters and backslashes, escaped or not, are text."""

import json

import pytest
from django.test import Client

from conftest import FhirApi, fetch_token, new_nin
from maternity.models import AccessLog, AntenatalAppointment, Mother

from .helpers import bundle, edd_observation, outcome, patient

CONTROLS = {
    "ESC": "\x1b",
    "BEL": "\x07",
    "backspace": "\b",
    "vertical tab": "\x0b",
    "form feed": "\f",
    "NUL": "\x00",
    "DEL": "\x7f",
    "NEL (C1)": "\x85",
}
MESSAGE = "Text may hold tabs and line breaks but no other control character: remove it and send again."


def refused_naming(response, field: str) -> str:
    assert outcome(response) == (400, "DHG-0012", "DHG-0012"), response.content
    body = response.json()
    assert body["field"] == field
    return body["errorMessage"]


@pytest.mark.parametrize("control", CONTROLS.values(), ids=CONTROLS.keys())
def test_a_control_character_in_a_text_value_is_refused_naming_the_field(api, record_id, db_state, control):
    before = db_state()

    response = api.post(
        f"record/{record_id}/antenatalAppointments",
        {"appointmentDate": "2025-04-11", "note": f"Seen today{control}[31m"},
    )

    message = refused_naming(response, "note")
    assert message.startswith(f"note: This text holds the control character U+{ord(control):04X} (")
    assert message.endswith(MESSAGE)
    assert db_state() == before


def test_the_walkthroughs_esc_in_a_name_is_refused_and_the_record_keeps_its_version(api, record_id):
    created = api.post(f"record/{record_id}/mother", {"name": "Kari Nordmann"})
    assert created.status_code == 201

    response = api.put(
        f"record/{record_id}/mother", {"name": "Kari \u001b[2JNordmann", "metadata": {"version": 1}}
    )

    message = refused_naming(response, "name")
    assert "U+001B (ESC)" in message
    mother = Mother.objects.get(record_id=record_id)
    assert (mother.version, mother.name) == (1, "Kari Nordmann")
    entry = AccessLog.objects.order_by("-id").first()
    assert (entry.status_code, entry.outcome) == (400, "REJECTED")
    assert "\x1b" not in entry.detail


def test_a_control_character_deep_in_a_list_is_named_by_its_path(api, record_id, db_state):
    before = db_state()
    body = {
        "appointmentDate": "2025-04-11",
        "fetusesVitalSigns": [{"fosterId": 1}, {"fosterId": 2, "note": "Twin 2\x07"}],
    }

    response = api.post(f"record/{record_id}/antenatalAppointments", body)

    assert refused_naming(response, "fetusesVitalSigns[1].note").startswith("fetusesVitalSigns[1].note: ")
    assert db_state() == before


def test_a_control_character_in_a_key_is_refused_and_the_key_shown_without_it(api, record_id, db_state):
    before = db_state()

    response = api.post(f"record/{record_id}/mother", {"midwife": {"na\x1bme": "Kari"}})

    message = refused_naming(response, "midwife.na%1Bme")
    assert "This key holds the control character U+001B (ESC)" in message
    assert db_state() == before


def test_a_control_character_on_creating_a_record_creates_nothing(api, db_state):
    before = db_state()

    response = api.post("record", {"mother": {"name": "Kari\x1b"}})

    assert refused_naming(response, "mother.name")
    assert db_state() == before


@pytest.mark.parametrize(
    "text",
    ["Line one\nline two", "Line one\r\nline two", "Column\tcolumn", "Åse Ødegård, 2 × 3 ≥ 5 — ok"],
    ids=["LF", "CR LF", "tab", "letters beyond ASCII"],
)
def test_tabs_line_breaks_and_letters_are_text_and_kept_as_sent(api, record_id, text):
    for raw in (
        json.dumps({"appointmentDate": "2025-04-11", "note": text}),  # escaped: \u00c5, \n
        json.dumps({"appointmentDate": "2025-04-11", "note": text}, ensure_ascii=False),
    ):
        response = api.post(f"record/{record_id}/antenatalAppointments", raw=raw.encode("utf-8"))

        assert response.status_code == 201, response.content
        stored = AntenatalAppointment.objects.get(pk=response.json()["metadata"]["id"])
        assert stored.note == text


def test_a_backslash_before_b_f_or_u_is_text_not_a_control(api, record_id):
    text = r"C:\bin\form\u001b"  # what \\b, \\f and \\u001b in JSON are: backslashes and letters

    response = api.post(
        f"record/{record_id}/antenatalAppointments", {"appointmentDate": "2025-04-11", "note": text}
    )

    assert response.status_code == 201, response.content
    assert AntenatalAppointment.objects.get(pk=response.json()["metadata"]["id"]).note == text


def test_the_fhir_operations_answer_an_operation_outcome_naming_the_path(client_a, db_state):
    before = db_state()
    token = fetch_token(client_a.client_id, client_a.client_secret)
    body = bundle(patient(new_nin(), "1994-05-17", name="Kari\x1bNordmann"), edd_observation("2027-03-01"))

    response = FhirApi(token).post("Patient/$create-pregnancy", body)

    assert response.status_code == 400, response.content
    issue = response.json()["issue"][0]
    assert issue["code"] == "invalid"
    assert issue["expression"] == ["Bundle.entry[0].resource.name[0].text"]  # FHIRPath, from the Bundle
    assert "U+001B (ESC)" in issue["diagnostics"]
    assert db_state() == before


def test_a_control_character_in_a_fhir_key_points_at_the_element_holding_the_key(client_a):
    token = fetch_token(client_a.client_id, client_a.client_secret)
    body = bundle(patient(new_nin(), "1994-05-17", name="Kari"), edd_observation("2027-03-01"))
    body["entry"][0]["resource"]["name"][0]["te\x1bxt"] = "Nordmann"

    response = FhirApi(token).post("Patient/$create-pregnancy", body)

    assert response.status_code == 400, response.content
    issue = response.json()["issue"][0]
    assert issue["expression"] == ["Bundle.entry[0].resource.name[0]"]
    assert "entry[0].resource.name[0].te%1Bxt" in issue["diagnostics"]


def test_a_control_character_in_a_body_that_names_no_resource_type_has_no_expression(client_a):
    token = fetch_token(client_a.client_id, client_a.client_secret)

    response = FhirApi(token).post("Patient/$find-all-pregnancies", {"parameter": [{"name": "dob\x1b"}]})

    assert response.status_code == 400, response.content
    issue = response.json()["issue"][0]
    assert "expression" not in issue  # no resourceType to start a FHIRPath from: the path is in the text
    assert issue["diagnostics"].startswith("parameter[0].name: ")


def test_a_control_character_in_a_fhir_query_parameter_is_named_in_the_diagnostics_not_as_an_expression(
    client_a,
):
    token = fetch_token(client_a.client_id, client_a.client_secret)

    response = Client().post(
        "/spine/fhir/Patient/$find-all-pregnancies?_format=%00",
        "{}",
        content_type="application/fhir+json",
        headers={"Authorization": f"Bearer {token}"},
    )

    assert response.status_code == 400, response.content
    issue = response.json()["issue"][0]
    assert "expression" not in issue
    assert "the parameter '_format'" in issue["diagnostics"]


def test_a_webhook_subscription_with_a_control_character_in_its_description_is_refused(client_a):
    token = fetch_token(client_a.client_id, client_a.client_secret)
    body = {"url": "https://127.0.0.1:8443/hooks", "description": "Our EPJ\x1b[8m"}

    response = Client().post(
        "/spine/v1/subscriptions",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )

    assert refused_naming(response, "description")
    assert client_a.client.subscriptions.count() == 0
