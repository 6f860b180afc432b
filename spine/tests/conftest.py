"""Fixtures for the record API tests (the cast itself is in the root conftest.py)."""

import pytest

from conftest import RecordApi, new_nin

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
