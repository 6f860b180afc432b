"""POST /spine/v1/records/{recordId}/delivery: the status, labour and every baby at once, for the client
system of a stakeholder location; refused clearly (and with nothing written) for everyone else."""

from datetime import UTC, datetime, timedelta

import pytest

from maternity.models import AccessLog, Birth, Labour, Pregnancy

from .helpers import database_state, outcome

pytestmark = pytest.mark.django_db


def at(hours_ago: float) -> str:
    return (datetime.now(UTC) - timedelta(hours=hours_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


def baby(**birth) -> dict:
    return {
        "birth": {
            "birthTime": at(3),
            "sex": "FEMALE",
            "birthWeight": 2650,
            "liveBirth": True,
            "modeOfBirth": "SPONTANEOUS_VAGINAL",
            "apgar1Minute": 8,
            "apgar5Minutes": 9,
            "apgar10Minutes": 10,
            **birth,
        },
        "resuscitation": False,
        "feeding": "BREAST",
    }


def body(version: int = 1, **changes) -> dict:
    return {
        "version": version,
        "labour": {"onset": "SPONTANEOUS", "bloodLossMl": 400, "analgesia": ["NITROUS_OXIDE"]},
        "babies": [baby(), {**baby(birthTime=at(2.5), sex="MALE"), "resuscitation": True}],
        **changes,
    }


def deliver(api, record_id, payload, **headers):
    return api.post(f"/spine/v1/records/{record_id}/delivery", payload, **headers)


def test_a_client_system_records_twins_with_the_status_and_labour_at_once(api, record_id):
    response = deliver(api, record_id, body())
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["metadata"]["recordStatus"]["status"] == "DELIVERED"
    assert answer["metadata"]["recordStatus"]["liveBirth"] is True
    assert answer["metadata"]["version"] == 2
    assert [b["sex"] for b in answer["births"]] == ["FEMALE", "MALE"]
    ids = [b["metadata"]["id"] for b in answer["births"]]
    assert [n["birthId"] for n in answer["labour"]["newborns"]] == ids
    assert answer["labour"]["newborns"][1]["resuscitation"] is True
    # NHN's record shows the same: births in their own shape, labour as the extension
    document = api.get(f"record/{record_id}").json()
    assert [b["metadata"]["id"] for b in document["births"]] == ids
    assert document["labour"]["bloodLossMl"] == 400
    entry = AccessLog.objects.filter(record_id=record_id, action="STATUS_CHANGE").get()
    assert (entry.outcome, entry.detail) == ("ALLOWED", "ACTIVE -> DELIVERED with 2 babies")


@pytest.mark.parametrize(
    "payload, field",
    [
        (body(babies=[]), "babies"),
        (body(babies=[baby(), baby(birthWeight=70000)]), "babies[1].birth.birthWeight"),
        (body(babies=[baby(), baby(liveBirth=None)]), "babies[1].birth.liveBirth"),
        (body(babies=[baby(birthTime="yesterday")]), "babies[0].birth.birthTime"),
        (body(labour={"newborns": []}), "labour.newborns"),
        (body(labour={"analgesia": ["NONE", "EPIDURAL"]}), "labour.analgesia"),
        (body(version="1"), "version"),
        ({**body(), "colour": "red"}, "colour"),
        ([1, 2], None),
    ],
)
def test_bad_input_is_a_400_that_names_the_field_and_writes_nothing(api, record_id, payload, field):
    before = database_state()
    response = deliver(api, record_id, payload)
    assert outcome(response) == (400, "DHG-0012", "DHG-0012"), response.content
    assert response.json().get("field") == field
    assert database_state() == before
    entry = AccessLog.objects.filter(record_id=record_id, action="STATUS_CHANGE").get()
    assert (entry.outcome, entry.status_code) == ("REJECTED", 400)


def test_an_error_about_one_baby_names_it(api, record_id):
    response = deliver(api, record_id, body(babies=[baby(), baby(liveBirth=None)]))
    assert response.json()["errorMessage"] == "Baby 2: say whether the baby was born alive or stillborn."
    response = deliver(api, record_id, body(babies=[baby(), baby(birthWeight=7500)]))
    assert response.json()["errorMessage"].startswith("babies[1].birth.birthWeight: Ensure")


def test_a_stale_version_is_a_409_and_writes_nothing(api, record_id):
    before = database_state()
    response = deliver(api, record_id, body(version=2))
    assert outcome(response) == (409, "DHG-0008", "DHG-0008")
    assert database_state() == before


def test_a_location_that_is_no_stakeholder_gets_404_and_learns_nothing_from_the_body(stranger_api, record_id):
    response = deliver(stranger_api, record_id, {"nonsense": True})
    assert outcome(response) == (404, "DHG-0015", "DHG-0015")
    assert Pregnancy.objects.get(pk=record_id).status == "ACTIVE"


def test_another_patients_national_id_gets_404(other_patient_api, record_id):
    assert deliver(other_patient_api, record_id, body()).status_code == 404
    assert not Birth.objects.exists()


def test_without_a_token_it_is_a_401(api, record_id):
    response = deliver(api, record_id, body(), Authorization=None)
    assert response.status_code == 401
    assert not Labour.objects.exists()


def test_a_write_without_the_acting_user_is_refused(api, record_id):
    response = deliver(api, record_id, body(), X_Acting_User_Name=None, X_Acting_User_Id=None)
    assert response.status_code == 400
    assert not Birth.objects.exists()


def test_the_openapi_schema_describes_the_delivery_step():
    from spine.tests.fuzz.test_schemathesis import RAW_SCHEMA

    operation = RAW_SCHEMA["paths"]["/spine/v1/records/{record_id}/delivery"]["post"]
    assert operation["operationId"] == "record_deliver"
    assert set(operation["responses"]) >= {"201", "400", "404", "409"}
    request = RAW_SCHEMA["components"]["schemas"]["DeliveryRequest"]
    assert request["required"] == ["babies", "version"]
    assert request["additionalProperties"] is False
