"""The national schedules of visits as a plan: which visits, on which days, at its edges (no EDD, a late
booking at 30 weeks, a parous woman, visits already booked, weekends)."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from maternity.models import Booking, BookingStatus, PreviousPregnancies
from maternity.rules.visit_schedule import (
    NICE,
    NORWAY,
    given_birth_before,
    schedule_for,
    scheduled_day,
    visit_plan,
    working_day,
)

TODAY = date(2026, 12, 7)  # a Monday


def edd_at(weeks: int, days: int = 0) -> date:
    """The EDD that makes TODAY `weeks`+`days`."""
    return TODAY + timedelta(days=280 - (weeks * 7 + days))


def booked(day: date, *, status=BookingStatus.BOOKED, week=None, kind="ANTENATAL") -> Booking:
    starts = timezone.make_aware(datetime.combine(day, datetime.min.time().replace(hour=10)))
    return Booking(starts_at=starts, kind=kind, status=status, planned_week=week)


def plan(edd, *, schedule=NORWAY, given_birth=None, bookings=(), visits_recorded=True):
    return visit_plan(
        schedule=schedule,
        edd=edd,
        today=TODAY,
        given_birth=given_birth,
        bookings=bookings,
        visits_recorded=visits_recorded,
    )


def weeks(result) -> list[int]:
    return [visit.week for visit in result.visits]


def test_nice_has_ten_visits_in_a_first_pregnancy_and_seven_after_a_birth():
    assert [v.week for v in NICE.visits_for(first_pregnancy=True)] == [9, 16, 25, 28, 31, 34, 36, 38, 40, 41]
    assert [v.week for v in NICE.visits_for(first_pregnancy=False)] == [9, 16, 28, 34, 36, 38, 41]


def test_the_norwegian_programme_is_a_booking_a_scan_and_seven_checks():
    assert [v.week for v in NORWAY.visits] == [10, 18, 24, 28, 32, 36, 38, 40, 41]
    assert [v.kind for v in NORWAY.visits[:2]] == ["BOOKING", "ULTRASOUND"]


def test_the_setting_names_the_schedule():
    assert schedule_for("no") is NORWAY
    assert schedule_for("NICE") is NICE
    with pytest.raises(LookupError):
        schedule_for("US")


def test_without_an_edd_nothing_is_planned_and_the_page_is_told_why():
    result = plan(None)
    assert result.visits == []
    assert "no agreed due date" in result.why_none


def test_an_early_pregnancy_gets_the_whole_programme_on_working_days():
    result = plan(edd_at(8))
    assert weeks(result) == [10, 18, 24, 28, 32, 36, 38, 40, 41]
    for visit in result.visits:
        assert visit.day.weekday() < 5
        assert 0 <= (visit.day - scheduled_day(result.edd, visit.week)).days <= 2


def test_a_weekend_day_moves_to_the_monday_after():
    assert working_day(date(2026, 12, 12)) == date(2026, 12, 14)  # Saturday
    assert working_day(date(2026, 12, 13)) == date(2026, 12, 14)  # Sunday
    assert working_day(date(2026, 12, 11)) == date(2026, 12, 11)  # Friday


def test_past_visits_are_not_offered_and_todays_moves_to_tomorrow():
    result = plan(edd_at(28))  # TODAY is 28+0, a Monday
    assert weeks(result) == [28, 32, 36, 38, 40, 41]
    assert result.visits[0].day == TODAY + timedelta(days=1)


def test_a_late_booking_at_30_weeks_is_offered_the_booking_visit_first():
    result = plan(edd_at(30), schedule=NICE, visits_recorded=False)
    assert weeks(result) == [9, 31, 34, 36, 38, 40, 41]
    late = result.visits[0]
    assert (late.kind, late.overdue, late.day) == ("BOOKING", True, TODAY + timedelta(days=1))


def test_at_30_weeks_with_visits_recorded_the_booking_visit_is_not_offered():
    assert weeks(plan(edd_at(30), schedule=NICE)) == [31, 34, 36, 38, 40, 41]


def test_a_parous_woman_gets_the_shorter_nice_plan():
    result = plan(edd_at(12), schedule=NICE, given_birth=True)
    assert weeks(result) == [16, 28, 34, 36, 38, 41]
    assert result.first_pregnancy is False


def test_when_parity_is_unknown_the_plan_is_the_first_pregnancy_one_and_says_so():
    result = plan(edd_at(12), schedule=NICE, given_birth=None)
    assert weeks(result) == [16, 25, 28, 31, 34, 36, 38, 40, 41]
    assert result.first_pregnancy is True
    assert "Not known" in result.parity


def test_visits_already_booked_near_their_week_are_not_offered_twice():
    edd = edd_at(20)
    near_24 = booked(scheduled_day(edd, 24) + timedelta(days=3))
    planned_28 = booked(scheduled_day(edd, 29), week=28)
    cancelled_32 = booked(scheduled_day(edd, 32), status=BookingStatus.CANCELLED)
    far_from_36 = booked(scheduled_day(edd, 36) + timedelta(days=4))  # 36+4: four days from 36+0
    result = plan(edd, bookings=[near_24, planned_28, cancelled_32, far_from_36])
    assert weeks(result) == [32, 36, 38, 40, 41]


def test_past_41_weeks_nothing_is_left_to_plan():
    result = plan(edd_at(41, 3))
    assert result.visits == []
    assert "passed or is booked" in result.why_none


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({"number_of_previous_live_births": 1}, True),
        ({"number_of_previous_pregnancies": 2, "still_births_22weeks": 1}, True),
        ({"number_of_previous_pregnancies": 0}, False),
        ({"number_of_previous_live_births": 0, "still_births_22weeks": 0}, False),
        ({"number_of_previous_pregnancies": 2, "number_of_previous_live_births": 0}, None),
        ({}, None),
    ],
)
def test_whether_she_has_given_birth_before(counts, expected):
    assert given_birth_before(PreviousPregnancies(**counts)) is expected


def test_without_the_previous_pregnancies_section_it_is_not_known():
    assert given_birth_before(None) is None
