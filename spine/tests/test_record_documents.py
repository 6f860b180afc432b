"""The stored record document (maternity/reads/documents.py) is what GET record serves: after every kind of
write it is at the record's revision and equal to one built afresh from the rows.

(Every other test that writes is checked the same way when it ends: `_documents_never_drift` in the root
conftest.py.)"""

import json
import re
from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import RecordApi, new_nin
from maternity import services
from maternity.actors import Actor
from maternity.database.compiled_queries import readable
from maternity.models import Pregnancy, RecordDocument, StakeholderReason, UserType
from maternity.reads.documents import document_build, document_differences, dumps
from maternity.rules.identifiers import parse_national_id
from maternity.rules.pregnancy_keys import PregnancyKeys
from maternity.rules.resources import LISTS, RESOURCE_TYPES
from maternity.services.gate import WriteOutsideGate
from maternity.services.versioning import record_event

from .test_record_api_resources import LIST_DATA, SINGLETON_DATA

pytestmark = pytest.mark.django_db


def stored(record_id) -> tuple[int, dict]:
    row = RecordDocument.objects.get(record_id=record_id)
    return row.revision, json.loads(row.body)


def assert_document_is_the_rows(record_id) -> dict:
    """The stored document exists, is at the record's revision and equals a fresh build."""
    revision, document = stored(record_id)
    built_at, built = document_build(record_id)
    assert revision == built_at == Pregnancy.objects.get(pk=record_id).revision
    assert document == json.loads(dumps(built))
    return document


def by_id(items: list[dict]) -> dict:
    return {item["metadata"]["id"]: item for item in items}


def test_a_new_record_has_its_document_at_once(api):
    response = api.post("record", {"mother": {"name": "Kari Nordmann"}})
    record_id = response.json()["metadata"]["recordId"]

    document = assert_document_is_the_rows(record_id)
    assert document == response.json()
    assert document["mother"]["name"] == "Kari Nordmann"
    assert document["antenatalAppointments"] == []


@pytest.mark.parametrize("resource_type", list(SINGLETON_DATA))
def test_each_singletons_post_and_put_rewrite_the_document(api, record_id, resource_type):
    first, second = SINGLETON_DATA[resource_type]
    created = api.post(f"record/{record_id}/{resource_type}", first)
    assert created.status_code == 201, created.content
    assert assert_document_is_the_rows(record_id)[resource_type] == created.json()

    updated = api.put(f"record/{record_id}/{resource_type}", {**second, "metadata": {"version": 1}})
    assert updated.status_code == 200, updated.content
    assert assert_document_is_the_rows(record_id)[resource_type] == updated.json()


@pytest.mark.parametrize("resource_type", ["antenatalAppointments", "symphysisFundalHeights", "bookings"])
def test_each_list_types_post_put_and_delete_rewrite_the_document(api, record_id, resource_type):
    first, second = LIST_DATA[resource_type]
    item = api.post(f"record/{record_id}/{resource_type}", first).json()
    other = api.post(f"record/{record_id}/{resource_type}", first).json()
    assert by_id(assert_document_is_the_rows(record_id)[resource_type]) == by_id([item, other])

    path = f"record/{record_id}/{resource_type}/{item['metadata']['id']}"
    updated = api.put(path, {**second, "metadata": {"version": 1}}).json()
    assert by_id(assert_document_is_the_rows(record_id)[resource_type]) == by_id([updated, other])

    deleted = api.delete(path).json()
    assert deleted["metadata"]["enteredInError"] is True
    assert by_id(assert_document_is_the_rows(record_id)[resource_type]) == by_id([deleted, other])


def test_a_status_change_and_its_note_rewrite_the_document(api, record_id):
    when = (timezone.now() - timedelta(hours=2)).isoformat()
    status = {"status": "DELIVERED", "deliveryDate": when, "liveBirth": True}
    response = api.post(f"record/{record_id}/updateStatus", {"version": 1, "recordStatus": status})
    assert response.status_code == 200, response.content

    document = assert_document_is_the_rows(record_id)
    assert document["metadata"] == response.json()["metadata"]
    assert document["metadata"]["recordStatus"]["status"] == "DELIVERED"
    assert "Status changed from ACTIVE to DELIVERED." in [note["text"] for note in document["notes"]]


def test_a_birth_after_delivery_rewrites_the_document(api, record_id):
    when = (timezone.now() - timedelta(hours=2)).isoformat()
    status = {"status": "DELIVERED", "deliveryDate": when, "liveBirth": True}
    api.post(f"record/{record_id}/updateStatus", {"version": 1, "recordStatus": status})
    birth = api.post(f"record/{record_id}/births", {**LIST_DATA["births"][0], "birthTime": when})
    assert birth.status_code == 201, birth.content

    assert assert_document_is_the_rows(record_id)["births"] == [birth.json()]


def test_pulling_care_rewrites_the_episodes_and_notes(record, location_b):
    actor_b = Actor(
        user_type=UserType.HEALTH_CARE_PROFESSIONAL,
        care_location=location_b,
        name="Ingrid",
        source_system="t",
    )
    services.stakeholder_grant(record=record, care_location=location_b, reason=StakeholderReason.API_ACCESS)

    services.care_pull(record_id=record.pk, actor=actor_b)

    document = assert_document_is_the_rows(record.pk)
    assert [episode["careLocation"]["orgNr"] for episode in document["careLocations"]][
        -1
    ] == location_b.org_nr


def test_breaking_glass_writes_its_note_into_the_document(record, midwife_actor, location_b):
    services.resource_create(
        record_id=record.pk,
        resource_type="currentPregnancy",
        data={"due_date_corrected_date": timezone.localdate() + timedelta(days=90)},
        actor=midwife_actor,
    )
    record.refresh_from_db()
    finder = Actor(
        user_type=UserType.HEALTH_CARE_PROFESSIONAL,
        care_location=location_b,
        name="Ingrid",
        source_system="t",
    )
    keys = PregnancyKeys(
        parse_national_id(record.person.identifier_value), record.person.date_of_birth, record.agreed_edd
    )

    found = services.record_find_by_keys(
        keys=keys, reason_code="LABOUR", reason="Admitted in labour, booked elsewhere.", actor=finder
    )

    assert found.broke_glass
    notes = assert_document_is_the_rows(record.pk)["notes"]
    assert "break glass" in notes[-1]["text"]


def test_her_birth_plan_and_its_read_mark_rewrite_the_document(record, midwife_actor):
    user = get_user_model().objects.create_user(username="astrid")
    record.person.user = user
    record.person.save(update_fields=["user"])
    her = Actor(user_type=UserType.PATIENT, user=user, name="Astrid Berg", source_system="maternity portal")

    services.birth_plan_save(
        record_id=record.pk, version=None, data={"place_of_birth": "St Olavs"}, actor=her
    )
    assert assert_document_is_the_rows(record.pk)["birthPlan"]["acknowledged"] is None

    services.birth_plan_acknowledge(record_id=record.pk, version=1, actor=midwife_actor)
    assert assert_document_is_the_rows(record.pk)["birthPlan"]["acknowledged"]["by"].startswith(
        "Kari Jordmor"
    )


def test_the_fhir_create_and_update_of_a_pregnancy_rewrite_the_document(midwife_actor):
    national_id = parse_national_id(new_nin())
    edd = timezone.localdate() + timedelta(days=120)
    created = services.pregnancy_create_by_keys(
        national_id=national_id,
        date_of_birth=national_id.birth_date,
        edds={"agreed": edd},
        actor=midwife_actor,
        mother={"name": "Kari Nordmann"},
    )
    assert assert_document_is_the_rows(created.record.pk)["mother"]["name"] == "Kari Nordmann"

    services.pregnancy_update(record_id=created.record.pk, actor=midwife_actor, mother={"name": "Kari Berg"})
    assert assert_document_is_the_rows(created.record.pk)["mother"]["name"] == "Kari Berg"


def test_deleting_a_record_deletes_its_document(record, location_a):
    admin = get_user_model().objects.create_user(username="admin_a", is_staff=True)
    location_a.admins.add(admin)

    services.record_delete(record_id=record.pk, user=admin, reason="Made for the wrong person.")

    assert not RecordDocument.objects.filter(record_id=record.pk).exists()


def test_a_refused_write_leaves_the_document_as_it_was(api, record_id):
    before = stored(record_id)

    response = api.put(f"record/{record_id}/mother", {"name": "X", "metadata": {"version": 7}})

    assert response.status_code == 404 or response.status_code == 409, response.content
    assert stored(record_id) == before


def test_a_change_outside_the_write_gate_is_refused(record, midwife_actor):
    with pytest.raises(WriteOutsideGate):
        record_event(
            record=record,
            resource_type="mother",
            resource_id=record.pk,
            version=1,
            action="UPDATED",
            actor=midwife_actor,
            now=timezone.now(),
        )


# --- Reads ------------------------------------------------------------------------------------------------


def test_a_record_without_a_stored_document_is_built_on_first_read_and_kept(api, record_id):
    expected = api.get(f"record/{record_id}").json()
    RecordDocument.objects.filter(record_id=record_id).delete()  # as for a record the bulk loader made

    assert api.get(f"record/{record_id}").json() == expected
    assert_document_is_the_rows(record_id)


def test_a_document_behind_the_record_is_never_served(api, record_id):
    api.post(f"record/{record_id}/mother", {"name": "Kari Nordmann"})
    row = RecordDocument.objects.get(record_id=record_id)
    stale = json.loads(row.body)
    stale["mother"]["name"] = "Someone Else"
    RecordDocument.objects.filter(pk=row.pk).update(revision=row.revision - 1, body=dumps(stale))

    assert api.get(f"record/{record_id}").json()["mother"]["name"] == "Kari Nordmann"
    assert_document_is_the_rows(record_id)


def test_a_client_with_a_record_filter_gets_the_stored_document_without_the_other_types(
    client_a, nin, record_id, api
):
    api.post(f"record/{record_id}/mother", {"name": "Kari Nordmann"})
    client_a.client.record_filter = ["currentPregnancy", "antenatalAppointments"]
    client_a.client.save(update_fields=["record_filter"])

    document = api.get(f"record/{record_id}").json()

    assert set(document) == {"metadata", "currentPregnancy", "antenatalAppointments"}


def test_verify_finds_and_repairs_a_document_that_differs(record, midwife_actor):
    services.resource_create(
        record_id=record.pk, resource_type="mother", data={"name": "Kari"}, actor=midwife_actor
    )
    row = RecordDocument.objects.get(record_id=record.pk)
    RecordDocument.objects.filter(pk=row.pk).update(body=row.body.replace("Kari", "Kåre"))

    assert document_differences([record.pk]) == [record.pk]
    assert document_differences([record.pk], repair=True) == [record.pk]
    assert document_differences([record.pk]) == []


def _stored_as_before_nulls(record_id) -> None:
    """Put the stored document back as it was written before lastUpdatedBy said null for what is not
    known: "" for each such member (an old document, still at the record's revision)."""
    row = RecordDocument.objects.get(record_id=record_id)
    old = re.sub(r'"(orgNr|orgName|hprNr|hprRole|name|sourceSystem)":null', r'"\1":""', row.body)
    assert old != row.body
    RecordDocument.objects.filter(pk=row.pk).update(body=old)


def test_the_migration_rebuilds_stored_documents_that_say_empty_strings_for_an_unknown_actor(api, record_id):
    assert api.post(f"record/{record_id}/mother", {"name": "Kari Nordmann"}).status_code == 201
    _stored_as_before_nulls(record_id)
    assert api.get(f"record/{record_id}").json()["mother"]["metadata"]["lastUpdatedBy"]["hprRole"] == ""
    unread = api.for_patient(new_nin()).post("record").json()["metadata"]["recordId"]
    RecordDocument.objects.filter(record_id=unread).delete()

    import_module("maternity.migrations.0019_documents_say_null_for_an_unknown_actor").rebuild(apps, None)

    document = assert_document_is_the_rows(record_id)
    assert document["mother"]["metadata"]["lastUpdatedBy"]["hprRole"] is None
    assert api.get(f"record/{record_id}").json() == document
    assert not RecordDocument.objects.filter(record_id=unread).exists()  # left to its first read


def test_reading_a_record_costs_the_same_queries_however_large_it_is(api, record_id):
    def queries_of_one_read() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api.get(f"record/{record_id}").status_code == 200
        return len(queries)

    small = queries_of_one_read()
    for _ in range(30):
        api.post(f"record/{record_id}/antenatalAppointments", LIST_DATA["antenatalAppointments"][0])
        api.post(f"record/{record_id}/symphysisFundalHeights", LIST_DATA["symphysisFundalHeights"][0])
    for resource_type, (first, _) in SINGLETON_DATA.items():
        api.post(f"record/{record_id}/{resource_type}", first)

    assert queries_of_one_read() == small == 3  # the token, the document, the audit entry
    assert len(RESOURCE_TYPES) == 22 and len(LISTS) == 9  # what "however large" covers


def test_revalidation_costs_the_same_queries_and_is_still_audited(api, record_id):
    from maternity.models import AccessLog

    etag = api.get(f"record/{record_id}")["ETag"]
    before = AccessLog.objects.count()

    with CaptureQueriesContext(connection) as queries:
        response = api.get(f"record/{record_id}", If_None_Match=etag)

    assert response.status_code == 304
    assert AccessLog.objects.count() == before + 1
    # The token (with its client system), the record's stamp (visibility, the patient, no body) and the
    # audit entry.
    assert len(queries) == 3, [query["sql"][:80] for query in queries]
    assert "body" not in readable(queries[1]["sql"])


# --- Concurrent writers -------------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_writers_leave_the_document_at_the_rows_latest_version(api: RecordApi):
    from maternity.tests.test_concurrent_writes import run_together

    record_id = api.post("record").json()["metadata"]["recordId"]

    def write(index: int):
        client = RecordApi(api.token, api.nin)
        if index % 2:
            return client.post(
                f"record/{record_id}/antenatalAppointments", LIST_DATA["antenatalAppointments"][0]
            )
        return client.post(
            f"record/{record_id}/symphysisFundalHeights", LIST_DATA["symphysisFundalHeights"][0]
        )

    results = run_together(20, write)

    assert [response.status_code for response in results] == [201] * 20
    document = assert_document_is_the_rows(record_id)
    assert len(document["antenatalAppointments"]) == len(document["symphysisFundalHeights"]) == 10
