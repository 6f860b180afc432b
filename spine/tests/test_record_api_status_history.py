"""GET status, GET history, GET history/{recordId} and POST updateStatus (the record's lifecycle)."""

import json
from urllib.parse import parse_qs, quote, urlparse

import pytest

from conftest import RecordApi, fetch_token, new_nin
from maternity import services
from maternity.models import Mother, Note, Pregnancy, RecordEvent, RecordStatus, StakeholderReason

from .helpers import HER_AS_LAST_UPDATED_BY, outcome

DELIVERED = {"status": "DELIVERED", "deliveryDate": "2025-10-15T03:12:00Z", "liveBirth": True}


def _status(api, record_id, version, record_status, **headers):
    return api.post(
        f"record/{record_id}/updateStatus", {"version": version, "recordStatus": record_status}, **headers
    )


# --- GET status -------------------------------------------------------------------------------------------


def test_status_of_a_patient_without_any_record_says_there_is_none(api):
    response = api.get("status")
    assert response.status_code == 200
    assert response.json() == {
        "hasGivenConsent": True,
        "hasActiveMaternityRecord": False,
        "lastChangedDateTime": None,
        "latestRecordId": None,
    }


def test_status_with_an_active_record_gives_its_id_and_last_change(api, record_id):
    assert api.post(f"record/{record_id}/mother", {"name": "Kari Nordmann"}).status_code == 201
    body = api.get("status").json()
    assert body["hasGivenConsent"] is True
    assert body["hasActiveMaternityRecord"] is True
    assert body["latestRecordId"] == record_id
    assert (
        body["lastChangedDateTime"] == api.get(f"record/{record_id}").json()["metadata"]["recordLastUpdated"]
    )


def test_status_after_delivery_has_no_active_record_but_still_names_the_latest(api, record_id):
    assert _status(api, record_id, 1, DELIVERED).status_code == 200
    body = api.get("status").json()
    assert body["hasActiveMaternityRecord"] is False
    assert body["latestRecordId"] == record_id
    assert body["lastChangedDateTime"] is not None


def test_status_names_the_newest_record_once_a_new_pregnancy_starts(api, record_id):
    assert _status(api, record_id, 1, DELIVERED).status_code == 200
    new_id = api.post("record").json()["metadata"]["recordId"]
    body = api.get("status").json()
    assert (body["hasActiveMaternityRecord"], body["latestRecordId"]) == (True, new_id)


def test_status_does_not_give_a_stranger_the_record_id(stranger_api, record_id):
    response = stranger_api.get("status")
    assert response.status_code == 200
    assert response.json()["latestRecordId"] is None
    assert response.json()["lastChangedDateTime"] is None
    assert record_id not in response.content.decode()


# --- GET history ------------------------------------------------------------------------------------------


def test_history_lists_every_record_of_the_patient_oldest_first(api, record_id, location_a):
    assert _status(api, record_id, 1, DELIVERED).status_code == 200
    new_id = api.post("record").json()["metadata"]["recordId"]
    response = api.get("history")
    assert response.status_code == 200
    history = response.json()["history"]
    assert [entry["recordId"] for entry in history] == [record_id, new_id]
    assert history[0]["recordStatus"] == DELIVERED
    assert history[0]["version"] == 2
    assert history[1]["recordStatus"] == {"status": "ACTIVE"}
    assert history[1]["version"] == 1
    by = history[1]["lastUpdatedBy"]
    assert (by["userType"], by["orgNr"], by["orgName"], by["name"]) == (
        "HEALTH_CARE_PROFESSIONAL",
        "974749025",
        location_a.name,
        "Kari Jordmor",
    )
    assert history[1]["lastUpdated"]


def test_history_of_a_patient_without_records_is_empty(api):
    response = api.get("history")
    assert response.status_code == 200
    assert response.json() == {"history": []}


def test_history_leaves_out_records_a_stranger_may_not_see(stranger_api, record_id):
    response = stranger_api.get("history")
    assert response.status_code == 200
    assert response.json() == {"history": []}


def test_history_leaves_out_records_of_other_patients(api, record_id, other_patient_api):
    assert other_patient_api.get("history").json() == {"history": []}


# --- GET history/{recordId} -------------------------------------------------------------------------------


def _build_history(api, record_id) -> None:
    """mother v1, v2; an appointment v1 and entered in error (v2); the record delivered (record v2)."""
    assert (
        api.post(f"record/{record_id}/mother", {"name": "Kari Nordmann"}, nhn_event_id="e-1").status_code
        == 201
    )
    put = api.put(
        f"record/{record_id}/mother", {"metadata": {"version": 1}, "name": "Kari Nordmann", "address": "A"}
    )
    assert put.status_code == 200
    item = api.post(f"record/{record_id}/antenatalAppointments", {"appointmentDate": "2025-04-11"})
    assert (
        api.delete(f"record/{record_id}/antenatalAppointments/{item.json()['metadata']['id']}").status_code
        == 200
    )
    assert _status(api, record_id, 1, DELIVERED).status_code == 200


def test_record_history_gives_every_version_oldest_first_with_a_snapshot_of_each(api, record_id):
    _build_history(api, record_id)
    response = api.get(f"history/{record_id}")
    assert response.status_code == 200
    body = response.json()
    assert body["recordId"] == record_id
    assert body["next"] is None
    versions = body["versions"]
    assert [(v["resourceType"], v["version"], v["action"]) for v in versions] == [
        ("record", 1, "CREATED"),
        ("careLocations", 1, "CREATED"),
        ("mother", 1, "CREATED"),
        ("mother", 2, "UPDATED"),
        ("antenatalAppointments", 1, "CREATED"),
        ("antenatalAppointments", 2, "ENTERED_IN_ERROR"),
        ("record", 2, "STATUS_CHANGED"),
        ("notes", 1, "CREATED"),
    ]
    sequences = [v["sequence"] for v in versions]
    assert sequences == sorted(sequences)
    assert versions[0]["data"] == {"recordStatus": {"status": "ACTIVE"}, "version": 1}
    assert versions[1]["data"]["careLocation"]["orgNr"] == "974749025"
    assert versions[2]["data"]["name"] == "Kari Nordmann"
    assert versions[2]["data"]["address"] is None
    assert versions[2]["nhnEventId"] == "e-1"
    assert versions[3]["data"]["address"] == "A"
    assert versions[3]["resourceId"] == versions[2]["resourceId"]
    assert versions[4]["data"]["appointmentDate"] == "2025-04-11"
    assert versions[6]["data"] == {"recordStatus": DELIVERED, "version": 2}
    assert versions[7]["data"]["text"] == "Status changed from ACTIVE to DELIVERED."
    assert all(v["lastUpdatedBy"]["name"] == "Kari Jordmor" for v in versions)
    assert all(v["lastUpdatedBy"]["sourceSystem"] == "Test EPJ 1.0" for v in versions[2:])
    assert all(v["occurredAt"] for v in versions)


def test_record_history_pages_with_limit_and_after(api, record_id):
    _build_history(api, record_id)
    everything = api.get(f"history/{record_id}").json()["versions"]
    first = api.get(f"history/{record_id}?limit=3")
    assert first.status_code == 200
    page = first.json()
    assert page["versions"] == everything[:3]
    next_query = parse_qs(urlparse(page["next"]).query)
    assert next_query == {"after": [str(everything[2]["sequence"])], "limit": ["3"]}

    seen = list(page["versions"])
    after = everything[2]["sequence"]
    while True:
        response = api.get(f"history/{record_id}?limit=3&after={after}")
        assert response.status_code == 200
        page = response.json()
        seen += page["versions"]
        if page["next"] is None:
            break
        after = page["versions"][-1]["sequence"]
    assert seen == everything


def test_record_history_after_the_last_sequence_is_an_empty_page(api, record_id):
    last = api.get(f"history/{record_id}").json()["versions"][-1]["sequence"]
    body = api.get(f"history/{record_id}?after={last}").json()
    assert (body["versions"], body["next"]) == ([], None)


@pytest.mark.parametrize("query", ["limit=0", "limit=501", "limit=ten", "after=-1", "after=x"])
def test_record_history_refuses_a_bad_page_parameter_with_dhg_0012(api, record_id, query):
    response = api.get(f"history/{record_id}?{query}")
    assert outcome(response) == (400, "DHG-0012", "DHG-0012")
    assert response.json()["field"] == query.split("=")[0]


def test_record_history_of_an_unknown_or_hidden_record_is_not_found(
    api, stranger_api, other_patient_api, record_id
):
    for response in [
        api.get("history/7d0c4f4e-52d4-4a25-9a33-0f2f0b7f3b7e"),
        api.get("history/not-a-uuid"),
        other_patient_api.get(f"history/{record_id}"),
        stranger_api.get(f"history/{record_id}"),
    ]:
        assert outcome(response) == (404, "DHG-0015", "DHG-0015")


JO = quote(json.dumps({"system": "urn:oid:2.16.578.1.12.4.1.1.9060", "code": "JO"}))
NHN_HISTORY_ACTOR = {"userType", "orgNr", "orgName", "hprNr", "hprRole", "name"}  # spec: GET /history


def test_the_patients_history_names_who_with_hpr_number_and_role(api, record_id, location_a):
    by = api.get("history").json()["history"][0]["lastUpdatedBy"]

    assert {key: by[key] for key in NHN_HISTORY_ACTOR} == {
        "userType": "HEALTH_CARE_PROFESSIONAL",
        "orgNr": "974749025",
        "orgName": location_a.name,
        "hprNr": "9144889",
        "hprRole": "JO",
        "name": "Kari Jordmor",
    }


def test_record_history_says_who_made_each_version_as_its_metadata_did_with_hpr_number_and_role(
    api, record, record_id, her
):
    written = api.post(f"record/{record_id}/mother", {"name": "Kari Nordmann"}, nhn_user_role=JO)
    changed = api.put(
        f"record/{record_id}/mother",
        {"metadata": {"version": 1}, "name": "Kari Berg"},
        X_Acting_User_Name="Ida Jordmor",
        X_Acting_User_Id="1234567",
    )
    services.birth_plan_save(record_id=record.pk, version=None, data={"place_of_birth": "Home"}, actor=her)

    versions = api.get(f"history/{record_id}").json()["versions"]

    by = {(v["resourceType"], v["version"]): v["lastUpdatedBy"] for v in versions}
    assert by[("mother", 1)] == written.json()["metadata"]["lastUpdatedBy"]
    assert by[("mother", 1)]["hprNr"] == "9144889" and by[("mother", 1)]["hprRole"] == "JO"
    assert by[("mother", 2)] == changed.json()["metadata"]["lastUpdatedBy"]
    assert (by[("mother", 2)]["hprNr"], by[("mother", 2)]["hprRole"]) == ("1234567", None)
    assert by[("birthPlan", 1)] == HER_AS_LAST_UPDATED_BY
    assert by[("record", 1)] == api.get(f"record/{record_id}").json()["metadata"]["lastUpdatedBy"]
    assert all(set(v["lastUpdatedBy"]) >= NHN_HISTORY_ACTOR for v in versions)


def test_a_version_whose_row_is_gone_is_still_named_from_its_event_without_hpr_fields(api, record_id):
    api.post(f"record/{record_id}/mother", {"name": "Kari Nordmann"}, nhn_user_role=JO)
    Mother.history.filter(record_id=record_id).delete()

    entry = next(
        v for v in api.get(f"history/{record_id}").json()["versions"] if v["resourceType"] == "mother"
    )

    assert (entry["data"], entry["lastUpdatedBy"]) == (
        None,
        {
            "userType": "HEALTH_CARE_PROFESSIONAL",
            "orgNr": "974749025",
            "orgName": "St Olavs hospital, fødeavdelingen",
            "hprNr": None,
            "hprRole": None,
            "name": "Kari Jordmor",
            "sourceSystem": "Test EPJ 1.0",
        },
    )


# --- POST updateStatus ------------------------------------------------------------------------------------


def test_delivering_a_record_stores_the_date_and_outcome_and_bumps_the_record_version(api, record_id):
    response = _status(api, record_id, 1, DELIVERED)
    assert response.status_code == 200, response.content
    metadata = response.json()["metadata"]
    assert metadata["recordId"] == record_id
    assert metadata["recordStatus"] == DELIVERED
    assert metadata["version"] == 2
    assert metadata["lastUpdatedBy"]["name"] == "Kari Jordmor"
    record = Pregnancy.objects.get(pk=record_id)
    assert (record.status, record.live_birth, record.version) == (RecordStatus.DELIVERED, True, 2)
    assert record.delivery_date.isoformat() == "2025-10-15T03:12:00+00:00"
    assert api.get(f"record/{record_id}").json()["metadata"]["recordStatus"] == DELIVERED


def test_a_still_birth_is_recorded_as_live_birth_false(api, record_id):
    response = _status(api, record_id, 1, {**DELIVERED, "liveBirth": False})
    assert response.status_code == 200, response.content
    assert response.json()["metadata"]["recordStatus"]["liveBirth"] is False
    assert Pregnancy.objects.get(pk=record_id).live_birth is False


def test_terminating_a_record_stores_the_termination_date(api, record_id):
    body = {"status": "TERMINATED", "terminationDate": "2025-03-05T06:41:27.217541Z"}
    response = _status(api, record_id, 1, body)
    assert response.status_code == 200, response.content
    assert response.json()["metadata"]["recordStatus"] == body
    assert Pregnancy.objects.get(pk=record_id).status == RecordStatus.TERMINATED


@pytest.mark.parametrize("spelling", ["ENTERED_IN_ERROR", "ENTERED IN ERROR"])
def test_a_record_created_by_mistake_is_marked_entered_in_error(api, record_id, spelling):
    response = _status(api, record_id, 1, {"status": spelling})
    assert response.status_code == 200, response.content
    assert response.json()["metadata"]["recordStatus"] == {"status": "ENTERED_IN_ERROR"}
    assert api.get("status").json()["hasActiveMaternityRecord"] is False


def test_a_status_change_is_an_event_a_history_row_and_a_system_note(api, record_id):
    assert _status(api, record_id, 1, DELIVERED, nhn_event_id="deliver-1").status_code == 200
    event = RecordEvent.objects.get(record_id=record_id, resource_type="record", version=2)
    assert (event.action, event.actor_name, event.client_event_id) == (
        "STATUS_CHANGED",
        "Kari Jordmor",
        "deliver-1",
    )
    row = Pregnancy.history.get(id=record_id, version=2)
    assert (row.status, row.updated_by_name, row.updated_by_source_system) == (
        "DELIVERED",
        "Kari Jordmor",
        "Test EPJ 1.0",
    )
    note_event = RecordEvent.objects.get(record_id=record_id, resource_type="notes")
    assert note_event.client_event_id == "deliver-1"
    assert note_event.request_id == event.request_id != ""
    notes = api.get(f"record/{record_id}").json()["notes"]
    assert [note["text"] for note in notes] == ["Status changed from ACTIVE to DELIVERED."]
    assert Note.objects.get(record_id=record_id).kind == "STATUS_CHANGED"


def test_a_stale_version_on_update_status_is_refused_with_dhg_0008_and_changes_nothing(
    api, record_id, db_state
):
    assert _status(api, record_id, 1, DELIVERED).status_code == 200
    before = db_state()
    response = _status(api, record_id, 1, {"status": "ENTERED_IN_ERROR"})
    assert outcome(response) == (409, "DHG-0008", "DHG-0008")
    assert db_state() == before
    assert Pregnancy.objects.get(pk=record_id).status == RecordStatus.DELIVERED


@pytest.mark.parametrize(
    "record_status, field",
    [
        ({"status": "DELIVERED", "deliveryDate": "2025-10-15T03:12:00Z"}, "recordStatus.liveBirth"),
        ({"status": "DELIVERED", "liveBirth": True}, "recordStatus.deliveryDate"),
        (
            {"status": "DELIVERED", "deliveryDate": "2025-10-15T03:12:00Z", "liveBirth": None},
            "recordStatus.liveBirth",
        ),
        ({"status": "TERMINATED"}, "recordStatus.terminationDate"),
        ({"status": "FINISHED"}, "recordStatus.status"),
        ({"status": "ACTIVE"}, "recordStatus.status"),
        (
            {"status": "DELIVERED", "deliveryDate": "yesterday", "liveBirth": True},
            "recordStatus.deliveryDate",
        ),
        ({**DELIVERED, "babies": 1}, "recordStatus.babies"),
    ],
)
def test_an_incomplete_or_invalid_status_is_refused_with_dhg_0012_and_changes_nothing(
    api, record_id, db_state, record_status, field
):
    before = db_state()
    response = _status(api, record_id, 1, record_status)
    assert outcome(response) == (400, "DHG-0012", "DHG-0012")
    assert response.json()["field"] == field
    assert db_state() == before


@pytest.mark.parametrize(
    "body, field",
    [
        ({"recordStatus": DELIVERED}, "version"),
        ({"version": "one", "recordStatus": DELIVERED}, "version"),
        ({"version": 1}, "recordStatus"),
        ({"version": 1, "recordStatus": "DELIVERED"}, "recordStatus"),
        ({"version": 1, "recordStatus": DELIVERED, "reason": "born"}, "reason"),
    ],
)
def test_a_malformed_update_status_body_is_refused_with_dhg_0012(api, record_id, db_state, body, field):
    before = db_state()
    response = api.post(f"record/{record_id}/updateStatus", body)
    assert outcome(response) == (400, "DHG-0012", "DHG-0012")
    assert response.json()["field"] == field
    assert db_state() == before


def test_after_delivery_the_active_location_can_still_correct_the_record(api, record_id):
    assert api.post(f"record/{record_id}/mother", {"name": "Kari Nordmann"}).status_code == 201
    assert _status(api, record_id, 1, DELIVERED).status_code == 200
    corrected = api.put(
        f"record/{record_id}/mother", {"metadata": {"version": 1}, "name": "Kari Nordmann Berg"}
    )
    assert corrected.status_code == 200, corrected.content
    assert corrected.json()["metadata"]["version"] == 2
    birth = api.post(f"record/{record_id}/births", {"birthTime": "2025-10-15T03:12:00Z", "liveBirth": True})
    assert birth.status_code == 201, birth.content
    fixed = _status(api, record_id, 2, {**DELIVERED, "deliveryDate": "2025-10-15T02:55:00Z"})
    assert fixed.status_code == 200, fixed.content
    assert fixed.json()["metadata"]["version"] == 3


def test_a_delivered_record_can_be_set_back_to_active_when_no_other_is_active(api, record_id):
    assert _status(api, record_id, 1, DELIVERED).status_code == 200
    response = _status(api, record_id, 2, {"status": "ACTIVE"})
    assert response.status_code == 200, response.content
    assert response.json()["metadata"]["recordStatus"] == {"status": "ACTIVE"}
    assert response.json()["metadata"]["version"] == 3
    record = Pregnancy.objects.get(pk=record_id)
    assert (record.status, record.delivery_date, record.live_birth) == (RecordStatus.ACTIVE, None, None)
    assert api.get("status").json()["hasActiveMaternityRecord"] is True


def test_setting_a_record_back_to_active_while_another_is_active_is_refused_with_dhg_0009(
    api, record_id, db_state
):
    assert _status(api, record_id, 1, DELIVERED).status_code == 200
    new_id = api.post("record").json()["metadata"]["recordId"]
    before = db_state()
    response = _status(api, record_id, 2, {"status": "ACTIVE"})
    assert outcome(response) == (409, "DHG-0009", "DHG-0009")
    assert db_state() == before
    assert Pregnancy.objects.get(pk=record_id).status == RecordStatus.DELIVERED
    assert Pregnancy.objects.get(pk=new_id).status == RecordStatus.ACTIVE


def test_a_new_record_can_be_created_once_the_previous_one_has_ended(api, record_id):
    assert (
        _status(
            api, record_id, 1, {"status": "TERMINATED", "terminationDate": "2025-03-05T06:41:27Z"}
        ).status_code
        == 200
    )
    response = api.post("record")
    assert response.status_code == 201, response.content
    assert response.json()["metadata"]["recordId"] != record_id
    assert Pregnancy.objects.filter(person__identifier_value=api.nin).count() == 2


# --- a stakeholder that is not the active Care Location ---------------------------------------------------


@pytest.fixture
def stakeholder_b_api(stranger_api, record, location_b):
    """A client of location B after B became a stakeholder (it is not the active Care Location)."""
    services.stakeholder_grant(record=record, care_location=location_b, reason=StakeholderReason.ACTIVE_CARE)
    return stranger_api


def test_a_stakeholder_reads_and_writes_an_active_record_but_not_its_key_demographics(
    stakeholder_b_api, record_id, db_state
):
    assert stakeholder_b_api.get(f"record/{record_id}").status_code == 200
    assert stakeholder_b_api.post(f"record/{record_id}/medication", {"drugAllergy": True}).status_code == 201
    before = db_state()
    response = stakeholder_b_api.post(f"record/{record_id}/mother", {"name": "Kari Nordmann"})
    assert outcome(response) == (403, "DHG-0010", "DHG-0010")
    assert "active Care Location" in response.json()["errorMessage"]
    assert db_state() == before


def test_a_non_active_record_is_read_only_for_stakeholders_other_than_the_active_location(
    api, stakeholder_b_api, record_id, db_state
):
    assert api.post(f"record/{record_id}/medication", {"drugAllergy": False}).status_code == 201
    assert _status(api, record_id, 1, DELIVERED).status_code == 200
    before = db_state()
    for response in [
        stakeholder_b_api.put(
            f"record/{record_id}/medication", {"metadata": {"version": 1}, "drugAllergy": True}
        ),
        stakeholder_b_api.post(
            f"record/{record_id}/antenatalAppointments", {"appointmentDate": "2025-04-11"}
        ),
        _status(stakeholder_b_api, record_id, 2, {"status": "ACTIVE"}),
    ]:
        assert outcome(response) == (403, "DHG-0010", "DHG-0010")
        assert "DELIVERED" in response.json()["errorMessage"]
    assert db_state() == before
    assert stakeholder_b_api.get(f"record/{record_id}").status_code == 200


# --- The write gate decides, before the body is read --------------------------------------------------------


def test_a_stranger_with_a_malformed_status_body_gets_404_not_the_body_errors(
    stranger_api, record_id, db_state
):
    before = db_state()
    response = stranger_api.post(f"record/{record_id}/updateStatus", {"version": "one", "recordStatus": 7})
    assert outcome(response) == (404, "DHG-0015", "DHG-0015")
    assert db_state() == before


def test_a_status_change_for_another_patients_record_is_404(client_a, record_id, db_state):
    other = RecordApi(fetch_token(client_a.client_id, client_a.client_secret), new_nin())
    before = db_state()
    response = _status(other, record_id, 1, DELIVERED)
    assert outcome(response) == (404, "DHG-0015", "DHG-0015")
    assert db_state() == before


def test_a_delivered_record_is_read_only_for_a_stakeholder_that_is_not_the_active_location(
    api, stranger_api, record_id, record, location_b, db_state
):
    services.stakeholder_grant(record=record, care_location=location_b, reason=StakeholderReason.API_ACCESS)
    assert _status(api, record_id, 1, DELIVERED).status_code == 200
    before = db_state()
    response = _status(stranger_api, record_id, 2, {"status": "ENTERED_IN_ERROR"})
    assert outcome(response) == (403, "DHG-0010", "DHG-0010")
    assert "read-only" in response.json()["errorMessage"]
    assert db_state() == before
