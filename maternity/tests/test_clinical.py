import datetime
import math
from statistics import NormalDist

import pytest

from maternity.rules.clinical import (
    SFH_CHART_CENTILES,
    SFH_MAX_WEEKS,
    SFH_MIN_WEEKS,
    agreed_edd,
    edd_from_crl,
    edd_from_lmp,
    format_gestation,
    ga_days_from_crl,
    gestation_days,
    sfh_centile_of,
    sfh_centile_value,
    sfh_flag,
    sfh_median,
    sfh_sd,
)

D = datetime.date


# --- due date and gestational age ---------------------------------------------------------------------


def test_due_date_from_lmp_is_280_days_later():
    assert edd_from_lmp(D(2024, 1, 1)) == D(2024, 10, 7)
    assert edd_from_lmp(D(2023, 5, 10)) - D(2023, 5, 10) == datetime.timedelta(days=280)


def test_gestation_is_zero_on_the_lmp_and_280_days_on_the_due_date():
    edd = D(2024, 10, 7)

    assert gestation_days(edd=edd, on=D(2024, 1, 1)) == 0
    assert gestation_days(edd=edd, on=edd) == 280
    assert gestation_days(edd=edd, on=D(2024, 10, 14)) == 287


def test_gestation_32_weeks_4_days_before_due():
    edd = D(2024, 10, 7)
    on = edd - datetime.timedelta(days=280 - (32 * 7 + 4))

    assert format_gestation(gestation_days(edd=edd, on=on)) == "32+4"


@pytest.mark.parametrize(
    ("days", "written"), [(0, "0+0"), (6, "0+6"), (7, "1+0"), (228, "32+4"), (280, "40+0")]
)
def test_gestation_is_written_as_completed_weeks_plus_days(days, written):
    assert format_gestation(days) == written


def test_negative_gestation_cannot_be_written():
    with pytest.raises(ValueError, match="cannot be negative, got -1 days"):
        format_gestation(-1)


# --- crown-rump length dating -----------------------------------------------------------------------------


def test_crl_45_mm_gives_78_17_days_which_is_11_plus_1():
    ga = ga_days_from_crl(45)

    # The reference gives 78.17; the exact value is 78.1797 (the reference truncates rather than rounds).
    assert abs(ga - 78.17) < 0.01
    assert math.isclose(ga, 40.9041 + 3.21585 * 45**0.5 + 0.348956 * 45)
    assert format_gestation(round(ga)) == "11+1"


@pytest.mark.parametrize("crl_mm", [15, 95])
def test_crl_at_the_ends_of_the_valid_range_is_accepted(crl_mm):
    assert ga_days_from_crl(crl_mm) > 0


@pytest.mark.parametrize("crl_mm", [14.9, 95.1, 0, -10])
def test_crl_outside_15_to_95_mm_is_refused_with_a_clear_message(crl_mm):
    with pytest.raises(ValueError, match=f"valid for 15-95 mm, got {crl_mm} mm"):
        ga_days_from_crl(crl_mm)


def test_due_date_from_crl_rounds_gestation_to_whole_days():
    scan_date = D(2024, 3, 1)

    # 78.18 days rounds to 78, so the due date is 280 - 78 = 202 days after the scan.
    assert edd_from_crl(crl_mm=45, scan_date=scan_date) == D(2024, 9, 19)
    assert gestation_days(edd=D(2024, 9, 19), on=scan_date) == 78


def test_due_date_from_crl_rounds_up_from_half_a_day():
    crl_mm = next(c / 10 for c in range(150, 950) if ga_days_from_crl(c / 10) % 1 >= 0.5)
    scan_date = D(2024, 3, 1)

    edd = edd_from_crl(crl_mm=crl_mm, scan_date=scan_date)

    assert gestation_days(edd=edd, on=scan_date) == math.ceil(ga_days_from_crl(crl_mm))


# --- agreed due date -----------------------------------------------------------------------------------


CORRECTED = D(2024, 10, 1)
ULTRASOUND = D(2024, 10, 3)
LMP_BASED = D(2024, 10, 5)
LMP = D(2024, 1, 1)


@pytest.mark.parametrize(
    ("corrected", "ultrasound", "lmp_based", "lmp", "expected"),
    [
        (CORRECTED, ULTRASOUND, LMP_BASED, LMP, CORRECTED),
        (None, ULTRASOUND, LMP_BASED, LMP, ULTRASOUND),
        (None, None, LMP_BASED, LMP, LMP_BASED),
        (None, None, None, LMP, D(2024, 10, 7)),
        (CORRECTED, None, None, None, CORRECTED),
        (None, None, None, None, None),
    ],
)
def test_agreed_due_date_prefers_corrected_then_ultrasound_then_lmp(
    corrected, ultrasound, lmp_based, lmp, expected
):
    assert agreed_edd(corrected=corrected, ultrasound=ultrasound, lmp_based=lmp_based, lmp=lmp) == expected


# --- symphysis-fundal height -------------------------------------------------------------------------------

# Reference check values, cm: (GA weeks, 3rd, 50th, 97th).
SFH_TABLE = [
    (16, 13.17, 15.81, 18.45),
    (24, 20.72, 23.75, 26.79),
    (32, 28.00, 31.42, 34.84),
    (36, 31.26, 34.88, 38.49),
    (40, 34.15, 37.95, 41.76),
]


def test_sfh_constants():
    assert (SFH_MIN_WEEKS, SFH_MAX_WEEKS) == (16, 40)
    assert SFH_CHART_CENTILES == (3, 10, 50, 90, 97)


@pytest.mark.parametrize(("ga", "third", "median", "ninety_seventh"), SFH_TABLE)
def test_sfh_centiles_match_the_reference_table_to_2_decimals(ga, third, median, ninety_seventh):
    assert round(sfh_centile_value(ga, 3), 2) == third
    assert round(sfh_median(ga), 2) == median
    assert round(sfh_centile_value(ga, 97), 2) == ninety_seventh


@pytest.mark.parametrize(("ga", "third", "median", "ninety_seventh"), SFH_TABLE)
def test_reference_z_of_1_881_and_exact_normal_quantile_agree_to_2_decimals(
    ga, third, median, ninety_seventh
):
    assert NormalDist().inv_cdf(0.03) == pytest.approx(-1.881, abs=0.0005)
    assert round(sfh_median(ga) - 1.881 * sfh_sd(ga), 2) == third
    assert round(sfh_median(ga) + 1.881 * sfh_sd(ga), 2) == ninety_seventh


def test_sfh_sd_follows_the_published_formula():
    assert sfh_sd(16) == pytest.approx(0.9922667 + 0.0258087 * 16)
    assert sfh_sd(40) == pytest.approx(0.9922667 + 0.0258087 * 40)


def test_sfh_10th_and_90th_centiles_use_z_1_2816():
    assert sfh_centile_value(32, 10) == pytest.approx(sfh_median(32) - 1.2816 * sfh_sd(32), abs=1e-3)
    assert sfh_centile_value(32, 90) == pytest.approx(sfh_median(32) + 1.2816 * sfh_sd(32), abs=1e-3)


def test_sfh_50th_centile_is_the_median():
    assert sfh_centile_value(28.5, 50) == pytest.approx(sfh_median(28.5))


def test_sfh_chart_centiles_rise_with_centile_and_with_gestation():
    for week in range(SFH_MIN_WEEKS, SFH_MAX_WEEKS + 1):
        values = [sfh_centile_value(week, c) for c in SFH_CHART_CENTILES]
        assert values == sorted(values)
    medians = [sfh_median(week) for week in range(SFH_MIN_WEEKS, SFH_MAX_WEEKS + 1)]
    assert medians == sorted(medians)


@pytest.mark.parametrize("centile", [3, 10, 50, 90, 97, 0.5, 99.5])
def test_sfh_centile_of_a_centile_value_gives_that_centile_back(centile):
    measurement = sfh_centile_value(30, centile)

    assert sfh_centile_of(measurement, 30) == pytest.approx(centile)


def test_sfh_centile_of_the_median_is_50():
    assert sfh_centile_of(sfh_median(36), 36) == pytest.approx(50)


@pytest.mark.parametrize("ga", [15.9, 40.1, 10, 42])
def test_sfh_outside_16_to_40_weeks_is_refused(ga):
    for call in (
        lambda: sfh_median(ga),
        lambda: sfh_sd(ga),
        lambda: sfh_centile_value(ga, 50),
        lambda: sfh_centile_of(30, ga),
        lambda: sfh_flag(30, ga),
    ):
        with pytest.raises(ValueError, match=f"covers 16 to 40 weeks, got {ga} weeks"):
            call()


@pytest.mark.parametrize("centile", [0, 100, -5, 150])
def test_sfh_centile_outside_0_to_100_is_refused(centile):
    with pytest.raises(ValueError, match="strictly between 0 and 100"):
        sfh_centile_value(30, centile)


@pytest.mark.parametrize("measurement", [0, -1])
def test_sfh_measurement_must_be_positive(measurement):
    with pytest.raises(ValueError, match="must be positive"):
        sfh_centile_of(measurement, 30)


def test_sfh_below_the_3rd_centile_is_flagged():
    assert sfh_flag(sfh_centile_value(32, 3) - 0.05, 32) == "below 3rd centile"
    assert sfh_flag(27.5, 32) == "below 3rd centile"


def test_sfh_above_the_97th_centile_is_flagged():
    assert sfh_flag(sfh_centile_value(32, 97) + 0.05, 32) == "above 97th centile"
    assert sfh_flag(35.5, 32) == "above 97th centile"


@pytest.mark.parametrize("measurement", [28.1, 31.4, 34.8])
def test_sfh_between_the_3rd_and_97th_centiles_is_not_flagged(measurement):
    assert sfh_flag(measurement, 32) is None
