"""POST /o/token/ is rate-limited per client_id and per address (here 3 and 5 a minute): every request
counts, the one over the limit gets 429 with Retry-After and an OAuth error body, no secret is checked and no
token issued, and the refusal is logged."""

import base64
import logging

import pytest
from django.test import Client
from oauth2_provider.models import AccessToken

pytestmark = pytest.mark.django_db


def token_request(client_system, *, secret: str | None = None, ip: str = "192.0.2.10"):
    body = {
        "grant_type": "client_credentials",
        "client_id": client_system.client_id,
        "client_secret": client_system.client_secret if secret is None else secret,
    }
    return Client(REMOTE_ADDR=ip).post("/o/token/", body)


def test_the_fourth_token_request_of_a_client_in_a_minute_gets_429_and_no_token(limits, client_a, caplog):
    assert [token_request(client_a).status_code for _ in range(3)] == [200, 200, 200]
    with caplog.at_level(logging.WARNING, logger="maternity.security"):
        response = token_request(client_a)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert response.json()["error"] == "too_many_requests"
    assert "try again in" in response.json()["error_description"]
    assert response["Cache-Control"] == "no-store"
    assert AccessToken.objects.count() == 3
    assert "Too many token requests: refused POST /o/token/ from 192.0.2.10 over token-client" in caplog.text


def test_wrong_secrets_count_and_over_the_limit_even_the_right_one_is_refused(limits, client_a):
    assert [token_request(client_a, secret="guess").status_code for _ in range(3)] == [401, 401, 401]
    assert token_request(client_a).status_code == 429
    assert AccessToken.objects.count() == 0


def test_a_client_named_in_basic_credentials_is_counted_as_that_client(limits, client_a):
    basic = base64.b64encode(f"{client_a.client_id}:{client_a.client_secret}".encode()).decode()
    for expected in [200, 200, 200, 429]:
        response = Client(REMOTE_ADDR="192.0.2.10").post(
            "/o/token/", {"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {basic}"}
        )
        assert response.status_code == expected
    assert token_request(client_a).status_code == 429  # the same count, whichever way it names itself


def test_another_client_is_not_affected(limits, client_a, client_b):
    for _ in range(4):
        token_request(client_a)
    assert token_request(client_a).status_code == 429
    assert token_request(client_b, ip="192.0.2.20").status_code == 200


def test_one_address_is_limited_across_clients_and_another_address_is_not(
    limits, client_a, client_b, client_c
):
    statuses = [token_request(c).status_code for c in (client_a, client_a, client_b, client_b, client_c)]
    assert statuses == [200] * 5
    assert token_request(client_c).status_code == 429  # the sixth from 192.0.2.10
    assert token_request(client_c, ip="198.51.100.7").status_code == 200


def test_the_client_gets_tokens_again_when_the_window_ends(limits, client_a, clock):
    for _ in range(3):
        token_request(client_a)
    refused = token_request(client_a)
    assert refused.status_code == 429
    clock.advance(int(refused["Retry-After"]))
    assert token_request(client_a).status_code == 200


def test_revoking_a_token_counts_against_the_same_limit(limits, client_a):
    token = token_request(client_a).json()["access_token"]
    body = {"token": token, "client_id": client_a.client_id, "client_secret": client_a.client_secret}
    assert [
        Client(REMOTE_ADDR="192.0.2.10").post("/o/revoke_token/", body).status_code for _ in range(3)
    ] == [
        200,
        200,
        429,
    ]
