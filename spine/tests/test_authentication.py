"""A client system's bearer token: one query finds the token, the client, its Care Location and service
user, so a revoked token or a deactivated client, location or user is refused on the very next request."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oauth2_provider.models import AccessToken

from conftest import API, RecordApi, fetch_token
from maternity.database.compiled_queries import readable

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(client_a) -> str:
    return fetch_token(client_a.client_id, client_a.client_secret)


def status_with(token: str, nin: str) -> int:
    return RecordApi(token, nin).get("status").status_code


def test_a_valid_token_is_resolved_to_its_client_in_one_query(token, nin):
    api = RecordApi(token, nin)
    with CaptureQueriesContext(connection) as queries:
        assert api.get("status").status_code == 200

    sql = [readable(query["sql"]) for query in queries]  # the SQL behind a prepared statement's EXECUTE
    token_queries = [text for text in sql if "oauth2_provider_accesstoken" in text]
    assert len(token_queries) == 1
    assert "spine_spineclient" in token_queries[0] and "maternity_carelocation" in token_queries[0]
    assert not [text for text in sql if text.startswith('SELECT "spine_spineclient"')]


def test_a_revoked_token_is_refused_at_once(client_a, token, nin):
    assert status_with(token, nin) == 200

    response = Client().post(
        "/o/revoke_token/",
        {"token": token, "client_id": client_a.client_id, "client_secret": client_a.client_secret},
    )

    assert response.status_code == 200
    assert status_with(token, nin) == 401


@pytest.mark.parametrize("what", ["client", "care location", "service user"])
def test_deactivating_the_client_its_location_or_its_user_refuses_its_token_at_once(
    client_a, token, nin, what
):
    assert status_with(token, nin) == 200
    row = {
        "client": client_a.client,
        "care location": client_a.client.care_location,
        "service user": client_a.client.service_user,
    }[what]
    field = "is_active" if what == "service user" else "active"
    setattr(row, field, False)
    row.save(update_fields=[field])

    response = RecordApi(token, nin).get("status")

    assert response.status_code == 401
    assert response.json()["errorCode"] == "DHG-0005"


def test_an_expired_token_is_refused(token, nin):
    AccessToken.objects.update(expires=timezone.now() - timedelta(seconds=1))

    assert status_with(token, nin) == 401


@pytest.mark.parametrize(
    "header", ["Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer not-a-token", "Token x"]
)
def test_a_malformed_or_unknown_authorization_is_401_not_500(nin, header):
    response = Client().get(f"{API}/status", headers={"Authorization": header, "nhn-patient-nin": nin})

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
