"""Concurrent writers of one version: exactly one wins, nobody's update is lost (PostgreSQL only)."""

import threading

import pytest
from django.db import connection, connections

from conftest import RecordApi
from maternity.models import Mother, RecordEvent

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]

WRITERS = 20


def run_together(count: int, work) -> list:
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int):
        try:
            barrier.wait()
            results[index] = work(index)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_twenty_writers_of_one_version_exactly_one_wins(api: RecordApi):
    record_id = api.post("record", {"mother": {"name": "Start"}}).json()["metadata"]["recordId"]
    mother_id = Mother.objects.get(record_id=record_id).pk
    events_before = RecordEvent.objects.filter(record_id=record_id).count()

    def write(index: int):
        response = RecordApi(api.token, api.nin).put(
            f"record/{record_id}/mother", {"metadata": {"version": 1}, "name": f"Writer {index}"}
        )
        return response.status_code, response.json().get("errorCode")

    results = run_together(WRITERS, write)

    assert sorted(status for status, _ in results) == [200] + [409] * (WRITERS - 1)
    assert {code for status, code in results if status == 409} == {"DHG-0008"}
    assert Mother.history.filter(id=mother_id).count() == 2  # the create and exactly one update
    assert Mother.objects.get(pk=mother_id).version == 2
    assert RecordEvent.objects.filter(record_id=record_id).count() == events_before + 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_creates_for_one_person_make_one_record(api: RecordApi):
    results = run_together(2, lambda index: RecordApi(api.token, api.nin).post("record").status_code)
    assert sorted(results) == [201, 409]
