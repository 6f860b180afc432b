"""Fault tests: real processes killed, a real PostgreSQL stopped, a webhook receiver down for minutes.

They run only when asked for (`pytest -m faults spine/tests/faults`, i.e. `make test-faults`) and are
skipped in the default run. The whole session's test database lives in a throwaway PostgreSQL cluster
of our own (initdb, a free port), so stopping PostgreSQL here stops nobody else's; it is removed at the
end of the session, also when a test fails.
"""

import os
import shutil
import signal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

from loadtools.client import load_data_create

from .postgres import PrivatePostgres

HERE = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    asked = "faults" in (config.getoption("markexpr") or "")
    skip = pytest.mark.skip(
        reason="fault tests run alone: make test-faults (pytest -m faults spine/tests/faults)"
    )
    for item in items:
        if HERE in Path(item.path).parents and not asked:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def private_postgres():
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        pytest.skip("fault tests need PostgreSQL: set DATABASE_URL")
    if not shutil.which("runuser") and os.geteuid() == 0:
        pytest.skip("needs runuser to run initdb as the postgres user")
    previous = signal.signal(signal.SIGTERM, _interrupt)  # a `timeout` or a CI cancel still cleans up
    cluster = PrivatePostgres()
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        connections.close_all()
        cluster.destroy()
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")  # pytest then runs every teardown before it exits


@pytest.fixture(scope="session")
def django_db_modify_db_settings(private_postgres, django_db_modify_db_settings_parallel_suffix):
    """The session's test database is created in the private cluster (pytest-django reads this first)."""
    settings.DATABASES["default"].update(HOST="127.0.0.1", PORT=str(private_postgres.port), USER="postgres")
    settings.DATABASES["default"]["PASSWORD"] = ""


@pytest.fixture(autouse=True)
def _fast_password_hashing():
    """Overrides the root conftest's: gunicorn checks client secrets with the production hashers, so the
    secrets made here are hashed with them too."""


@pytest.fixture
def load_data(transactional_db):
    """A Care Location with a client system and four records with realistic content."""
    return load_data_create(records=4)
