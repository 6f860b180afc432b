"""The delivery worker LISTENs for committed events on a session of its own: behind PgBouncer in transaction
mode (DATABASE_POOL_MODE=transaction) on DATABASE_DIRECT_URL, which reaches the primary directly
(maternity/database/direct.py); without that it polls, and says so once."""

import logging

import pytest
from django.db import connection

from maternity.database.direct import direct_connection_params
from maternity.database.event_positions import NOTIFY_CHANNEL
from maternity.database.postgresql.base import DatabaseWrapper
from spine.webhooks.worker import Worker

POOLED = {
    "NAME": "test_maternity",
    "USER": "app",
    "PASSWORD": "pooled-secret",
    "HOST": "pgbouncer.internal",
    "PORT": 6432,
    "OPTIONS": {"connect_timeout": 5, "sslmode": "require"},
}


def pooled_database() -> DatabaseWrapper:
    """A PostgreSQL alias reached through PgBouncer, as settings make it (never connected here)."""
    return DatabaseWrapper(dict(POOLED), "default")


def test_the_direct_url_says_where_and_as_whom_and_the_test_database_name_is_kept(settings):
    settings.DATABASE_DIRECT_URL = "postgres://owner:direct-secret@pg-primary.internal:5432/maternity"

    params = direct_connection_params(pooled_database())

    assert (params["host"], params["port"], params["user"], params["password"]) == (
        "pg-primary.internal",
        5432,
        "owner",
        "direct-secret",
    )
    assert params["dbname"] == "test_maternity"  # the tests' database, not the URL's
    assert (params["sslmode"], params["connect_timeout"]) == ("require", 5)


def test_what_the_direct_url_leaves_out_is_left_to_libpq(settings):
    settings.DATABASE_DIRECT_URL = "postgres://pg-primary.internal/maternity"

    params = direct_connection_params(pooled_database())

    assert params["host"] == "pg-primary.internal"
    assert not {"port", "user", "password"} & set(params)  # ~/.pgpass, PGUSER...: not the pooler's


def test_without_a_direct_url_a_session_uses_the_default_databases_own_params(settings):
    settings.DATABASE_DIRECT_URL = ""
    database = pooled_database()

    assert direct_connection_params(database) == database.get_connection_params()


class ListenConnections:
    """Where the worker asks for its LISTEN connection's arguments, just before it connects: noting it."""

    def __init__(self):
        self.asked = 0

    def __call__(self, *args, **kwargs):
        self.asked += 1
        raise AssertionError("the worker connected for LISTEN")


@pytest.mark.django_db(transaction=True)  # the worker's loop manages its connection (close_old_connections)
def test_behind_a_transaction_pooler_without_a_direct_url_the_worker_polls_and_says_so_once(
    settings, monkeypatch, caplog
):
    settings.DATABASE_POOL_MODE, settings.DATABASE_DIRECT_URL = "transaction", ""
    listening = ListenConnections()
    monkeypatch.setattr("spine.webhooks.worker.direct_connection_params", listening)
    worker = Worker(name="pooled", poll_interval=0.01)

    with caplog.at_level(logging.WARNING, logger="spine.webhooks"):
        worker.run(max_idle=0.1)

    assert listening.asked == 0
    said = [record.getMessage() for record in caplog.records if "DATABASE_DIRECT_URL" in record.getMessage()]
    assert len(said) == 1 and "polling" in said[0]


@pytest.mark.postgres
@pytest.mark.django_db
def test_behind_a_transaction_pooler_the_worker_listens_on_the_direct_url(settings):
    db = connection.settings_dict
    # The same server under another name: the listener must have used the direct URL's host.
    settings.DATABASE_POOL_MODE = "transaction"
    settings.DATABASE_DIRECT_URL = f"postgres://{db['USER']}@localhost:{db['PORT'] or 5432}/elsewhere"
    worker = Worker(name="direct")

    listener = worker._listen()
    try:
        assert listener is not None
        assert listener.get_dsn_parameters()["host"] == "localhost"
        assert listener.get_dsn_parameters()["dbname"] == db["NAME"]  # the test database
        with listener.cursor() as cursor:
            cursor.execute("SELECT pg_listening_channels()")
            assert cursor.fetchall() == [(NOTIFY_CHANNEL,)]
    finally:
        worker._unlisten()
