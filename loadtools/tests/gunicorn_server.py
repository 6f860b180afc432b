"""The `gunicorn` fixture for the load tests here and the fault tests (spine/tests/faults). Registered once,
from the root conftest (`pytest_plugins`), so both test folders share one definition."""

import pytest
from django.db import connection

from loadtools.server import GunicornServer, database_url


@pytest.fixture
def gunicorn(transactional_db):
    """Gunicorn (2 gthread workers x 4 threads, production settings) serving the test database on a free
    loopback port; stopped, even when the test fails, before the database is flushed."""
    with GunicornServer(database_url=database_url(connection.settings_dict), workers=2, threads=4) as server:
        yield server
