"""The audit trail of the record API: one entry per request, naming who asked and what happened."""

import pytest

from conftest import new_nin
from maternity.models import AccessLog

pytestmark = pytest.mark.django_db


def last_entry() -> AccessLog:
    return AccessLog.objects.order_by("-id").first()


def test_a_status_lookup_is_logged_against_the_person(api, record):
    api.get("status")
    entry = last_entry()
    assert (entry.action, entry.outcome, entry.person_id) == ("PATIENT_LOOKUP", "ALLOWED", record.person_id)


def test_a_read_names_the_client_system_and_the_person_behind_it(api, client_a, record):
    api.get(f"record/{record.pk}", nhn_event_id="trace-42")
    entry = last_entry()
    assert entry.action == "READ" and entry.record_id == record.pk and entry.person_id == record.person_id
    assert entry.client_id == client_a.client_id
    assert (entry.acting_user_name, entry.acting_user_id) == ("Kari Jordmor", "9144889")
    assert entry.client_event_id == "trace-42" and entry.request_id
    assert entry.source_system == "Test EPJ 1.0" and entry.ip == "127.0.0.1"


def test_a_refused_write_is_logged_with_the_reason_it_was_refused(api, record):
    api.put(f"record/{record.pk}/medication", {"metadata": {"version": 1}})
    entry = last_entry()
    assert (entry.action, entry.outcome, entry.status_code) == ("WRITE", "REJECTED", 404)
    assert "no medication" in entry.detail


def test_a_stale_write_is_rejected_and_logged(api, record):
    assert api.post(f"record/{record.pk}/mother", {"name": "Kari"}).status_code == 201
    api.put(f"record/{record.pk}/mother", {"metadata": {"version": 7}, "name": "Kari Nordmann"})
    entry = last_entry()
    assert (entry.outcome, entry.status_code) == ("REJECTED", 409)
    assert "version" in entry.detail


def test_a_create_is_logged_with_the_new_record(api):
    response = api.for_patient(new_nin()).post("record")
    entry = last_entry()
    assert entry.action == "CREATE" and str(entry.record_id) == response.json()["metadata"]["recordId"]


def test_a_bad_token_is_logged_as_denied_without_a_user(api, record):
    api.get(f"record/{record.pk}", Authorization="Bearer not-a-token")
    entry = last_entry()
    assert (entry.outcome, entry.status_code, entry.user_id, entry.user_type) == ("DENIED", 401, None, "")
    assert entry.record_id == record.pk
