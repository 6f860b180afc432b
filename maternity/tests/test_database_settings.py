"""The database settings config/settings.py makes from the environment: a pooler in transaction mode
(DATABASE_POOL_MODE), a replica for lag-tolerant reads (DATABASE_REPLICA_URL) and the primary reached
directly (DATABASE_DIRECT_URL). Settings are read once per process, so each case starts a Python of its own
with the environment a server would have."""

import json
import os
import subprocess
import sys

from django.conf import settings

PRIMARY = "postgres://app:secret@pgbouncer.internal:6432/maternity"
REPLICA = "postgres://app:secret@pgbouncer-replicas.internal:6432/maternity"
ROUTER = "maternity.database.replicas.ReplicaRouter"
MIDDLEWARE = "maternity.database.replicas.ReplicaRoutingMiddleware"

SHOW_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "databases": settings.DATABASES,
    "routers": settings.DATABASE_ROUTERS,
    "middleware": settings.MIDDLEWARE,
    "prepared_statements": settings.DATABASE_PREPARED_STATEMENTS,
    "pin_seconds": settings.DATABASE_PRIMARY_PIN_SECONDS,
}, default=str))
"""


def start(**database: str) -> subprocess.CompletedProcess:
    """Read the settings in a new process with these DATABASE_* variables (and no others)."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("DATABASE_")}
    env.update(database, DJANGO_SETTINGS_MODULE="config.settings")
    return subprocess.run(
        [sys.executable, "-c", SHOW_SETTINGS],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_with(**database: str) -> dict:
    run = start(**database)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout)


def test_without_a_replica_url_there_is_no_router_and_no_routing_middleware():
    found = settings_with(DATABASE_URL=PRIMARY)

    assert list(found["databases"]) == ["default"]
    assert found["routers"] == []
    assert MIDDLEWARE not in found["middleware"]


def test_with_a_replica_url_the_router_and_middleware_are_installed_and_the_replica_mirrors_default():
    found = settings_with(DATABASE_URL=PRIMARY, DATABASE_REPLICA_URL=REPLICA)

    default, replica = found["databases"]["default"], found["databases"]["replica"]
    assert found["routers"] == [ROUTER]
    middleware = found["middleware"]
    assert middleware.index(MIDDLEWARE) == middleware.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1
    assert replica["TEST"] == {"MIRROR": "default"}
    assert replica["HOST"] == "pgbouncer-replicas.internal"
    same = ["ENGINE", "OPTIONS", "CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "DISABLE_SERVER_SIDE_CURSORS", "NAME"]
    assert {key: replica[key] for key in same} == {key: default[key] for key in same}
    assert replica["ENGINE"] == "maternity.database.postgresql"
    assert found["pin_seconds"] == 5


def test_without_a_pooler_prepared_statements_stay_on_and_the_server_options_are_sent():
    found = settings_with(DATABASE_URL=PRIMARY, DATABASE_REPLICA_URL=REPLICA)

    assert found["prepared_statements"] is True
    for database in found["databases"].values():
        assert database["DISABLE_SERVER_SIDE_CURSORS"] is False
        assert database["OPTIONS"]["options"] == "-c client_connection_check_interval=2000 -c jit=off"


def test_transaction_pool_mode_turns_prepared_statements_and_server_side_cursors_off_and_sends_no_options():
    found = settings_with(
        DATABASE_URL=PRIMARY,
        DATABASE_REPLICA_URL=REPLICA,
        DATABASE_POOL_MODE="transaction",
        DATABASE_PREPARED_STATEMENTS="1",  # forced off all the same
    )

    assert found["prepared_statements"] is False
    for database in found["databases"].values():
        assert database["DISABLE_SERVER_SIDE_CURSORS"] is True
        assert "options" not in database["OPTIONS"]  # PgBouncer refuses the startup parameter
        assert database["OPTIONS"]["connect_timeout"] == 5


def test_an_unknown_pool_mode_stops_start_up_saying_the_allowed_values():
    run = start(DATABASE_URL=PRIMARY, DATABASE_POOL_MODE="session")

    assert run.returncode != 0
    assert "ImproperlyConfigured" in run.stderr
    assert 'DATABASE_POOL_MODE must be empty or "transaction"' in run.stderr and "'session'" in run.stderr


def test_a_replica_url_that_is_not_postgresql_stops_start_up():
    run = start(DATABASE_URL=PRIMARY, DATABASE_REPLICA_URL="mysql://app@replica.internal/maternity")

    assert run.returncode != 0
    assert "DATABASE_REPLICA_URL must be a PostgreSQL URL" in run.stderr


def test_a_replica_of_the_development_sqlite_file_stops_start_up_too():
    run = start(DATABASE_REPLICA_URL=REPLICA)  # no DATABASE_URL: SQLite

    assert run.returncode != 0
    assert (
        "DATABASE_REPLICA_URL must be a PostgreSQL URL (postgres://...), and DATABASE_URL too" in run.stderr
    )


def test_a_direct_url_that_is_not_postgresql_stops_start_up():
    run = start(DATABASE_URL=PRIMARY, DATABASE_DIRECT_URL="sqlite:///primary.sqlite3")

    assert run.returncode != 0
    assert "DATABASE_DIRECT_URL must be a PostgreSQL URL" in run.stderr
