"""The cast for the professional UI's pages: a midwife at location A (where the records are created and
cared for), a midwife at location B (elsewhere), and a signed-in user who is not a practitioner."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from maternity import services

from .factories import actor_for


def practitioner(username: str, *locations, name: str = "Kari Jordmor"):
    return services.practitioner_create(
        username=username, display_name=name, care_locations=list(locations), hpr_nr="9144889"
    )


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def midwife(username: str, location, name: str = "Kari Jordmor"):
    """A practitioner at `location`, signed in: her browser (a test client) and the Actor she is there."""
    user = practitioner(username, location, name=name)
    return signed_in(user), actor_for(user, location, name)


@pytest.fixture
def midwife_a(location_a):
    return practitioner("kari", location_a)


@pytest.fixture
def midwife_b(location_b):
    return practitioner("ingrid", location_b, name="Ingrid Haugen")


@pytest.fixture
def actor_a(midwife_a, location_a):
    return actor_for(midwife_a, location_a)


@pytest.fixture
def actor_b(midwife_b, location_b):
    return actor_for(midwife_b, location_b, name="Ingrid Haugen")


@pytest.fixture
def web_a(midwife_a):
    """The Django test client, signed in as the midwife at A."""
    return signed_in(midwife_a)


@pytest.fixture
def web_b(midwife_b):
    return signed_in(midwife_b)


@pytest.fixture
def not_a_practitioner(db):
    return get_user_model().objects.create_user(username="clerk", password="x")
