"""Fixtures for the record API tests (the cast itself is in the root conftest.py)."""

import pytest
from django.contrib.auth import get_user_model

from conftest import RecordApi, new_nin
from maternity.actors import Actor
from maternity.models import UserType
from spine import services

from .helpers import database_state
from .signed_tokens import KeyServer

HELSEID_CLIENT_ID = "helseid-epj-st-olav"  # client system A's client id at the token issuer


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
def issuer(settings):
    """A trusted token issuer (HelseID's kind), its keys served over HTTP on 127.0.0.1."""
    server = KeyServer()
    settings.SPINE_TOKEN_ISSUERS = [server.settings()]
    yield server
    server.stop()


@pytest.fixture
def linked(client_a, issuer):
    """Client system A, known to the issuer as HELSEID_CLIENT_ID."""
    services.spine_client_set_token_client(
        client=client_a.client, issuer=issuer.issuer, client_id=HELSEID_CLIENT_ID
    )
    return client_a.client


@pytest.fixture
def her(record) -> Actor:
    """The pregnant person of `record`, signed in to the portal."""
    record.person.user = get_user_model().objects.create_user(username="astrid")
    record.person.save(update_fields=["user"])
    return Actor(
        user_type=UserType.PATIENT,
        user=record.person.user,
        name="Astrid Berg",
        source_system="maternity portal",
    )
