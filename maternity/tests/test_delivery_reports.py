"""The reports count the babies the delivery step records: a delivery marked with its twins counts two
births, by outcome and by mode (before issue 18 a delivery recorded no births, and the reports said 0)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from maternity import services
from maternity.reads import reports

pytestmark = pytest.mark.django_db


def test_twins_recorded_by_the_delivery_step_are_counted_as_two_births(record, midwife_actor, location_a):
    born = timezone.now() - timedelta(hours=5)
    services.record_deliver(
        record_id=record.pk,
        actor=midwife_actor,
        version=record.version,
        babies=[
            {"birth_time": born, "live_birth": True, "mode_of_birth": "SPONTANEOUS_VAGINAL"},
            {
                "birth_time": born + timedelta(minutes=30),
                "live_birth": False,
                "mode_of_birth": "VAGINAL_BREECH",
            },
        ],
    )
    counted = reports.births(location_a, reports.Period.last_12_months(timezone.localdate()))
    assert counted.total == 2
    assert {t.label: t.count for t in counted.by_outcome}["Live birth"] == 1
    assert {t.label: t.count for t in counted.by_outcome}["Stillbirth"] == 1
    assert {t.label: t.count for t in counted.by_mode}["Vaginal breech"] == 1
