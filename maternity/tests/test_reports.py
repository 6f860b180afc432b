"""The reports' figures, checked against values worked out by hand on a small, deliberately varied set of
records (written through the services, as the UI and the API write them).

"Today" is fixed at Monday 10 March 2025, so the default period is 10 March 2024 to 10 March 2025 (both
included). Gestation = days since (agreed EDD - 280 days).

Location A:
  R1  active, EDD 2025-03-13 (week 1). First appointment 2024-08-03: 58 days (8+2). SFH 30 cm at 31+1,
      then (last) 26 cm at 38+4: below the 3rd centile.
  R2  active, EDD 2025-03-24 (week 3), LMP-based due date. An appointment 2024-07-01 entered in error;
      first real one 2024-09-02: 77 days (11+0). SFH 15 cm at 29+0 (low), then (last) 36 cm at 36+5:
      normal, so not counted.
  R3  active, no EDD. First appointment 2024-10-15 written as 18+2: 128 days.
  R4  active, EDD 2025-05-30 (81 days ahead: week 12). First appointment 2024-11-25: 94 days (13+3).
      Last SFH 40 cm at 27+5: above the 97th centile, not below the 3rd.
  R5  active, EDD 2025-06-10 (92 days ahead: after the 12 weeks). SFH only at 12+5 (outside 16-40 weeks).
  R6  active, EDD 2025-03-05 (overdue: not expected any more). Nothing else.
  R7  delivered twins 2024-11-20: live spontaneous vaginal + live emergency caesarean. First appointment
      2024-04-01, EDD 2024-11-25: 42 days (6+0).
  R8  delivered 2024-06-15: stillbirth by ventouse, plus a live forceps birth entered in error. First
      appointment 2024-01-10 (before the period).
  R9  delivered 2024-03-09 23:30 (the day before the period): not counted. Appointment 2023-08-01.
  R10 delivered 2025-03-10 23:00 (the last day of the period): outcome and mode not recorded. First
      appointment 2024-11-01, EDD 2025-03-12: 149 days (21+2).
  R11 entered in error, with a birth and an appointment in the period: never counted.
  R13 active, no EDD; appointment 2025-01-15 with no week written: gestation not recorded.
Location B:
  R12 active, EDD 2025-03-12. R14 delivered 2024-12-24: live elective caesarean.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from conftest import new_nin
from maternity import services
from maternity.actors import Actor
from maternity.models import RecordStatus, UserType
from maternity.reads import reports
from maternity.rules.identifiers import parse_national_id

TODAY = date(2025, 3, 10)
OSLO = ZoneInfo("Europe/Oslo")
PERIOD = reports.Period(date(2024, 3, 10), date(2025, 3, 10))


def at(*args) -> datetime:
    return datetime(*args, tzinfo=OSLO)


def make(
    actor: Actor,
    *,
    edd: date | None = None,
    lmp_based: bool = False,
    appointments=(),
    sfh=(),
    births=(),
    end: str | None = None,
):
    """A record with the given EDD, appointments (date, week, days, entered in error), SFH measurements
    (date, cm) and births (time, live, mode, entered in error), added after a delivery; then its status
    changed to `end`."""
    current = {("due_date" if lmp_based else "due_date_based_on_ultrasound"): edd} if edd else {}
    record = services.record_create(
        national_id=parse_national_id(new_nin()),
        actor=actor,
        resources={"currentPregnancy": current} if current else {},
    )
    add = lambda rt, data: services.resource_create(  # noqa: E731
        record_id=record.pk, resource_type=rt, data=data, actor=actor
    )
    error = lambda rt, item: services.resource_enter_in_error(  # noqa: E731
        record_id=record.pk, resource_type=rt, resource_id=item.pk, actor=actor
    )
    for on, week, days, in_error in appointments:
        item = add(
            "antenatalAppointments",
            {"appointment_date": on, "pregnancy_week": week, "days_after_full_pregnancy_week": days},
        )
        if in_error:
            error("antenatalAppointments", item)
    for on, cm in sfh:
        add("symphysisFundalHeights", {"measurement_date": on, "measurement": cm})
    version = 1
    if births or end == RecordStatus.DELIVERED:  # births are added after the delivery
        services.record_status_update(
            record_id=record.pk,
            version=version,
            status=RecordStatus.DELIVERED,
            actor=actor,
            delivery_date=births[0][0] if births else at(2024, 1, 1),
            live_birth=True,
        )
        version += 1
    for born, live, mode, in_error in births:
        item = add("births", {"birth_time": born, "live_birth": live, "mode_of_birth": mode})
        if in_error:
            error("births", item)
    if end and end != RecordStatus.DELIVERED:
        services.record_status_update(record_id=record.pk, version=version, status=end, actor=actor)
    return record


def actor_at(location) -> Actor:
    return Actor(
        user_type=UserType.HEALTH_CARE_PROFESSIONAL,
        care_location=location,
        name="Ingrid Haugen",
        hpr_nr="9213457",
        hpr_role="JO",
        source_system="tests",
    )


@pytest.fixture
def seeded(midwife_actor, location_b):
    a, b = midwife_actor, actor_at(location_b)
    make(
        a,
        edd=date(2025, 3, 13),
        appointments=[(date(2024, 8, 3), None, None, False), (date(2024, 12, 1), None, None, False)],
        sfh=[(date(2025, 1, 10), 30), (date(2025, 3, 3), 26)],
    )
    make(
        a,
        edd=date(2025, 3, 24),
        lmp_based=True,
        appointments=[(date(2024, 7, 1), None, None, True), (date(2024, 9, 2), None, None, False)],
        sfh=[(date(2025, 1, 6), 15), (date(2025, 3, 1), 36)],
    )
    make(a, appointments=[(date(2024, 10, 15), 18, 2, False)])
    make(
        a,
        edd=date(2025, 5, 30),
        appointments=[(date(2024, 11, 25), None, None, False)],
        sfh=[(date(2025, 3, 5), 40)],
    )
    make(a, edd=date(2025, 6, 10), sfh=[(date(2024, 12, 1), 12)])
    make(a, edd=date(2025, 3, 5))
    make(
        a,
        edd=date(2024, 11, 25),
        appointments=[(date(2024, 4, 1), None, None, False)],
        births=[
            (at(2024, 11, 20, 10, 0), True, "SPONTANEOUS_VAGINAL", False),
            (at(2024, 11, 20, 10, 30), True, "EMERGENCY_CAESAREAN", False),
        ],
        end=RecordStatus.DELIVERED,
    )
    make(
        a,
        edd=date(2024, 6, 20),
        appointments=[(date(2024, 1, 10), None, None, False)],
        births=[
            (at(2024, 6, 15, 4, 0), False, "VENTOUSE", False),
            (at(2024, 6, 15, 4, 5), True, "FORCEPS", True),
        ],
        end=RecordStatus.DELIVERED,
    )
    make(
        a,
        edd=date(2024, 3, 12),
        appointments=[(date(2023, 8, 1), None, None, False)],
        births=[(at(2024, 3, 9, 23, 30), True, "SPONTANEOUS_VAGINAL", False)],
        end=RecordStatus.DELIVERED,
    )
    make(
        a,
        edd=date(2025, 3, 12),
        appointments=[(date(2024, 11, 1), None, None, False)],
        births=[(at(2025, 3, 10, 23, 0), None, None, False)],
        end=RecordStatus.DELIVERED,
    )
    make(
        a,
        edd=date(2025, 1, 1),
        appointments=[(date(2024, 5, 1), None, None, False)],
        births=[(at(2024, 12, 1, 12, 0), True, "FORCEPS", False)],
        end=RecordStatus.ENTERED_IN_ERROR,
    )
    make(a, appointments=[(date(2025, 1, 15), None, None, False)])
    make(b, edd=date(2025, 3, 12))
    make(
        b,
        edd=date(2025, 1, 2),
        births=[(at(2024, 12, 24, 8, 0), True, "ELECTIVE_CAESAREAN", False)],
        end=RecordStatus.DELIVERED,
    )
    return midwife_actor.care_location, location_b  # fmt: skip


def counts(tallies) -> dict[str, int]:
    return {t.label: t.count for t in tallies}


def test_active_pregnancies_of_each_location(seeded):
    a, b = seeded
    assert reports.active_pregnancies(a) == 7  # R1-R6, R13
    assert reports.active_pregnancies(b) == 1  # R12


def test_expected_births_per_week_for_the_next_12_weeks(seeded):
    a, b = seeded
    expected = reports.expected_births(a, TODAY)
    assert [t.count for t in expected] == [1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    assert (expected[0].start, expected[0].end) == (date(2025, 3, 10), date(2025, 3, 16))
    assert (expected[11].start, expected[11].end) == (date(2025, 5, 26), date(2025, 6, 1))
    assert expected[0].label == "10.03–16.03"
    assert [t.count for t in reports.expected_births(b, TODAY)] == [1] + [0] * 11


def test_the_default_period_is_the_last_12_months():
    assert reports.Period.last_12_months(TODAY) == PERIOD
    assert reports.Period.last_12_months(date(2024, 2, 29)) == reports.Period(
        date(2023, 2, 28), date(2024, 2, 29)
    )


def test_births_in_the_period_by_outcome_and_mode(seeded):
    a, b = seeded
    births = reports.births(a, PERIOD)
    assert births.total == 4  # R7 twins, R8 stillbirth, R10 on the last evening
    assert counts(births.by_outcome) == {"Live birth": 2, "Stillbirth": 1, "Not recorded": 1}
    assert counts(births.by_mode) == {
        "Spontaneous vaginal": 1,
        "Ventouse": 1,
        "Forceps": 0,
        "Vaginal breech": 0,
        "Elective caesarean": 0,
        "Emergency caesarean": 1,
        "Not recorded": 1,
    }
    other = reports.births(b, PERIOD)
    assert other.total == 1
    assert counts(other.by_mode)["Elective caesarean"] == 1


def test_births_in_a_chosen_period(seeded):
    a, _ = seeded
    assert reports.births(a, reports.Period(date(2024, 3, 9), date(2024, 3, 9))).total == 1  # R9
    november = reports.births(a, reports.Period(date(2024, 11, 1), date(2024, 11, 30)))
    assert counts(november.by_outcome) == {"Live birth": 2, "Stillbirth": 0, "Not recorded": 0}
    assert reports.births(a, reports.Period(date(2025, 3, 11), date(2025, 12, 31))).total == 0


def test_gestation_at_booking_in_bands_and_the_median(seeded):
    a, _ = seeded
    booking = reports.booking_gestation(a, PERIOD)
    assert booking.booked == 7  # R1, R2, R3, R4, R7, R10, R13
    assert counts(booking.bands) == {
        "Under 10 weeks": 2,  # R1 8+2, R7 6+0
        "10–12 weeks": 1,  # R2 11+0
        "13–16 weeks": 1,  # R4 13+3
        "17–20 weeks": 1,  # R3 18+2 (as written: no EDD)
        "Over 20 weeks": 1,  # R10 21+2
        "Not recorded": 1,  # R13
    }
    # known: 42, 58, 77, 94, 128, 149 days; median (77 + 94) / 2 = 85.5, rounded down to 85 days
    assert booking.median_days == 85
    assert booking.median == "12+1"


def test_share_of_active_records_whose_last_sfh_is_below_the_3rd_centile(seeded):
    a, b = seeded
    share = reports.sfh_below_3rd(a)
    assert (share.active, share.measured, share.below_3rd) == (7, 3, 1)  # R1 of R1, R2, R4
    assert share.percent == 33.3
    assert reports.sfh_below_3rd(b).percent is None


def test_the_whole_report_costs_seven_queries(seeded, django_assert_num_queries):
    a, _ = seeded
    with django_assert_num_queries(7):
        report = reports.location_report(a, today=TODAY, period=PERIOD)
    assert report.active == 7 and report.births.total == 4
