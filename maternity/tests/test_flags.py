"""Each flag rule, at and around its thresholds, and every flag of one pregnancy with its subject."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from maternity.models import (
    AntenatalAppointment,
    Booking,
    ClinicalTests,
    Pregnancy,
    RhesusDNegative,
    SymphysisFundalHeight,
)
from maternity.rules import flags
from maternity.rules.clinical import sfh_centile_value

TODAY = date(2025, 6, 2)


def edd_making(weeks: int, days: int = 0, on: date = TODAY) -> date:
    return on + timedelta(days=280 - weeks * 7 - days)


# --- SFH below the 3rd or above the 97th centile -------------------------------------------------------


def sfh(cm, *, weeks=32, edd=None, week=None):
    return flags.sfh_outside_centiles(
        measurement_cm=cm, measurement_date=TODAY, agreed_edd=edd or edd_making(weeks), pregnancy_week=week
    )


def test_sfh_within_centiles_is_not_flagged():
    assert sfh(31) is None  # median at 32 weeks is 31.42 cm


def test_sfh_below_the_3rd_centile_is_flagged_low():
    flag = sfh(27)  # 3rd centile at 32 weeks is 28.00 cm
    assert flag.code == "sfh-low"
    assert "27 cm at 32+0" in flag.detail
    assert not flag.severe


def test_sfh_above_the_97th_centile_is_flagged_high():
    assert sfh(35).code == "sfh-high"  # 97th centile at 32 weeks is 34.84 cm


def test_sfh_just_inside_the_3rd_and_97th_centiles_is_not_flagged():
    low = sfh_centile_value(32, 3.2)
    high = sfh_centile_value(32, 96.8)
    assert (
        flags.sfh_outside_centiles(
            measurement_cm=low, measurement_date=TODAY, agreed_edd=edd_making(32), pregnancy_week=None
        )
        is None
    )
    assert (
        flags.sfh_outside_centiles(
            measurement_cm=high, measurement_date=TODAY, agreed_edd=edd_making(32), pregnancy_week=None
        )
        is None
    )


def test_sfh_gestation_comes_from_the_agreed_edd_before_the_written_week():
    # 27 cm is low at 32 weeks but normal at 28: the EDD (32 weeks) wins over the written 28.
    assert sfh(27, weeks=32, week=28).code == "sfh-low"


def test_sfh_without_an_edd_uses_the_written_week():
    flag = flags.sfh_outside_centiles(
        measurement_cm=27, measurement_date=TODAY, agreed_edd=None, pregnancy_week=32
    )
    assert flag.code == "sfh-low"


def test_sfh_without_any_gestation_or_outside_16_to_40_weeks_is_not_flagged():
    assert (
        flags.sfh_outside_centiles(
            measurement_cm=5, measurement_date=TODAY, agreed_edd=None, pregnancy_week=None
        )
        is None
    )
    assert sfh(5, weeks=15) is None
    assert sfh(60, weeks=41) is None


# --- blood pressure ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("systolic", "diastolic", "flagged", "severe"),
    [
        (120, 80, False, False),
        (139, 89, False, False),
        (140, 80, True, False),
        (130, 90, True, False),
        (159, 109, True, False),
        (160, 95, True, True),
        (150, 110, True, True),
        (None, None, False, False),
        (145, None, True, False),
    ],
)
def test_high_blood_pressure_from_140_systolic_or_90_diastolic(systolic, diastolic, flagged, severe):
    flag = flags.high_blood_pressure(systolic=systolic, diastolic=diastolic)
    assert (flag is not None) == flagged
    if flag:
        assert flag.code == "bp-high"
        assert flag.severe == severe


def test_blood_pressure_flag_shows_the_reading():
    assert flags.high_blood_pressure(systolic=150, diastolic=95).label == "BP 150/95"


# --- proteinuria ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("result", "flagged"),
    [(None, False), ("Neg", False), ("Spor", False), ("1+", False), ("2+", True), ("3+", True)],
)
def test_proteinuria_from_two_plus(result, flagged):
    flag = flags.proteinuria(result)
    assert (flag is not None) == flagged
    if flag:
        assert flag.label == f"Protein {result}"


# --- RhD negative without prophylaxis ---------------------------------------------------------------------


def rhd(**overrides):
    values = {
        "rhesus_d_type": "NEGATIVE",
        "has_rhd_negative_section": True,
        "prophylaxis_given": None,
        "fetus_rhd_positive": None,
        "gestation": 29 * 7,
    }
    return flags.rhd_prophylaxis_missing(**{**values, **overrides})


def test_rhd_negative_at_29_weeks_without_prophylaxis_is_flagged():
    assert rhd().code == "rhd"
    assert rhd(prophylaxis_given=False).code == "rhd"
    assert rhd(fetus_rhd_positive=True).code == "rhd"


def test_rhd_flag_is_not_raised_before_29_weeks_while_anti_d_is_due_in_week_28():
    assert rhd(gestation=28 * 7 - 1) is None
    assert rhd(gestation=28 * 7) is None
    assert rhd(gestation=28 * 7 + 6) is None
    assert rhd(gestation=29 * 7).detail.startswith("RhD negative at 29+0")
    assert rhd(gestation=None) is None


def test_rhd_flag_is_cleared_by_prophylaxis_or_an_rhd_negative_baby():
    assert rhd(prophylaxis_given=True) is None
    assert rhd(fetus_rhd_positive=False) is None


def test_rhd_negative_comes_from_the_blood_group_or_else_the_rhd_negative_section():
    assert rhd(rhesus_d_type="POSITIVE") is None
    assert rhd(rhesus_d_type=None, has_rhd_negative_section=True).code == "rhd"
    assert rhd(rhesus_d_type=None, has_rhd_negative_section=False) is None
    assert rhd(rhesus_d_type="NEGATIVE", has_rhd_negative_section=False).code == "rhd"


# --- overdue ----------------------------------------------------------------------------------------------


def test_overdue_only_after_the_agreed_edd():
    assert flags.overdue(agreed_edd=TODAY, today=TODAY) is None
    assert flags.overdue(agreed_edd=None, today=TODAY) is None
    flag = flags.overdue(agreed_edd=TODAY - timedelta(days=3), today=TODAY)
    assert flag.code == "overdue"
    assert flag.label == "Overdue 40+3"
    assert flag.detail.startswith("3 days past the agreed EDD")
    assert not flag.severe


def test_overdue_is_severe_from_42_weeks():
    assert not flags.overdue(agreed_edd=TODAY - timedelta(days=13), today=TODAY).severe
    assert flags.overdue(agreed_edd=TODAY - timedelta(days=14), today=TODAY).severe


# --- fetal heart rate outside 110-160 ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "flagged"),
    [
        (60, True),
        (109, True),
        (110, False),
        (111, False),
        (159, False),
        (160, False),
        (161, True),
        (190, True),
    ],
)
def test_a_fetal_heart_rate_outside_110_to_160_is_flagged_for_review_today(rate, flagged):
    flag = flags.fetal_heart_rate_abnormal([{"fetalHeartRate": rate}])
    assert (flag is not None) == flagged
    if flag:
        assert flag.severe and flag.label == f"FHR {rate}" and "110-160" in flag.detail


def test_with_twins_the_flag_names_the_fetus_whose_rate_is_outside():
    flag = flags.fetal_heart_rate_abnormal([{"fetalHeartRate": 142}, {"fetalHeartRate": 190}])
    assert flag is not None and flag.label == "FHR fetus 2: 190"


@pytest.mark.parametrize(
    "fetuses", [None, [], [{}], [{"fetalHeartRate": None}], [{"fetalHeartRate": "fast"}]]
)
def test_no_heart_rate_recorded_is_not_a_flag(fetuses):
    assert flags.fetal_heart_rate_abnormal(fetuses) is None


# --- haemoglobin below the trimester threshold (g/dL, as stored) ----------------------------------------


@pytest.mark.parametrize(
    ("at_booking", "third", "flagged"),
    [
        (10.9, None, True),
        (11.0, None, False),
        (11.1, None, False),
        (None, 10.4, True),
        (None, 10.5, False),
        (None, 10.6, False),
        (10.0, 10.8, False),  # the later result decides: treated and recovered
        (12.5, 10.4, True),
        (None, None, False),
    ],
)
def test_haemoglobin_below_11_at_booking_or_10_5_in_the_third_trimester(at_booking, third, flagged):
    flag = flags.haemoglobin_low(at_booking=at_booking, third_trimester=third)
    assert (flag is not None) == flagged
    if flag:
        assert flag.code == "hb-low" and not flag.severe


def test_haemoglobin_flag_says_the_value_and_the_threshold_in_both_units():
    flag = flags.haemoglobin_low(at_booking=None, third_trimester=9.8)
    assert flag.label == "Hb 9.8 g/dL"
    assert "below 10.5 g/dL (105 g/L)" in flag.detail and "third trimester" in flag.detail
    assert "below 11 g/dL (110 g/L)" in flags.haemoglobin_low(at_booking=10.2, third_trimester=None).detail


# --- SFH crossing centiles --------------------------------------------------------------------------------

EDD = edd_making(36)  # so that TODAY is 36+0


def cm_at(weeks: float, centile: float) -> float:
    return sfh_centile_value(weeks, centile)


def reading_at(days_before: int, centile: float) -> flags.SfhReading:
    on = TODAY - timedelta(days=days_before)
    weeks = (280 - (EDD - on).days) / 7
    return flags.SfhReading(cm=cm_at(weeks, centile), on=on)


def crossing(*readings):
    return flags.sfh_crossing_centiles(readings, agreed_edd=EDD)


def test_centile_lines_between_two_centiles():
    assert flags.centile_lines_between(55, 8) == 2  # the 50th and the 10th
    assert flags.centile_lines_between(45, 9) == 1
    assert flags.centile_lines_between(8, 55) == 2
    assert flags.centile_lines_between(50, 50) == 0


def test_sfh_falling_across_two_centile_lines_is_flagged():
    flag = crossing(reading_at(14, 55), reading_at(0, 8))
    assert flag.code == "sfh-falling" and not flag.severe
    assert "55th centile" in flag.detail and "8th centile" in flag.detail


def test_sfh_rising_across_two_centile_lines_is_flagged():
    assert crossing(reading_at(21, 45), reading_at(0, 92)).code == "sfh-rising"


def test_sfh_crossing_one_line_only_is_not_flagged():
    assert crossing(reading_at(14, 45), reading_at(0, 12)) is None  # no line crossed, 33 points down
    assert crossing(reading_at(14, 45), reading_at(0, 9)) is None  # the 10th only, 36 points down
    assert crossing(reading_at(14, 60), reading_at(0, 88)) is None  # the 90th not reached


def test_sfh_falling_40_centile_points_is_flagged_even_across_one_line():
    assert crossing(reading_at(14, 49.1), reading_at(0, 9)).code == "sfh-falling"  # 40.1 points, the 10th
    assert crossing(reading_at(14, 49), reading_at(0, 9.5)) is None  # 39.5 points
    assert crossing(reading_at(14, 89.1), reading_at(0, 49)).code == "sfh-falling"  # 40.1, the 50th
    assert crossing(reading_at(14, 49), reading_at(0, 89)) is None  # 40 points up, one line: not a fall


def test_sfh_measurements_under_2_weeks_apart_are_not_compared():
    assert crossing(reading_at(13, 55), reading_at(0, 8)) is None
    # the latest measurement taken 14 days or more before the last is the one compared
    assert crossing(reading_at(20, 20), reading_at(10, 55), reading_at(0, 8)) is None
    assert crossing(reading_at(20, 20), reading_at(14, 55), reading_at(0, 8)).code == "sfh-falling"


def test_sfh_crossing_is_not_repeated_when_the_last_is_below_the_3rd_centile():
    assert crossing(reading_at(14, 55), reading_at(0, 2)) is None


def test_sfh_crossing_with_one_measurement_or_none_is_not_flagged():
    assert crossing(reading_at(0, 50)) is None
    assert crossing() is None


# --- induction plan from 41+0 -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gestation", "planned", "flagged"),
    [
        (41 * 7 - 1, False, False),
        (41 * 7, False, True),
        (41 * 7 + 1, False, True),
        (41 * 7, True, False),
        (None, False, False),
    ],
)
def test_no_induction_plan_from_41_weeks(gestation, planned, flagged):
    flag = flags.induction_plan_missing(gestation=gestation, has_induction_plan=planned)
    assert (flag is not None) == flagged
    if flag:
        assert flag.code == "induction" and "offered from 41+0" in flag.detail


def test_the_induction_week_is_a_setting(settings):
    settings.INDUCTION_PLAN_BY_DAYS = 42 * 7
    assert flags.induction_plan_missing(gestation=41 * 7 + 6, has_induction_plan=False) is None
    assert flags.induction_plan_missing(gestation=42 * 7, has_induction_plan=False) is not None


def booking(kind="ANTENATAL", status="BOOKED", days=0, error=False, visit=None):
    starts = timezone.make_aware(datetime.combine(TODAY + timedelta(days=days), time(10, 0)))
    return Booking(kind=kind, status=status, starts_at=starts, entered_in_error=error, visit_id=visit)


def test_an_induction_plan_is_an_induction_booked_or_attended():
    assert flags.is_induction_plan(booking("INDUCTION"))
    assert flags.is_induction_plan(booking("INDUCTION", "ATTENDED"))
    assert not flags.is_induction_plan(booking("INDUCTION", "CANCELLED"))
    assert not flags.is_induction_plan(booking("INDUCTION", error=True))
    assert not flags.is_induction_plan(booking("ANTENATAL"))


# --- bookings: missed, and none to come -------------------------------------------------------------------


def test_no_booking_is_flagged_and_urgent_from_36_weeks():
    assert flags.no_booking(upcoming=booking(days=3), gestation=30 * 7) is None
    early = flags.no_booking(upcoming=None, gestation=36 * 7 - 1)
    late = flags.no_booking(upcoming=None, gestation=36 * 7)
    assert early.code == late.code == "booking-none"
    assert not early.severe and late.severe
    assert flags.no_booking(upcoming=None, gestation=40 * 7 + 3).severe  # past the EDD
    assert not flags.no_booking(upcoming=None, gestation=None).severe  # no EDD: still a finding


def test_missed_bookings_are_flagged_naming_the_last():
    assert flags.missed_booking([]) is None
    one = flags.missed_booking([booking(days=-2)])
    assert one.label == "Missed booking" and "Antenatal check booked for 31 May 2025" in one.detail
    two = flags.missed_booking([booking(days=-9), booking("ULTRASOUND", days=-2)])
    assert two.label == "2 missed bookings" and "ultrasound scan on 31 May 2025" in two.detail


# --- all of one pregnancy, with subjects --------------------------------------------------------------------

NOW = timezone.make_aware(datetime.combine(TODAY, time(12, 0)))


def pregnancy(weeks: int, days: int = 0) -> Pregnancy:
    return Pregnancy(id=None, agreed_edd=edd_making(weeks, days), status="ACTIVE")


def test_record_flags_combines_the_rules_severe_first_each_with_its_subject():
    record = pregnancy(32)
    record.clinicaltests = ClinicalTests(rhesus_d_type="NEGATIVE", hemoglobin=10.2, version=3)
    record.rhesusdnegative = RhesusDNegative(prophylaxis_at_week_28=None, version=2)
    appointment = AntenatalAppointment(
        appointment_date=TODAY,
        protein_in_urine_test_result="3+",
        fetuses_vital_signs=[{"fetalHeartRate": 190}],
        version=4,
    )
    appointment.systolic_derived, appointment.diastolic_derived = 165, 100
    measurement = SymphysisFundalHeight(measurement=25, measurement_date=TODAY, pregnancy_week=32)
    found = flags.record_flags(
        record=record,
        appointments=[appointment],
        measurements=[measurement],
        bookings=[booking(days=7)],
        now=NOW,
    )
    assert [flag.code for flag in found] == ["bp-high", "fhr", "sfh-low", "protein", "hb-low", "rhd"]
    subjects = {flag.code: flag.subject for flag in found}
    assert subjects["bp-high"] == subjects["fhr"] == f"antenatalAppointments/{appointment.pk}@4"
    assert subjects["sfh-low"] == f"symphysisFundalHeights/{measurement.pk}@1"
    assert subjects["hb-low"] == "clinicalTests@3"
    assert subjects["rhd"] == "clinicalTests@3,rhesusDNegative@2"


def test_the_last_appointment_on_or_before_today_decides_and_errors_are_left_out():
    record = pregnancy(30)
    old = AntenatalAppointment(appointment_date=TODAY - timedelta(days=7), protein_in_urine_test_result="3+")
    wrong = AntenatalAppointment(
        appointment_date=TODAY, protein_in_urine_test_result="Neg", entered_in_error=True
    )
    future = AntenatalAppointment(
        appointment_date=TODAY + timedelta(days=1), protein_in_urine_test_result="Neg"
    )
    found = flags.record_flags(
        record=record, appointments=[old, wrong, future], measurements=[], bookings=None, now=NOW
    )
    assert [flag.code for flag in found] == ["protein"]


def test_a_pregnancy_with_no_data_has_no_flags_but_bookings_read_and_none_booked():
    record = Pregnancy(id=None, agreed_edd=None)
    assert flags.record_flags(record=record, appointments=[], measurements=[], bookings=None, now=NOW) == []
    found = flags.record_flags(record=record, appointments=[], measurements=[], bookings=[], now=NOW)
    assert [(flag.code, flag.subject) for flag in found] == [("booking-none", "record@no-edd/no-booking")]


def test_booking_flags_of_a_pregnancy_at_41_weeks():
    record = pregnancy(41, 2)
    missed = booking(days=-3)
    found = flags.record_flags(record=record, appointments=[], measurements=[], bookings=[missed], now=NOW)
    edd = f"record@{record.agreed_edd.isoformat()}"
    assert {flag.code: flag.subject for flag in found} == {
        "overdue": edd,
        "booking-missed": f"bookings/{missed.pk}@1",
        "booking-none": f"{edd}/no-booking/late",
        "induction": edd,
    }
    assert found[0].code == "booking-none" and found[0].severe
    planned = [booking("INDUCTION", days=2)]
    found = flags.record_flags(record=record, appointments=[], measurements=[], bookings=planned, now=NOW)
    assert [flag.code for flag in found] == ["overdue"]


def test_overdue_becomes_a_new_subject_when_it_becomes_post_term():
    record = pregnancy(42)
    found = flags.record_flags(record=record, appointments=[], measurements=[], bookings=None, now=NOW)
    assert found[0].subject.endswith("/post-term") and found[0].severe
