"""GET record and a page of GET history/{recordId} cost the same number of SQL queries however large the
record and its history."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import RecordApi, new_nin
from maternity import services
from maternity.models import AntenatalAppointment, Mother


def count_queries(api: RecordApi, record_id) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(f"record/{record_id}")
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_get_record_uses_the_same_queries_for_an_empty_and_a_large_record(api, midwife_actor):
    empty_id = api.post("record").json()["metadata"]["recordId"]
    empty_queries = count_queries(api, empty_id)

    large = api.for_patient(new_nin())
    large_id = large.post("record", {"mother": {"name": "Version 0"}}).json()["metadata"]["recordId"]
    for version in range(1, 1001):
        services.resource_update(
            record_id=large_id,
            resource_type="mother",
            version=version,
            data={"name": f"Version {version}"},
            actor=midwife_actor,
        )
    for week in range(200):
        services.resource_create(
            record_id=large_id,
            resource_type="antenatalAppointments",
            data={
                "appointment_date": "2026-01-01",
                "pregnancy_week": 1 + week % 42,
                "blood_pressure": "120/80",
            },
            actor=midwife_actor,
        )
    assert Mother.history.filter(record_id=large_id).count() == 1001
    assert AntenatalAppointment.objects.filter(record_id=large_id).count() == 200

    large_queries = count_queries(large, large_id)
    assert large_queries == empty_queries
    assert empty_queries <= 10, "token, client, record with its singletons, one per list type"
    assert len(large.get(f"record/{large_id}").json()["antenatalAppointments"]) == 200


def count_history_queries(api: RecordApi, record_id) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(f"history/{record_id}")
    assert response.status_code == 200
    return len(queries), [query["sql"][:60] for query in queries]


@pytest.mark.django_db
def test_a_history_page_costs_the_same_queries_however_many_versions_and_actors_it_names(api, record_id):
    api.post(f"record/{record_id}/mother", {"name": "Version 1"})
    api.post(f"record/{record_id}/antenatalAppointments", {"appointmentDate": "2026-01-01"})
    few, shown = count_history_queries(api, record_id)

    for version in range(1, 60):
        api.put(
            f"record/{record_id}/mother",
            {"metadata": {"version": version}, "name": f"Version {version + 1}"},
            X_Acting_User_Name=f"Midwife {version}",
            X_Acting_User_Id=f"{1000000 + version}",
        )
        api.post(f"record/{record_id}/antenatalAppointments", {"appointmentDate": "2026-01-01"})
    many, _ = count_history_queries(api, record_id)

    assert many == few, shown
    # The token, the record, its person (the patient match), the events, one per resource type on the page
    # (record, careLocations, mother, antenatalAppointments: the versions, with who made each), the audit.
    assert few == 9, shown
