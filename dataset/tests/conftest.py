"""The cast of the change site's tests (dataset/tests/test_proposal*.py): a midwife at location A and one at
B, A's Care Location admin (with A's client system, for its vendor), the national administration, and the
people who are not callers: the pregnant person, a regional viewer who is nothing else, an inactive
midwife. Each has an email address, for the followers' emails, which a real SMTP server on loopback
(aiosmtpd) receives."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from dataset.access import change_site_caller
from dataset.services import proposal_create
from maternity import services
from maternity.tests.smtp_server import smtp_server


def person(username: str, first: str, last: str, **flags):
    user = get_user_model().objects.create_user(
        username=username, first_name=first, last_name=last, email=f"{username}@example.no"
    )
    for name, value in flags.items():
        setattr(user, name, value)
    user.save()
    return user


def midwife_at(username: str, location, name: str):
    user = services.practitioner_create(
        username=username, display_name=name, care_locations=[location], hpr_nr="9144889"
    )
    user.email = f"{username}@example.no"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def kari(location_a):
    """A midwife at A: a professional."""
    return midwife_at("kari", location_a, "Kari Jordmor")


@pytest.fixture
def ingrid(location_b):
    """A midwife at B: another professional."""
    return midwife_at("ingrid", location_b, "Ingrid Haugen")


@pytest.fixture
def lise(location_a):
    """A's Care Location admin (not a practitioner)."""
    user = person("lise", "Lise", "Admin", is_staff=True)
    location_a.admins.add(user)
    return user


@pytest.fixture
def nina(db):
    """The national administration: an active staff superuser."""
    return person("nina", "Nina", "Nasjonal", is_staff=True, is_superuser=True)


@pytest.fixture
def astrid(record):
    """The pregnant person, with her portal account."""
    from portal.tests.conftest import link_patient

    user = link_patient(record.person)
    user.email = "astrid@example.no"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def randi(location_a, nina):
    """A regional viewer who is nothing else."""
    user = person("randi", "Randi", "Regional")
    services.region_create(
        name="Helse Midt", code="midt", care_locations=[location_a], viewers=[user], by=nina
    )
    return user


@pytest.fixture
def gone(location_a):
    """A midwife at A whose account is inactive."""
    user = midwife_at("gone", location_a, "Gone Away")
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user


def caller_of(user):
    return change_site_caller(user)


def browser_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def proposal(kari):
    """Kari's proposal #1, proposed: she follows it."""
    return proposal_create(
        caller=caller_of(kari),
        title="Record the umbilical cord blood pH",
        change="Add cordBloodPh to births: the arterial pH of the cord blood, measured after birth.",
        reason="Low cord pH is the measure of birth asphyxia that the medical birth registry asks for.",
        resources=["births"],
        draft_fields=[
            {
                "name": "cordBloodPh",
                "type": "decimal",
                "unit": "pH",
                "required": False,
                "description": "Arterial, within 30 minutes of birth",
            }
        ],
        language="en",
    )


@pytest.fixture
def smtp(settings):
    """A real SMTP server on loopback, and Django's SMTP backend pointed at it."""
    with smtp_server(
        settings, sender="data-set@example.no", SITE_PUBLIC_URL="https://maternity.example.no"
    ) as inbox:
        yield inbox
