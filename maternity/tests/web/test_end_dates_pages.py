"""In the app, an impossible delivery, termination or birth date is shown on its field, at once (before
the confirmation of a status change), and nothing changes: the rule is the services' own
(`maternity.services.end_dates`; the API's side in spine/tests/test_end_dates.py)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from maternity import services
from maternity.models import AccessLog, Birth, Pregnancy, RecordStatus

from .conftest import midwife

pytestmark = pytest.mark.django_db

LOCAL = "%Y-%m-%dT%H:%M"
LMP = date(2026, 6, 1)


@pytest.fixture
def kari(location_a):
    return midwife("kari", location_a)


@pytest.fixture
def after_june(record, kari):
    """Her last period began on 1 June 2026."""
    services.resource_create(
        record_id=record.pk, resource_type="currentPregnancy", data={"date_last_period": LMP}, actor=kari[1]
    )
    record.refresh_from_db()
    return record


def delivery_post(record, birth_time: str) -> dict:
    """The delivery step's form with one baby born at `birth_time` (the delivery time is the first baby's)."""
    return {
        "version": record.version,
        "babies": "1",
        "action": "save",
        "baby1-birth_time": birth_time,
        "baby1-live_birth": "True",
    }


def test_a_delivery_before_her_last_period_is_shown_on_the_babys_time_of_birth(kari, after_june):
    client, _ = kari
    response = client.post(
        f"/records/{after_june.pk}/delivery/", delivery_post(after_june, "2025-10-15T03:12")
    )
    assert response.status_code == 400
    baby = response.context["babies"][0]
    assert list(baby.errors) == ["birth_time"]
    assert baby.errors["birth_time"] == [
        "The time of birth (2025-10-15) is before this pregnancy began: her last menstrual period was "
        "2026-06-01. Check the date, or the LMP in the current pregnancy section."
    ]
    assert Pregnancy.objects.get(pk=after_june.pk).status == RecordStatus.ACTIVE
    entry = AccessLog.objects.filter(record_id=after_june.pk).latest("id")
    assert (entry.outcome, entry.status_code) == ("REJECTED", 400)


def test_a_termination_tomorrow_is_shown_on_its_field(kari, after_june):
    tomorrow = (timezone.localtime() + timedelta(days=1)).strftime(LOCAL)
    data = {"status": "TERMINATED", "version": after_june.version, "termination_date": tomorrow}
    response = kari[0].post(f"/records/{after_june.pk}/status/", data)
    assert response.status_code == 400
    assert "is in the future" in response.context["form"].errors["termination_date"][0]


def test_a_possible_delivery_is_recorded(kari, after_june):
    data = delivery_post(after_june, timezone.localtime().strftime(LOCAL))
    response = kari[0].post(f"/records/{after_june.pk}/delivery/", data)
    assert response.status_code == 302
    assert Pregnancy.objects.get(pk=after_june.pk).status == RecordStatus.DELIVERED


def test_a_baby_born_before_the_pregnancy_began_is_shown_on_the_birth_time(kari, after_june):
    client, actor = kari
    services.record_status_update(
        record_id=after_june.pk,
        version=after_june.version,
        status=RecordStatus.DELIVERED,
        actor=actor,
        delivery_date=timezone.now(),
        live_birth=True,
    )
    response = client.post(
        f"/records/{after_june.pk}/sections/births/new/",
        {"birth_time": "2026-05-20T10:00", "live_birth": "True"},
    )
    assert response.status_code == 400
    assert (
        response.context["form"]
        .errors["birth_time"][0]
        .startswith("The birth time (2026-05-20) is before this pregnancy began")
    )
    assert not Birth.objects.filter(record=after_june).exists()
