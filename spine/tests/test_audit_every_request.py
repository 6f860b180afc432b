"""Every request under the APIs' prefixes leaves exactly one audit entry, whatever became of it: allowed,
refused, an unknown path, a wrong method, no token, a body that is not JSON or too large, and a view that
raised (answered 500 by handler500). The health probes leave none.

A 500 is provoked by making a real view's collaborator raise (no view exists only for the test): the
middleware, the views and handler500 are the real ones."""

import json
import uuid

import pytest
from django.db import OperationalError
from django.test import Client

from conftest import API, FhirApi, RecordApi, new_nin
from maternity import services
from maternity.models import AccessLog, AccessOutcome
from maternity.signin.locations import SESSION_KEY

from .helpers import find_all_parameters

pytestmark = pytest.mark.django_db

UNKNOWN_RECORD = str(uuid.UUID(int=7))


def explode(*args, **kwargs):
    raise RuntimeError("a bug")


@pytest.fixture
def web():
    """A test client that answers an unhandled exception as production does (handler500), not by raising."""
    return Client(raise_request_exception=False)


@pytest.fixture
def api_500(api, web) -> RecordApi:
    return RecordApi(api.token, api.nin, client=web)


@pytest.fixture
def fhir(api, web) -> FhirApi:
    return FhirApi(api.token, client=web)


def one_entry(send):
    """Send one request; return its response and the one entry it left."""
    before = AccessLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = send()
    entries = list(AccessLog.objects.filter(id__gt=before))
    assert len(entries) == 1, (response.status_code, response.content[:200], entries)
    return response, entries[0]


def test_every_request_of_a_mixed_run_leaves_exactly_one_audit_entry(
    api_500, fhir, web, stranger_api, record_id, nin, location_a, monkeypatch
):
    api, headers = api_500, api_500.headers()
    midwife = services.practitioner_create(
        username="kari", display_name="Kari Jordmor", care_locations=[location_a], hpr_nr="9144889"
    )
    browser = Client(raise_request_exception=False)
    browser.force_login(midwife)
    session = browser.session
    session[SESSION_KEY] = location_a.pk
    session.save()
    item = api.post(f"record/{record_id}/antenatalAppointments", {"appointmentDate": "2026-03-01"}).json()
    too_large = json.dumps({"name": "x" * 300_000})
    etag = api.get(f"record/{record_id}")["ETag"]

    requests = {
        "read": lambda: api.get(f"record/{record_id}"),
        "read with a slash": lambda: api.get(f"record/{record_id}/"),
        "a conditional read": lambda: api.get(f"record/{record_id}", If_None_Match=etag),
        "status": lambda: api.get("status"),
        "history": lambda: api.get(f"history/{record_id}"),
        "patient history": lambda: api.get("history"),
        "HEAD": lambda: web.head(f"{API}/record/{record_id}", headers=headers),
        "OPTIONS": lambda: web.options(f"{API}/record/{record_id}", headers=headers),
        "create a resource": lambda: api.post(f"record/{record_id}/mother", {"name": "Kari"}),
        "update it": lambda: api.put(f"record/{record_id}/mother", {"metadata": {"version": 1}, "name": "K"}),
        "a stale update": lambda: api.put(f"record/{record_id}/mother", {"metadata": {"version": 1}}),
        "add a list item": lambda: api.post(
            f"record/{record_id}/antenatalAppointments", {"appointmentDate": "2026-04-01"}
        ),
        "enter it in error": lambda: api.delete(
            f"record/{record_id}/antenatalAppointments/{item['metadata']['id']}"
        ),
        "create a record": lambda: api.for_patient(new_nin()).post("record/"),
        "a write the caller may not make": lambda: api.post(f"record/{record_id}/birthPlan", {}),
        "a record by a stranger": lambda: stranger_api.get(f"record/{record_id}"),
        "an unknown record": lambda: api.get(f"record/{UNKNOWN_RECORD}"),
        "an unknown resource type": lambda: api.get(f"record/{record_id}/horoscope"),
        "an unknown path, record API": lambda: api.get("no/such/thing"),
        "an unknown version, record API": lambda: web.get("/api/maternity-record/v2/status", headers=headers),
        "an unknown path, FHIR": lambda: fhir.post("Patient/$no-such-operation", {}),
        "an unknown path, /spine/v1/": lambda: web.get("/spine/v1/nothing", headers=headers),
        "an unknown path, /spine/": lambda: web.get("/spine/v9/records", headers=headers),
        "an unknown path, signed in": lambda: browser.get(f"{API}/nothing"),
        "a wrong method": lambda: web.patch(f"{API}/record/{record_id}", headers=headers),
        "a wrong method, FHIR": lambda: web.get("/spine/fhir/Patient/$find-pregnancy", headers=headers),
        "no token": lambda: web.get(f"{API}/record/{record_id}"),
        "a bad token": lambda: api.get(f"record/{record_id}", Authorization="Bearer not-a-token"),
        "no token, FHIR": lambda: FhirApi(None, client=web).post("Patient/$find-all-pregnancies", {}),
        "malformed JSON": lambda: api.post(f"record/{record_id}/medication", raw="{not json"),
        "malformed JSON, FHIR": lambda: fhir.post("Patient/$find-pregnancy", raw="{not json"),
        "not JSON": lambda: web.post(
            f"{API}/record/{record_id}/medication", "a=b", content_type="text/plain", headers=headers
        ),
        "a body too large": lambda: api.post(f"record/{record_id}/mother", raw=too_large),
        "a missing header": lambda: api.get("status", nhn_patient_nin=""),
        "FHIR find-all": lambda: fhir.post(
            "Patient/$find-all-pregnancies", find_all_parameters(nin, "1994-05-17")
        ),
        "records list": lambda: web.get("/spine/v1/records", headers=headers),
        "event feed": lambda: web.get("/spine/v1/events/", headers=headers),
        "subscriptions": lambda: web.get("/spine/v1/subscriptions", headers=headers),
        "signed in, records list": lambda: browser.get("/spine/v1/records"),
    }
    crashes = {
        "a record read that crashes": (
            "spine.documents.document_current",
            lambda: api.get(f"record/{record_id}"),
        ),
        "a status lookup that crashes": ("spine.views.record.patient_status", lambda: api.get("status")),
        "a FHIR find-all that crashes": (
            "spine.fhir.views.pregnancies_of_person",
            lambda: fhir.post("Patient/$find-all-pregnancies", find_all_parameters(nin, "1994-05-17")),
        ),
        "a records list that crashes": (
            "spine.views.records_list.visible_records_page",
            lambda: web.get("/spine/v1/records", headers=headers),
        ),
    }
    before = AccessLog.objects.count()
    statuses = {}
    for name, send in requests.items():
        response, _ = one_entry(send)
        statuses[name] = response.status_code
    for name, (target, send) in crashes.items():
        with monkeypatch.context() as patch:
            patch.setattr(target, explode)
            response, _ = one_entry(send)
        statuses[name] = response.status_code
    sent, written = len(statuses), AccessLog.objects.count() - before
    print(f"\n{sent} requests, {written} audit entries; statuses {sorted(set(statuses.values()))}")

    assert written == sent
    assert [name for name in crashes if statuses[name] != 500] == []
    assert {200, 201, 304, 400, 401, 403, 404, 405, 409, 413, 415, 500} <= set(statuses.values())


def test_a_view_that_raises_is_audited_as_a_500_naming_the_record_and_the_exception(
    api_500, record_id, record, monkeypatch
):
    monkeypatch.setattr("spine.documents.document_current", explode)
    response, entry = one_entry(lambda: api_500.get(f"record/{record_id}"))
    assert response.status_code == 500 and response.json()["errorCode"] == "DHG-0001"
    assert (entry.action, entry.outcome, entry.status_code) == ("READ", AccessOutcome.REJECTED, 500)
    assert (str(entry.record_id), entry.person_id) == (record_id, record.person_id)
    assert entry.acting_user_name == "Kari Jordmor" and entry.client_id
    assert "Unhandled RuntimeError" in entry.detail and "a bug" not in entry.detail
    assert entry.request_id == response.json()["eventId"]


def test_an_unknown_path_is_audited_as_rejected_with_who_asked_and_what(web, location_a, record_id):
    response, entry = one_entry(lambda: web.get("/spine/v1/nothing/here", REMOTE_ADDR="10.1.2.3"))
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert (entry.action, entry.outcome, entry.status_code) == ("READ", AccessOutcome.REJECTED, 404)
    assert "No such endpoint: /spine/v1/nothing/here" in entry.detail
    assert entry.ip == "10.1.2.3" and entry.request_id == response.json()["eventId"]


def test_an_unknown_fhir_path_is_an_operation_outcome_404(fhir):
    response, entry = one_entry(lambda: fhir.post("Patient/$delete-everything", {}))
    assert response.status_code == 404
    assert response.json()["issue"][0]["code"] == "not-found"
    assert (entry.action, entry.status_code) == ("WRITE", 404)


def test_an_options_request_is_audited_without_naming_the_record(api_500, record_id):
    response, entry = one_entry(
        lambda: api_500.client.options(f"{API}/record/{record_id}", headers=api_500.headers())
    )
    assert response.status_code == 200
    assert (entry.action, entry.record_id, entry.person_id) == ("READ", None, None)


def test_an_unknown_path_whose_audit_entry_cannot_be_written_answers_503(web, monkeypatch):
    def audit_fails(**entry):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("maternity.audit.middleware.access_log_write", audit_fails)
    response = web.get(f"{API}/no/such/thing")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response.json()["errorCode"] == "DHG-0006"


def test_a_token_refused_at_the_token_endpoint_is_not_an_api_request_and_leaves_no_entry(web, client_a):
    web.post("/o/token/", {"grant_type": "client_credentials", "client_id": client_a.client_id})
    web.get("/o/token/")
    assert AccessLog.objects.count() == 0


def test_the_health_probes_leave_no_audit_entry(web):
    assert web.get("/health/live").status_code == 200
    assert web.get("/health/ready").status_code == 200
    assert AccessLog.objects.count() == 0


def test_a_crash_in_one_request_leaves_the_next_one_audited_as_usual(api_500, record_id, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr("spine.documents.document_current", explode)
        one_entry(lambda: api_500.get(f"record/{record_id}"))
    response, entry = one_entry(lambda: api_500.get(f"record/{record_id}"))
    assert (response.status_code, entry.status_code, entry.outcome) == (200, 200, AccessOutcome.ALLOWED)
    assert "Unhandled" not in entry.detail
