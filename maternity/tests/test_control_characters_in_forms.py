"""Text typed into a page may hold tabs and line breaks and no other control character: ESC, BEL, NUL, DEL or
a C1 control in any form field or query parameter is refused before any view runs, with a page (or, under
/o/ and the APIs, a body) that names the field, and nothing is saved. A conflict page's carried entry is
JSON, and refused the same way. The rule: maternity/http/control_characters.py."""

import json

import pytest
from django.test import Client
from django.utils import timezone

from maternity import services
from maternity.models import AntenatalAppointment, CareLocation

from .web.conftest import midwife

pytestmark = pytest.mark.django_db


@pytest.fixture
def kari(location_a):
    return midwife("kari", location_a)


def new_appointment(record, **fields) -> dict:
    return {
        "version": "",
        "appointment_date": timezone.localdate().isoformat(),
        "fetuses_vital_signs-rows": "0",
        **fields,
    }


def appointments_url(record) -> str:
    return f"/records/{record.pk}/sections/antenatalAppointments/new/"


@pytest.mark.parametrize(
    "control", ["\x1b", "\x07", "\x00", "\x7f", "\x85"], ids=["ESC", "BEL", "NUL", "DEL", "NEL"]
)
def test_a_midwifes_note_with_a_control_character_is_refused_naming_the_field(kari, record, control):
    response = kari[0].post(appointments_url(record), new_appointment(record, note=f"Seen{control}[2J"))

    assert response.status_code == 400
    page = response.content.decode()
    assert f"The request has a control character, U+{ord(control):04X} (" in page
    assert "in the parameter &#x27;note&#x27;" in page
    assert "what you typed is still in the form" in page
    assert not AntenatalAppointment.objects.filter(record=record).exists()


def test_a_note_over_several_lines_with_a_tab_is_saved_as_typed(kari, record):
    note = "Well.\r\nBP\t118/76\r\nReview in 2 weeks."

    response = kari[0].post(appointments_url(record), new_appointment(record, note=note))

    assert response.status_code == 302, response.content.decode()[:2000]
    assert AntenatalAppointment.objects.get(record=record).note == note


def test_a_search_with_a_control_character_is_refused_and_a_plain_one_answers(kari):
    refused = kari[0].get("/", {"q": "Nordmann\x1b"})
    answered = kari[0].get("/", {"q": "Nordmann"})

    assert refused.status_code == 400
    assert "in the parameter &#x27;q&#x27;" in refused.content.decode()
    assert answered.status_code == 200


def test_a_conflict_pages_carried_entry_with_an_escaped_control_character_saves_nothing(kari, record):
    services.resource_create(
        record_id=record.pk, resource_type="medication", data={"folate_taken_during": True}, actor=kari[1]
    )
    carried = json.dumps({"note": "Iron\u001b[8m"})  # \u001b: plain ASCII in the form field

    response = kari[0].post(
        f"/records/{record.pk}/sections/medication/",
        {"version": "1", "base_version": "1", "mine": carried, "resolve": "mine"},
    )

    assert response.status_code == 400
    assert "The conflict page was incomplete" in response.content.decode()
    assert record.medication.version == 1


def test_the_admin_refuses_a_location_name_with_a_control_character(client, superuser, location_a):
    client.force_login(superuser)

    response = client.post(
        f"/admin/maternity/carelocation/{location_a.pk}/change/",
        {"name": "Fjordvik\x1b[31m", "org_nr": location_a.org_nr, "kind": location_a.kind, "_save": "Save"},
    )

    assert response.status_code == 400
    assert "in the parameter &#x27;name&#x27;" in response.content.decode()
    assert CareLocation.objects.get(pk=location_a.pk).name == location_a.name


def test_the_token_endpoint_answers_oauths_own_error_shape(client_a):
    response = Client().post(
        "/o/token/",
        {"grant_type": "client_credentials", "client_id": f"{client_a.client_id}\x1b", "client_secret": "x"},
    )

    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_request"
    assert "U+001B (ESC)" in body["error_description"] and "'client_id'" in body["error_description"]


def test_an_id_in_the_path_with_a_control_character_is_simply_not_found(kari, record):
    response = kari[0].get(f"/records/{record.pk}%1B/")

    assert response.status_code == 404


def test_the_apis_answer_a_control_character_in_the_query_after_the_token_is_checked(client_a):
    response = Client().get("/spine/v1/events", {"after": "1\x1f"})

    assert response.status_code == 401  # whatever else is wrong, a caller without a token learns only that
