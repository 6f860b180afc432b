"""One audit mechanism for every kind of caller: a midwife's page, the pregnant person's portal page, an
admin reading the audit trail, a client system's API call and a FHIR operation each leave exactly one
entry, written by the same middleware once the response is final; and whichever caller it is, a request
whose entry cannot be written shows nothing (503). The middleware, the views and the pages are the real
ones; only the final INSERT is made to fail, as a database that went away would."""

import pytest
from django.contrib.auth import get_user_model
from django.db import OperationalError
from django.test import Client

from conftest import FhirApi, new_nin
from maternity import services
from maternity.models import AccessAction, AccessLog, AccessOutcome, UserType
from maternity.rules.identifiers import parse_national_id
from maternity.tests.web.conftest import midwife
from portal.tests.conftest import link_patient
from spine.tests.helpers import find_all_parameters

pytestmark = pytest.mark.django_db


def one_entry(send):
    """Send one request; return its response and the one entry it left."""
    before = AccessLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = send()
    entries = list(AccessLog.objects.filter(id__gt=before))
    assert len(entries) == 1, (response.status_code, entries)
    return response, entries[0]


@pytest.fixture
def kari(location_a):
    return midwife("kari", location_a)[0]


@pytest.fixture
def astrid(record) -> Client:
    client = Client()
    client.force_login(link_patient(record.person))
    return client


@pytest.fixture
def superuser_client() -> Client:
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.org", "x"))
    return client


@pytest.fixture
def audit_fails(monkeypatch):
    def fail(**entry):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("maternity.audit.middleware.access_log_write", fail)


def test_a_midwife_reading_the_record_page_leaves_one_read_naming_her_location_and_the_person(
    kari, record, location_a
):
    response, entry = one_entry(lambda: kari.get(f"/records/{record.pk}/"))
    assert response.status_code == 200
    assert (entry.action, entry.outcome, entry.status_code) == (AccessAction.READ, AccessOutcome.ALLOWED, 200)
    assert (entry.record_id, entry.person_id) == (record.pk, record.person_id)
    assert (entry.user_type, entry.username, entry.care_location) == (
        UserType.HEALTH_CARE_PROFESSIONAL,
        "kari",
        location_a,
    )


def test_a_head_of_the_record_page_is_a_read_too(kari, record):
    response, entry = one_entry(lambda: kari.head(f"/records/{record.pk}/"))
    assert response.status_code == 200 and response.content == b""
    assert (entry.action, entry.record_id) == (AccessAction.READ, record.pk)


def test_the_pregnant_person_reading_her_pregnancy_leaves_one_read_as_the_patient(astrid, record):
    response, entry = one_entry(lambda: astrid.get(f"/portal/pregnancies/{record.pk}/"))
    assert response.status_code == 200
    assert (entry.action, entry.outcome, entry.user_type) == (
        AccessAction.READ,
        AccessOutcome.ALLOWED,
        UserType.PATIENT,
    )
    assert (entry.record_id, entry.person_id, entry.username) == (record.pk, record.person_id, "astrid")


def test_another_persons_pregnancy_in_the_portal_is_one_denied_entry(astrid, midwife_actor):
    hers = services.record_create(national_id=parse_national_id(new_nin()), actor=midwife_actor)
    response, entry = one_entry(lambda: astrid.get(f"/portal/pregnancies/{hers.pk}/"))
    assert response.status_code == 404
    assert (entry.outcome, entry.status_code, entry.record_id) == (AccessOutcome.DENIED, 404, hers.pk)


def test_an_admin_listing_the_audit_trail_leaves_one_audit_read(superuser_client):
    response, entry = one_entry(lambda: superuser_client.get("/admin/maternity/accesslog/"))
    assert response.status_code == 200
    assert (entry.action, entry.outcome, entry.username) == (
        AccessAction.AUDIT_READ,
        AccessOutcome.ALLOWED,
        "root",
    )
    assert entry.detail == "Listed the audit trail (no filters)."


def test_a_client_systems_record_read_leaves_one_read_with_its_request_id(api, record):
    response, entry = one_entry(lambda: api.get(f"record/{record.pk}"))
    assert response.status_code == 200
    assert (entry.action, entry.record_id, entry.person_id) == (
        AccessAction.READ,
        record.pk,
        record.person_id,
    )
    assert entry.client_id and entry.acting_user_name == "Kari Jordmor" and len(entry.request_id) == 32


def test_a_midwife_page_whose_entry_cannot_be_written_shows_nothing_of_the_record(kari, record, audit_fails):
    response = kari.get(f"/records/{record.pk}/")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert record.person.identifier_value not in response.content.decode()


def test_a_portal_page_whose_entry_cannot_be_written_shows_nothing_of_her_record(astrid, record, audit_fails):
    response = astrid.get(f"/portal/pregnancies/{record.pk}/")
    assert response.status_code == 503
    assert record.person.identifier_value not in response.content.decode()


def test_a_fhir_operation_whose_entry_cannot_be_written_is_an_operation_outcome_503(api, record, audit_fails):
    body = find_all_parameters(api.nin, record.person.date_of_birth)
    response = FhirApi(api.token).post("Patient/$find-all-pregnancies", body)
    assert response.status_code == 503 and response["Content-Type"] == "application/fhir+json"
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome" and outcome["issue"][0]["code"] == "transient"
    assert api.nin not in response.content.decode()


def test_an_api_write_whose_entry_cannot_be_written_is_a_503_that_says_it_may_have_been_saved(
    api, record, audit_fails
):
    response = api.post(f"record/{record.pk}/antenatalAppointments", {"appointmentDate": "2026-12-01"})
    assert response.status_code == 503 and response.json()["errorCode"] == "DHG-0006"
    assert "may have been saved" in response.json()["errorMessage"]
    assert record.antenatalappointments.count() == 1  # it was: the entry is written after the commit
