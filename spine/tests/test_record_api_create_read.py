"""POST record (empty and with data) and GET record, as in NHN's spec/003 examples."""

import json
from urllib.parse import quote

from maternity import services
from maternity.models import (
    ClinicalTests,
    Mother,
    Pregnancy,
    PregnancyGroupPermission,
    RecordEvent,
    RecordStatus,
    VitalMeasurementsBeforePregnancy,
)
from maternity.rules.resources import LISTS, SINGLETONS

from .helpers import HER_AS_LAST_UPDATED_BY, outcome

# spec/003 "Create Maternity Record with data", byte for byte: note the trailing comma after "ferritin".
NHN_EXAMPLE_AS_WRITTEN = """
    {
      "mother": {
        "name": "Mamma Ku",
        "address": "Trimveien 8, 0372 OSLO"
      },
    
      "clinicalTests": {
        "hemoglobin": 20.0,
        "ferritin": 20.29,
      },
      "rhesusDNegative": null,
      "vitalMeasurementsBeforePregnancy": {
        "height": 280.0,
        "prePregnancyWeight": 90.0,
        "bMI": null
      }
    }
"""  # noqa: W293 (the blank line with spaces is in the original)
NHN_EXAMPLE = {
    "mother": {"name": "Mamma Ku", "address": "Trimveien 8, 0372 OSLO"},
    "clinicalTests": {"hemoglobin": 20.0, "ferritin": 20.29},
    "rhesusDNegative": None,
    "vitalMeasurementsBeforePregnancy": {"height": 280.0, "prePregnancyWeight": 90.0, "bMI": None},
}
LAST_UPDATED_BY = {"userType", "orgNr", "orgName", "hprNr", "hprRole", "name"}
NHN_LISTS = ["antenatalAppointments", "symphysisFundalHeights", "births"]


def test_creating_an_empty_record_returns_the_nhn_document_shape(api, location_a):
    role = quote(json.dumps({"system": "urn:oid:2.16.578.1.12.4.1.1.9060", "code": "JO"}))
    response = api.post("record", nhn_user_role=role)
    assert response.status_code == 201, response.content
    body = response.json()
    metadata = body["metadata"]
    assert Pregnancy.objects.filter(pk=metadata["recordId"]).exists()
    assert metadata["recordStatus"] == {"status": "ACTIVE"}
    assert metadata["version"] == 1
    assert metadata["recordLastUpdated"]
    assert metadata["lastUpdated"]
    assert set(metadata["lastUpdatedBy"]) >= LAST_UPDATED_BY
    assert {key: metadata["lastUpdatedBy"][key] for key in LAST_UPDATED_BY} == {
        "userType": "HEALTH_CARE_PROFESSIONAL",
        "orgNr": "974749025",
        "orgName": location_a.name,
        "hprNr": "9144889",
        "hprRole": "JO",
        "name": "Kari Jordmor",
    }
    for rt in SINGLETONS:
        assert body[rt.name] is None, rt.name
    for name in NHN_LISTS:
        assert body[name] == [], name
    assert body["notes"] == []
    assert [episode["careLocation"]["orgNr"] for episode in body["careLocations"]] == ["974749025"]
    assert response["Location"] == f"/api/maternity-record/v1/record/{metadata['recordId']}"
    assert set(body) == {"metadata"} | {rt.name for rt in SINGLETONS} | {rt.name for rt in LISTS}


def test_creating_a_record_makes_the_creators_location_stakeholder_and_active_location(api, location_a):
    response = api.post("record")
    assert response.status_code == 201, response.content
    record = Pregnancy.objects.get(pk=response.json()["metadata"]["recordId"])
    assert record.active_care_location == location_a
    assert record.created_by_location == location_a
    assert record.status == RecordStatus.ACTIVE
    assert PregnancyGroupPermission.objects.filter(content_object=record, group=location_a.group).exists()
    assert record.person.identifier_value == api.nin


def test_the_trailing_slash_url_of_nhns_examples_also_creates_a_record(api):
    response = api.post("record/")
    assert response.status_code == 201, response.content
    assert response.json()["metadata"]["recordStatus"]["status"] == "ACTIVE"
    assert Pregnancy.objects.count() == 1


def test_creating_a_record_with_the_nhn_example_data_creates_each_resource_in_it(api):
    assert (
        json.loads(NHN_EXAMPLE_AS_WRITTEN.replace('"ferritin": 20.29,', '"ferritin": 20.29')) == NHN_EXAMPLE
    )
    response = api.post("record", NHN_EXAMPLE)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["mother"]["name"] == "Mamma Ku"
    assert body["mother"]["address"] == "Trimveien 8, 0372 OSLO"
    assert body["mother"]["metadata"]["version"] == 1
    assert body["clinicalTests"]["hemoglobin"] == 20.0
    assert body["clinicalTests"]["ferritin"] == 20.29
    assert body["clinicalTests"]["aboRh"] == {"aboType": None, "rhesusDType": None}
    assert body["rhesusDNegative"] is None
    assert body["vitalMeasurementsBeforePregnancy"]["height"] == 280.0
    assert body["vitalMeasurementsBeforePregnancy"]["prePregnancyWeight"] == 90.0
    assert body["vitalMeasurementsBeforePregnancy"]["bMI"] is None
    assert body["currentPregnancy"] is None
    record_id = body["metadata"]["recordId"]
    assert Mother.objects.get(record_id=record_id).name == "Mamma Ku"
    assert ClinicalTests.objects.get(record_id=record_id).ferritin == 20.29
    assert VitalMeasurementsBeforePregnancy.objects.get(record_id=record_id).bmi is None
    created = set(RecordEvent.objects.filter(record_id=record_id).values_list("resource_type", flat=True))
    assert created == {
        "record",
        "careLocations",
        "mother",
        "clinicalTests",
        "vitalMeasurementsBeforePregnancy",
    }


def test_the_nhn_example_exactly_as_written_is_not_json_so_it_is_a_400_dhg_0011(api, db_state):
    before = db_state()
    response = api.post("record", raw=NHN_EXAMPLE_AS_WRITTEN)
    assert outcome(response) == (400, "DHG-0011", "DHG-0011")
    assert "JSON" in response.json()["errorMessage"]
    assert db_state() == before
    assert Pregnancy.objects.count() == 0


def test_a_create_with_one_invalid_resource_creates_nothing_at_all(api, db_state):
    body = {**NHN_EXAMPLE, "currentPregnancy": {"numberOfFetuses": "two"}}
    before = db_state()
    response = api.post("record", body)
    assert outcome(response) == (400, "DHG-0012", "DHG-0012")
    assert response.json()["field"] == "currentPregnancy.numberOfFetuses"
    assert db_state() == before
    assert Pregnancy.objects.count() == 0


def test_a_create_with_a_resource_failing_a_model_rule_creates_nothing_at_all(api, db_state):
    body = {**NHN_EXAMPLE, "currentPregnancy": {"numberOfFetuses": 12}}
    before = db_state()
    response = api.post("record", body)
    assert outcome(response) == (400, "DHG-0012", "DHG-0012")
    assert "numberOfFetuses" in response.json()["field"]
    assert db_state() == before


def test_creating_a_record_when_an_active_one_exists_is_refused_with_dhg_0009(api, record, db_state):
    before = db_state()
    response = api.post("record", NHN_EXAMPLE)
    assert outcome(response) == (409, "DHG-0009", "DHG-0009")
    assert "active" in response.json()["errorMessage"].lower()
    assert db_state() == before


def test_a_create_body_with_an_unknown_resource_type_is_refused(api, db_state):
    before = db_state()
    response = api.post("record", {"mothers": {"name": "Mamma Ku"}})
    assert outcome(response) == (400, "DHG-0012", "DHG-0012")
    assert response.json()["field"] == "mothers"
    assert db_state() == before


def test_the_record_document_has_every_resource_with_absent_ones_null(api, record_id):
    assert api.post(f"record/{record_id}/mother", {"name": "Kari Nordmann"}).status_code == 201
    response = api.get(f"record/{record_id}")
    assert response.status_code == 200
    body = response.json()
    assert body["metadata"]["recordId"] == record_id
    assert body["metadata"]["recordStatus"] == {"status": "ACTIVE"}
    assert body["mother"]["name"] == "Kari Nordmann"
    assert body["mother"]["metadata"]["version"] == 1
    assert body["mother"]["metadata"]["lastUpdatedBy"]["name"] == "Kari Jordmor"
    assert body["currentPregnancy"] is None
    assert body["birthPlan"] is None
    assert body["antenatalAppointments"] == []
    assert body["symphysisFundalHeights"] == []


def test_reading_a_record_sends_an_etag_and_if_none_match_gives_304(api, record_id):
    first = api.get(f"record/{record_id}")
    assert first.status_code == 200
    etag = first["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    again = api.get(f"record/{record_id}", If_None_Match=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    listed = api.get(f"record/{record_id}", If_None_Match=f'"something-else", {etag}')
    assert listed.status_code == 304


def test_the_etag_changes_when_any_resource_changes(api, record_id):
    etag = api.get(f"record/{record_id}")["ETag"]
    assert api.post(f"record/{record_id}/medication", {"drugAllergy": False}).status_code == 201
    response = api.get(f"record/{record_id}", If_None_Match=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag
    assert response.json()["medication"]["drugAllergy"] is False


def test_an_unknown_record_id_gives_dhg_0015(api, record):
    response = api.get("record/7d0c4f4e-52d4-4a25-9a33-0f2f0b7f3b7e")
    assert outcome(response) == (404, "DHG-0015", "DHG-0015")


def test_a_malformed_record_id_gives_dhg_0015_not_a_500(api, record):
    response = api.get("record/not-a-uuid")
    assert outcome(response) == (404, "DHG-0015", "DHG-0015")


def test_a_record_of_another_patient_is_not_found(api, record_id, other_patient_api):
    response = other_patient_api.get(f"record/{record_id}")
    assert outcome(response) == (404, "DHG-0015", "DHG-0015")


def test_a_write_naming_another_patient_is_not_found_and_changes_nothing(
    record_id, other_patient_api, db_state
):
    before = db_state()
    response = other_patient_api.post(f"record/{record_id}/mother", {"name": "Someone Else"})
    assert outcome(response) == (404, "DHG-0015", "DHG-0015")
    assert db_state() == before


def test_a_stranger_gets_the_same_404_as_for_a_record_that_does_not_exist(stranger_api, record_id):
    hidden = stranger_api.get(f"record/{record_id}", nhn_event_id="trace-1")
    missing = stranger_api.get("record/7d0c4f4e-52d4-4a25-9a33-0f2f0b7f3b7e", nhn_event_id="trace-1")
    assert outcome(hidden) == (404, "DHG-0015", "DHG-0015")
    assert hidden.json() == missing.json()
    assert record_id not in hidden.content.decode()
    assert "ETag" not in hidden


def test_a_stranger_cannot_write_to_the_record_and_nothing_changes(stranger_api, record_id, db_state):
    before = db_state()
    for response in [
        stranger_api.post(f"record/{record_id}/medication", {"drugAllergy": True}),
        stranger_api.post(f"record/{record_id}/antenatalAppointments", {"appointmentDate": "2025-04-11"}),
        stranger_api.post(
            f"record/{record_id}/updateStatus", {"version": 1, "recordStatus": {"status": "ENTERED_IN_ERROR"}}
        ),
        stranger_api.get(f"history/{record_id}"),
    ]:
        assert outcome(response) == (404, "DHG-0015", "DHG-0015")
        assert record_id not in response.content.decode()
    assert db_state() == before


# --- lastUpdatedBy: null for what is not known, never "" ---------------------------------------------------

WITHOUT_A_ROLE = {
    "userType": "HEALTH_CARE_PROFESSIONAL",
    "orgNr": "974749025",
    "orgName": "St Olavs hospital, fødeavdelingen",
    "hprNr": "9144889",
    "hprRole": None,
    "name": "Kari Jordmor",
    "sourceSystem": "Test EPJ 1.0",
}


def test_an_hpr_role_no_one_sent_is_null_wherever_last_updated_by_is_given(api, record_id):
    written = api.post(f"record/{record_id}/mother", {"name": "Kari Nordmann"})
    updated = api.put(f"record/{record_id}/mother", {"metadata": {"version": 1}, "name": "Kari Berg"})
    item = api.post(f"record/{record_id}/antenatalAppointments", {"appointmentDate": "2025-04-11"})
    status = api.post(
        f"record/{record_id}/updateStatus",
        {"version": 1, "recordStatus": {"status": "TERMINATED", "terminationDate": "2025-04-12T10:00:00Z"}},
    )
    document = api.get(f"record/{record_id}").json()
    history = api.get("history").json()["history"]

    assert written.json()["metadata"]["lastUpdatedBy"] == WITHOUT_A_ROLE
    assert updated.json()["metadata"]["lastUpdatedBy"] == WITHOUT_A_ROLE
    assert item.json()["metadata"]["lastUpdatedBy"] == WITHOUT_A_ROLE
    assert status.json()["metadata"]["lastUpdatedBy"] == WITHOUT_A_ROLE
    assert document["metadata"]["lastUpdatedBy"] == WITHOUT_A_ROLE
    assert document["mother"]["metadata"]["lastUpdatedBy"] == WITHOUT_A_ROLE
    assert document["antenatalAppointments"][0]["metadata"]["lastUpdatedBy"] == WITHOUT_A_ROLE
    assert history[0]["lastUpdatedBy"] == WITHOUT_A_ROLE


def test_an_hpr_role_that_was_sent_is_given_as_sent(api, record_id):
    role = quote(json.dumps({"system": "urn:oid:2.16.578.1.12.4.1.1.9060", "code": "JO"}))

    response = api.post(f"record/{record_id}/mother", {"name": "Kari Nordmann"}, nhn_user_role=role)

    assert response.json()["metadata"]["lastUpdatedBy"] == WITHOUT_A_ROLE | {"hprRole": "JO"}


def test_her_own_version_has_null_organisation_and_hpr_fields_not_empty_strings(api, record, her):
    services.birth_plan_save(
        record_id=record.pk, version=None, data={"place_of_birth": "St Olavs"}, actor=her
    )

    plan = api.get(f"record/{record.pk}").json()["birthPlan"]

    assert plan["metadata"]["lastUpdatedBy"] == HER_AS_LAST_UPDATED_BY
