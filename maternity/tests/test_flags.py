"""Each caseload flag rule, at and around its thresholds."""

from datetime import date, timedelta

import pytest

from maternity.models import (
    AntenatalAppointment,
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
        "gestation": 28 * 7,
    }
    return flags.rhd_prophylaxis_missing(**{**values, **overrides})


def test_rhd_negative_at_28_weeks_without_prophylaxis_is_flagged():
    assert rhd().code == "rhd"
    assert rhd(prophylaxis_given=False).code == "rhd"
    assert rhd(fetus_rhd_positive=True).code == "rhd"


def test_rhd_flag_is_not_raised_before_28_weeks():
    assert rhd(gestation=28 * 7 - 1) is None
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


# --- all of one pregnancy ---------------------------------------------------------------------------------


def test_caseload_flags_combines_the_rules_severe_first():
    record = Pregnancy(agreed_edd=edd_making(32))
    record.clinicaltests = ClinicalTests(rhesus_d_type="NEGATIVE")
    record.rhesusdnegative = RhesusDNegative(prophylaxis_at_week_28=None)
    appointment = AntenatalAppointment(
        appointment_date=TODAY,
        protein_in_urine_test_result="3+",
        fetuses_vital_signs=[{"fetalHeartRate": 190}],
    )
    appointment.systolic_derived, appointment.diastolic_derived = 165, 100
    measurement = SymphysisFundalHeight(measurement=25, measurement_date=TODAY, pregnancy_week=32)
    found = flags.caseload_flags(
        record=record, last_appointment=appointment, last_sfh=measurement, today=TODAY
    )
    assert [flag.code for flag in found] == ["bp-high", "fhr", "sfh-low", "protein", "rhd"]
    assert found[0].severe


def test_caseload_flags_of_a_pregnancy_with_no_data_is_empty():
    record = Pregnancy(id=None, agreed_edd=None)  # unsaved, with no sections: no database needed
    assert flags.caseload_flags(record=record, last_appointment=None, last_sfh=None, today=TODAY) == []
