"""Liveness and readiness: unauthenticated, not audited, tiny JSON; readiness is 503 while the database
cannot be reached (the outage itself: spine/tests/test_database_unavailable.py and the fault tests)."""

import pytest
from django.db import connection

from maternity.models import AccessLog

from .unreachable import database_unreachable


@pytest.mark.django_db
def test_live_answers_anyone_without_a_database_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_ready_answers_anyone_after_one_database_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_health_checks_are_not_audited(client):
    client.get("/health/live")
    client.get("/health/ready")
    assert AccessLog.objects.count() == 0


@pytest.mark.django_db
def test_health_checks_are_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True  # production: a probe's 301 would count as healthy
    assert client.get("/health/live").status_code == 200
    assert client.get("/health/ready").status_code == 200
    assert client.get("/api/maternity-record/v1/status").status_code == 301  # everything else still is


@pytest.mark.django_db
def test_health_checks_only_answer_get_and_head(client):
    assert client.head("/health/ready").status_code == 200
    assert client.post("/health/live").status_code == 405


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="points the connection at a closed port")
@pytest.mark.django_db(transaction=True)
def test_ready_is_503_while_the_database_is_unreachable_and_live_stays_200(client):
    with database_unreachable():
        ready = client.get("/health/ready")
        live = client.get("/health/live")
    assert ready.status_code == 503
    assert ready.json() == {"status": "unavailable", "database": "unavailable"}
    assert live.status_code == 200
    assert client.get("/health/ready").status_code == 200  # and ready again once it is back
