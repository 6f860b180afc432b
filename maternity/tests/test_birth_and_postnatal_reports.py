"""The reports count the babies the delivery step records: a delivery marked with its twins counts two
births, by outcome and by mode (before issue 18 a delivery recorded no births, and the reports said 0). And
they count the postnatal visits of the period, with what the postnatal rules flagged."""

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


def test_postnatal_care_counts_visits_once_per_mother_and_baby_with_what_was_flagged(
    record, midwife_actor, location_a, location_b, django_assert_num_queries
):
    born = timezone.now() - timedelta(days=12)
    services.record_deliver(
        record_id=record.pk,
        actor=midwife_actor,
        version=record.version,
        babies=[
            {"birth_time": born, "live_birth": True, "birth_weight": 3000},
            {"birth_time": born + timedelta(minutes=20), "live_birth": True, "birth_weight": 2500},
        ],
    )
    first, second = record.births.order_by("birth_time")
    day = timezone.localdate(born)
    add = lambda rt, data: services.resource_create(  # noqa: E731
        record_id=record.pk, resource_type=rt, data=data, actor=midwife_actor
    )
    add("postnatalMotherVisits", {"visit_date": day + timedelta(days=3), "epds_answers": [2] * 6 + [0] * 4})
    add("postnatalMotherVisits", {"visit_date": day + timedelta(days=10), "discharged": True})
    wrong = add("postnatalMotherVisits", {"visit_date": day + timedelta(days=4), "epds_answers": [3] * 10})
    services.resource_enter_in_error(
        record_id=record.pk, resource_type="postnatalMotherVisits", resource_id=wrong.pk, actor=midwife_actor
    )
    add("postnatalBabyVisits", {"visit_date": day + timedelta(days=3), "birth_id": first.pk, "weight": 2700})
    add("postnatalBabyVisits", {"visit_date": day + timedelta(days=3), "birth_id": second.pk, "weight": 2250})
    add(
        "postnatalBabyVisits", {"visit_date": day + timedelta(days=10), "birth_id": second.pk, "weight": 2600}
    )
    period = reports.Period.last_12_months(timezone.localdate())

    with django_assert_num_queries(2):
        figures = reports.postnatal(location_a, period)

    # 3000 -> 2700 g is exactly 10%: not flagged; 2500 -> 2250 g is 10% too; so nobody lost more than 10%
    assert (figures.mother_visits, figures.mothers, figures.mood_checked, figures.mood_flagged) == (
        2,
        1,
        1,
        0,
    )
    assert (figures.baby_visits, figures.babies, figures.weight_loss_flagged, figures.discharged) == (
        3,
        2,
        0,
        1,
    )
    add("postnatalBabyVisits", {"visit_date": day + timedelta(days=4), "birth_id": second.pk, "weight": 2249})
    add("postnatalMotherVisits", {"visit_date": day + timedelta(days=5), "epds_answers": [0] * 9 + [1]})
    flagged = reports.postnatal(location_a, period)
    assert (flagged.mood_flagged, flagged.weight_loss_flagged, flagged.babies) == (1, 1, 2)
    assert reports.postnatal(location_b, period).mother_visits == 0  # another location's records
