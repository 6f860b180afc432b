"""What on the caseload needs a midwife's attention. Every rule is here, one function each, tested in
`maternity/tests/web/test_flags.py`.

The rules take plain values, not queries: the caseload selector fetches what they need for a whole page at
once, and the rules stay easy to read and to test. Each returns a Flag, or None when all is well or when
there is not enough data to say (no data is never a flag: the record page shows what is missing).
"""

from dataclasses import dataclass
from datetime import date

from django.utils.formats import date_format

from maternity.models import (
    AntenatalAppointment,
    Pregnancy,
    ProteinInUrine,
    RhesusDType,
    SymphysisFundalHeight,
)
from maternity.rules.clinical import (
    SFH_MAX_WEEKS,
    SFH_MIN_WEEKS,
    format_gestation,
    gestation_days,
    sfh_centile_of,
)

HIGH_SYSTOLIC = 140  # mmHg: hypertension in pregnancy (NICE NG133, WHO)
HIGH_DIASTOLIC = 90
SEVERE_SYSTOLIC = 160  # severe hypertension: same-day review
SEVERE_DIASTOLIC = 110
PROTEINURIA = frozenset({ProteinInUrine.TWO, ProteinInUrine.THREE})  # "++" or more on dipstick
FETAL_HEART_RATE_NORMAL = (110, 160)  # beats/min, baseline by auscultation (NICE CG190/NG229)
RHD_PROPHYLAXIS_FROM_DAYS = 28 * 7  # routine antenatal anti-D prophylaxis is due at 28+0
POST_TERM_DAYS = 42 * 7


@dataclass(frozen=True)
class Flag:
    code: str  # stable: for tests and styling
    label: str  # the short text on the caseload
    detail: str  # a sentence saying why (the badge's tooltip and screen-reader text)
    severe: bool = False  # needs review today


def sfh_outside_centiles(
    *, measurement_cm: int, measurement_date: date, agreed_edd: date | None, pregnancy_week: int | None
) -> Flag | None:
    """The last symphysis-fundal height below the 3rd or above the 97th centile of the INTERGROWTH-21st
    standard. Gestation at the measurement comes from the agreed EDD (exact days), else the week the
    midwife wrote down; outside 16-40 weeks the standard says nothing, so neither does the flag."""
    if agreed_edd is not None:
        ga_weeks = gestation_days(edd=agreed_edd, on=measurement_date) / 7
    elif pregnancy_week is not None:
        ga_weeks = float(pregnancy_week)
    else:
        return None
    if not SFH_MIN_WEEKS <= ga_weeks <= SFH_MAX_WEEKS:
        return None
    centile = sfh_centile_of(measurement_cm, ga_weeks)
    if 3 <= centile <= 97:
        return None
    ga = format_gestation(round(ga_weeks * 7))
    when = f"{measurement_cm} cm at {ga} on {date_format(measurement_date, 'j M Y')}"
    if centile < 3:
        return Flag("sfh-low", "SFH < 3rd centile", f"Last SFH {when}: below the 3rd centile.")
    return Flag("sfh-high", "SFH > 97th centile", f"Last SFH {when}: above the 97th centile.")


def high_blood_pressure(*, systolic: int | None, diastolic: int | None) -> Flag | None:
    """Systolic 140 or more, or diastolic 90 or more, at the last appointment; severe from 160/110."""
    high = (systolic or 0) >= HIGH_SYSTOLIC or (diastolic or 0) >= HIGH_DIASTOLIC
    if not high:
        return None
    severe = (systolic or 0) >= SEVERE_SYSTOLIC or (diastolic or 0) >= SEVERE_DIASTOLIC
    reading = f"{systolic if systolic is not None else '?'}/{diastolic if diastolic is not None else '?'}"
    word = "Severe hypertension" if severe else "High blood pressure"
    return Flag("bp-high", f"BP {reading}", f"{word} at the last appointment: {reading} mmHg.", severe)


def proteinuria(result: str | None) -> Flag | None:
    """Protein in urine of ++ (2+) or more at the last appointment. Negative, trace and + are not
    flagged on their own (a high blood pressure is flagged by its own rule)."""
    if result not in PROTEINURIA:
        return None
    return Flag(
        "protein", f"Protein {result}", f"Proteinuria {result} on the urine dipstick at the last appointment."
    )


def fetal_heart_rate_abnormal(fetuses: list[dict] | None) -> Flag | None:
    """A fetal heart rate outside the normal baseline of 110-160 beats/min (NICE CG190/NG229) at the last
    appointment, for any fetus: abnormal, so reviewed the same day. A rate not recorded says nothing."""
    low, high = FETAL_HEART_RATE_NORMAL
    outside = [
        (number, rate)
        for number, fetus in enumerate(fetuses or [], start=1)
        if isinstance(rate := fetus.get("fetalHeartRate"), int | float) and not low <= rate <= high
    ]
    if not outside:
        return None
    several = len(fetuses or []) > 1
    readings = ", ".join(f"{'fetus ' + str(n) + ': ' if several else ''}{rate:g}" for n, rate in outside)
    return Flag(
        "fhr",
        f"FHR {readings}",
        f"Fetal heart rate outside {low}-{high} beats/min at the last appointment ({readings}).",
        severe=True,
    )


def rhd_prophylaxis_missing(
    *,
    rhesus_d_type: str | None,
    has_rhd_negative_section: bool,
    prophylaxis_given: bool | None,
    fetus_rhd_positive: bool | None,
    gestation: int | None,
) -> Flag | None:
    """RhD negative, 28+0 or more, and anti-D prophylaxis not recorded as given. She is RhD negative when
    her blood group says so, or when the RhD-negative section was started and no blood group says
    otherwise. No flag when fetal typing found the baby RhD negative (no prophylaxis is needed) or before
    28 weeks (it is not due yet)."""
    rhd_negative = rhesus_d_type == RhesusDType.NEGATIVE or (
        rhesus_d_type is None and has_rhd_negative_section
    )
    if not rhd_negative or prophylaxis_given is True or fetus_rhd_positive is False:
        return None
    if gestation is None or gestation < RHD_PROPHYLAXIS_FROM_DAYS:
        return None
    return Flag(
        "rhd",
        "RhD−: no anti-D",
        f"RhD negative at {format_gestation(gestation)}, and anti-D prophylaxis (due at 28 weeks) is not "
        "recorded as given.",
    )


def overdue(*, agreed_edd: date | None, today: date) -> Flag | None:
    """Today is past the agreed EDD; severe from 42+0 (post-term)."""
    if agreed_edd is None or today <= agreed_edd:
        return None
    days_over = (today - agreed_edd).days
    plural = "s" if days_over != 1 else ""
    gestation = gestation_days(edd=agreed_edd, on=today)
    return Flag(
        "overdue",
        f"Overdue {format_gestation(gestation)}",
        f"{days_over} day{plural} past the agreed EDD ({date_format(agreed_edd, 'j M Y')}).",
        severe=gestation >= POST_TERM_DAYS,
    )


def caseload_flags(
    *,
    record: Pregnancy,
    last_appointment: AntenatalAppointment | None,
    last_sfh: SymphysisFundalHeight | None,
    today: date,
) -> list[Flag]:
    """Every flag of one pregnancy, severe first. `record` comes with its clinical tests and RhD-negative
    section already loaded (select_related); the last appointment is the latest on or before today."""
    clinical_tests = getattr(record, "clinicaltests", None)
    rhd = getattr(record, "rhesusdnegative", None)
    gestation = gestation_days(edd=record.agreed_edd, on=today) if record.agreed_edd else None
    found = [
        last_sfh
        and sfh_outside_centiles(
            measurement_cm=last_sfh.measurement,
            measurement_date=last_sfh.measurement_date,
            agreed_edd=record.agreed_edd,
            pregnancy_week=last_sfh.pregnancy_week,
        ),
        last_appointment
        and high_blood_pressure(
            systolic=last_appointment.systolic_derived, diastolic=last_appointment.diastolic_derived
        ),
        last_appointment and proteinuria(last_appointment.protein_in_urine_test_result),
        last_appointment and fetal_heart_rate_abnormal(last_appointment.fetuses_vital_signs),
        rhd_prophylaxis_missing(
            rhesus_d_type=clinical_tests.rhesus_d_type if clinical_tests else None,
            has_rhd_negative_section=rhd is not None,
            prophylaxis_given=rhd.prophylaxis_at_week_28 if rhd else None,
            fetus_rhd_positive=rhd.fetus_rh_d_positive_at_week_24 if rhd else None,
            gestation=gestation,
        ),
        overdue(agreed_edd=record.agreed_edd, today=today),
    ]
    flags = [flag for flag in found if flag]
    return sorted(flags, key=lambda flag: not flag.severe)
