"""While the database cannot be reached, the APIs answer at once with a clean 503 (Retry-After, the
API's error format: DHG-0006, NHN's "database error"), never a 500 page or a hang, and serve again as
soon as it is back. (The real outage, PostgreSQL stopped under load: spine/tests/faults/.)"""

import pytest
from django.db import OperationalError, connection
from django.test import Client

from conftest import FhirApi, fetch_token
from maternity.tests.unreachable import database_unreachable

from .helpers import find_all_parameters

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL connection options"),
    pytest.mark.django_db(transaction=True),
]


def assert_unavailable(response):
    assert response.status_code == 503, response.content
    assert response["Retry-After"] == "5"
    body = response.json()
    assert body["errorCode"] == "DHG-0006"
    assert response["nhn-error-code"] == "DHG-0006"
    assert body["eventId"]  # traceable, like every other error


def test_the_record_api_answers_503_while_the_database_is_unreachable(api, record_id):
    with database_unreachable():
        assert_unavailable(api.get(f"record/{record_id}"))
        assert_unavailable(api.put(f"record/{record_id}/mother", {"metadata": {"version": 1}, "name": "X"}))
        assert_unavailable(api.client.get("/spine/v1/events", headers=api.headers()))
    assert api.get(f"record/{record_id}").status_code == 200  # and serves again once it is back


def test_the_fhir_operations_answer_a_transient_outcome_while_the_database_is_unreachable(client_a, nin):
    fhir = FhirApi(fetch_token(client_a.client_id, client_a.client_secret))
    with database_unreachable():
        response = fhir.post("Patient/$find-all-pregnancies", find_all_parameters(nin, "1994-05-17"))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["issue"][0]["code"] == "transient"


def test_the_token_endpoint_answers_an_oauth_error_while_the_database_is_unreachable(client_a):
    client = Client(raise_request_exception=False)  # as in production: the handler answers, not the test
    with database_unreachable():
        response = client.post(
            "/o/token/",
            {"grant_type": "client_credentials", "client_id": client_a.client_id, "client_secret": "x"},
        )
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["error"] == "temporarily_unavailable"


def test_a_read_whose_audit_entry_cannot_be_written_is_not_shown(api, record_id, monkeypatch):
    def audit_fails(**entry):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("maternity.audit.middleware.access_log_write", audit_fails)
    response = api.get(f"record/{record_id}")
    assert_unavailable(response)
    assert "mother" not in response.json()


def test_connections_give_up_on_an_unreachable_server_and_notice_a_vanished_client():
    assert connection.get_connection_params()["connect_timeout"] == 5
    with connection.cursor() as cursor:
        cursor.execute("SHOW client_connection_check_interval")
        assert cursor.fetchone()[0] == "2s"
