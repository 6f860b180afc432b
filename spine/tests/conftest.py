"""Fixtures for the record API tests (the cast itself is in the root conftest.py)."""

import pytest
from django.db import connection

from conftest import RecordApi, new_nin
from spine.loadtesting.server import GunicornServer, database_url

from .helpers import database_state


@pytest.fixture
def db_state():
    """Call before and after a refused write: the two fingerprints must be equal."""
    return database_state


@pytest.fixture
def record_id(record) -> str:
    """The id of `record`: an empty active record of patient `nin`, created at location A."""
    return str(record.pk)


@pytest.fixture
def other_patient_api(api) -> RecordApi:
    """The same client system, speaking about another patient."""
    return api.for_patient(new_nin())


@pytest.fixture
def gunicorn(transactional_db):
    """Gunicorn (2 gthread workers x 4 threads, production settings) serving the test database on a free
    loopback port; stopped, even when the test fails, before the database is flushed."""
    with GunicornServer(database_url=database_url(connection.settings_dict), workers=2, threads=4) as server:
        yield server
