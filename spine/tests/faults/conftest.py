"""Fault tests: real processes killed, a real PostgreSQL stopped, a webhook receiver down for minutes.

They run only when asked for (`pytest -m faults spine/tests/faults`, i.e. `make test-faults`) and are
skipped in the default run. The whole session's test database lives in a throwaway PostgreSQL cluster
of our own (initdb, a free port), so stopping PostgreSQL here stops nobody else's; it is removed at the
end of the session, also when a test fails.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

from loadtools.client import load_data_create
from loadtools.tests.run_alone import cleaned_up_on_sigterm, skip_unless_asked

from .postgres import PrivatePostgres

HERE = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    skip_unless_asked(
        config,
        items,
        folder=HERE,
        mark="faults",
        reason="fault tests run alone: make test-faults (pytest -m faults spine/tests/faults)",
    )


@pytest.fixture(scope="session")
def private_postgres():
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        pytest.skip("fault tests need PostgreSQL: set DATABASE_URL")
    if not shutil.which("runuser") and os.geteuid() == 0:
        pytest.skip("needs runuser to run initdb as the postgres user")
    with cleaned_up_on_sigterm():
        cluster = PrivatePostgres()
        try:
            cluster.init()
            cluster.start()
            yield cluster
        finally:
            connections.close_all()
            cluster.destroy()


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
