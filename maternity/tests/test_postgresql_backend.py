"""The PostgreSQL backend's health check (maternity/database/postgresql/base.py): a kept connection that the
server
ended is found and replaced before a request uses it, and a healthy one is checked with no round trip."""

import time

import psycopg2
import pytest
from django.db import connection, connections

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL backend"),
    pytest.mark.django_db(transaction=True),  # the connection is ended and replaced: no test transaction
]


def other_connection():
    settings = connection.settings_dict
    return psycopg2.connect(
        dbname=settings["NAME"],
        user=settings["USER"] or "postgres",
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
    )


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_the_backend_is_djangos_own_postgresql_backend():
    assert connection.vendor == "postgresql"
    assert type(connections["default"]).__module__ == "maternity.database.postgresql.base"


def test_a_connection_the_server_ended_is_found_unusable_and_replaced_before_it_is_used():
    pid = backend_pid()
    watcher = other_connection()
    try:
        with watcher.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        watcher.close()
    for _ in range(50):  # the termination notice arrives at once; give the kernel a moment
        if not connection.is_usable():
            break
        time.sleep(0.02)

    assert not connection.is_usable()
    connection.health_check_enabled, connection.health_check_done = True, False  # as a request starts
    connection.close_if_health_check_failed()
    assert backend_pid() != pid  # a new connection, and the request's query worked


def test_a_healthy_idle_connection_is_checked_without_sending_anything():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'the last thing this connection sent'")
    pid = backend_pid()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'the last thing this connection sent'")

    assert connection.is_usable()

    watcher = other_connection()
    try:
        with watcher.cursor() as cursor:
            cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
            assert cursor.fetchone()[0] == "SELECT 'the last thing this connection sent'"
    finally:
        watcher.close()
