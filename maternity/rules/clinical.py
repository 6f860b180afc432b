"""Gestational age, due dates, dating by crown-rump length and the symphysis-fundal height standard.

Pure Python, standard library only. Formulas and check values: /work/shared/reference/clinical-calculations.md
(Naegele's rule; INTERGROWTH-21st CRL dating, Papageorghiou et al. 2014; INTERGROWTH-21st SFH standard,
Papageorghiou et al. BMJ 2016;355:i5662).
"""

import datetime
import math
from statistics import NormalDist

PREGNANCY_DAYS = 280

CRL_MIN_MM = 15
CRL_MAX_MM = 95

SFH_MIN_WEEKS = 16
SFH_MAX_WEEKS = 40
SFH_CHART_CENTILES = (3, 10, 50, 90, 97)

_STANDARD_NORMAL = NormalDist()


# --- due date and gestational age ---------------------------------------------------------------------


def edd_from_lmp(lmp: datetime.date) -> datetime.date:
    """Naegele's rule: the due date is 280 days after the first day of the last menstrual period."""
    return lmp + datetime.timedelta(days=PREGNANCY_DAYS)


def gestation_days(*, edd: datetime.date, on: datetime.date) -> int:
    return PREGNANCY_DAYS - (edd - on).days


def format_gestation(days: int) -> str:
    """Completed weeks + days, the way midwives write it: 228 -> "32+4"."""
    if days < 0:
        raise ValueError(f"gestation cannot be negative, got {days} days")
    weeks, remainder = divmod(days, 7)
    return f"{weeks}+{remainder}"


def ga_days_from_crl(crl_mm: float) -> float:
    """Gestational age in days from crown-rump length (INTERGROWTH-21st), valid for CRL 15-95 mm."""
    if not CRL_MIN_MM <= crl_mm <= CRL_MAX_MM:
        raise ValueError(
            f"crown-rump length dating is valid for {CRL_MIN_MM}-{CRL_MAX_MM} mm, got {crl_mm} mm"
        )
    return 40.9041 + 3.21585 * math.sqrt(crl_mm) + 0.348956 * crl_mm


def edd_from_crl(*, crl_mm: float, scan_date: datetime.date) -> datetime.date:
    ga_days = math.floor(ga_days_from_crl(crl_mm) + 0.5)
    return scan_date + datetime.timedelta(days=PREGNANCY_DAYS - ga_days)


def agreed_edd(
    *,
    corrected: datetime.date | None,
    ultrasound: datetime.date | None,
    lmp_based: datetime.date | None,
    lmp: datetime.date | None,
) -> datetime.date | None:
    """The due date to use: corrected > ultrasound > LMP-based due date > LMP + 280 days."""
    for candidate in (corrected, ultrasound, lmp_based):
        if candidate is not None:
            return candidate
    if lmp is not None:
        return edd_from_lmp(lmp)
    return None


# --- symphysis-fundal height ---------------------------------------------------------------------------


def _require_sfh_range(ga_weeks: float) -> None:
    if not SFH_MIN_WEEKS <= ga_weeks <= SFH_MAX_WEEKS:
        raise ValueError(
            f"the SFH standard covers {SFH_MIN_WEEKS} to {SFH_MAX_WEEKS} weeks, got {ga_weeks} weeks"
        )


def sfh_median(ga_weeks: float) -> float:
    _require_sfh_range(ga_weeks)
    ga_squared = ga_weeks**2
    return 5.133374 + 0.1058353119 * ga_squared - 0.0231295 * ga_squared * math.log(ga_weeks)


def sfh_sd(ga_weeks: float) -> float:
    _require_sfh_range(ga_weeks)
    return 0.9922667 + 0.0258087 * ga_weeks


def sfh_centile_value(ga_weeks: float, centile: float) -> float:
    """The SFH in cm at a centile (strictly between 0 and 100) for a gestation in exact weeks."""
    if not 0 < centile < 100:
        raise ValueError(f"a centile must be strictly between 0 and 100, got {centile}")
    z = _STANDARD_NORMAL.inv_cdf(centile / 100)
    return sfh_median(ga_weeks) + z * sfh_sd(ga_weeks)


def sfh_centile_of(measurement_cm: float, ga_weeks: float) -> float:
    """The centile (0-100) of an SFH measurement at a gestation in exact weeks."""
    if not measurement_cm > 0:
        raise ValueError(f"an SFH measurement must be positive, got {measurement_cm} cm")
    z = (measurement_cm - sfh_median(ga_weeks)) / sfh_sd(ga_weeks)
    return 100 * _STANDARD_NORMAL.cdf(z)


def sfh_flag(measurement_cm: float, ga_weeks: float) -> str | None:
    centile = sfh_centile_of(measurement_cm, ga_weeks)
    if centile < 3:
        return "below 3rd centile"
    if centile > 97:
        return "above 97th centile"
    return None
