"""What in a pregnancy needs a midwife's attention. Every rule is here, one function each, with its threshold
and its source; each is tested at and around its boundary in `maternity/tests/test_flags.py`, and listed
with where it shows in `docs/clinical-rules.md`.

The rules take plain values, not queries: the caseload, the record page, the task list and the
acknowledging service fetch what they need (for a whole page at once), and the rules stay easy to read and
to test. Each returns a Flag, or None when all is well or when there is not enough data to say (no data is
never a flag: the record page and the data-quality report show what is missing). The one exception is the
bookings: a pregnancy with no visit booked is itself the finding.

Every Flag found by `record_flags` names its `subject`: what raised it, with the version it was read at
(`antenatalAppointments/<id>@<version>`, `clinicalTests@<version>`, `record@<agreed EDD>`). A midwife's
acknowledgement is of one alert about one subject, so it holds until a new reading raises the alert again.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format, get_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from maternity.models import (
    AntenatalAppointment,
    Booking,
    BookingStatus,
    Pregnancy,
    ProteinInUrine,
    RhesusDType,
    SymphysisFundalHeight,
    VisitKind,
)
from maternity.rules.bookings import missed_bookings, next_booking
from maternity.rules.clinical import (
    SFH_CHART_CENTILES,
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
# anti-D: routine antenatal prophylaxis is given at 28+0 to 28+6 (NICE TA156; Norway: week 28), so it is
# missing from 29+0 on
RHD_PROPHYLAXIS_BY_DAYS = 28 * 7 + 6
POST_TERM_DAYS = 42 * 7
# haemoglobin in g/dL, as the record stores it (3-25): anaemia below 110 g/L in the first trimester and
# below 105 g/L in the second and third (BSH 2019, iron deficiency in pregnancy; NICE NG201)
HAEMOGLOBIN_FIRST_TRIMESTER = 11.0
HAEMOGLOBIN_LATER = 10.5
# SFH crossing centiles (RCOG Green-top 31; Perinatal Institute GAP): two measurements at least 2 weeks
# apart whose centiles lie two or more of the chart's centile lines apart, or 40 or more centile points lower
SFH_CROSSING_MIN_DAYS = 14
SFH_CROSSING_LINES = 2
SFH_CROSSING_FALL = 40
# no visit booked: urgent from 36+0, when visits are due every two weeks (NICE NG201: 36, 38, 40, 41 weeks)
NO_BOOKING_URGENT_DAYS = 36 * 7


def induction_plan_by_days() -> int:
    """When an induction must be planned, in days of gestation (setting INDUCTION_PLAN_BY_DAYS; default
    41+0: NICE NG207 offers induction from 41+0, Norway at 41+0 to 42+0)."""
    return int(getattr(settings, "INDUCTION_PLAN_BY_DAYS", 41 * 7))


# What each alert is, by its code: the name a page shows for a stored acknowledgement's alert, whose
# stored `alert_detail` stays in English (it is part of the record, sent over the API).
ALERT_NAMES = {
    "sfh-low": gettext_lazy("SFH below the 3rd centile"),
    "sfh-high": gettext_lazy("SFH above the 97th centile"),
    "sfh-falling": gettext_lazy("SFH falling across centiles"),
    "sfh-rising": gettext_lazy("SFH rising across centiles"),
    "bp-high": gettext_lazy("High blood pressure"),
    "protein": gettext_lazy("Proteinuria"),
    "fhr": gettext_lazy("Abnormal fetal heart rate"),
    "hb-low": gettext_lazy("Low haemoglobin"),
    "rhd": gettext_lazy("Anti-D prophylaxis not recorded"),
    "overdue": gettext_lazy("Past the due date"),
    "induction": gettext_lazy("No induction plan"),
    "booking-missed": gettext_lazy("Missed booking"),
    "booking-none": gettext_lazy("No visit booked"),
    "epds-self-harm": gettext_lazy("EPDS: thoughts of self-harm"),
    "epds-high": gettext_lazy("High EPDS score"),
    "weight-loss": gettext_lazy("Baby's weight loss"),
}


def shown_number(value: float) -> str:
    """A measurement as few digits as it needs ("10.5", "11"), with the page's decimal sign ("10,5")."""
    return f"{value:g}".replace(".", get_format("DECIMAL_SEPARATOR"))


def day(value: date) -> str:
    """A date as the page's language writes it: "4 Dec 2026", "4. des. 2026"."""
    return date_format(value, "DATE_FORMAT")


@dataclass(frozen=True)
class Flag:
    code: str  # stable: for tests, styling and acknowledgements
    # label and detail are in the language active when the rule ran (the page's); a service that stores
    # the detail runs the rules in English
    label: str  # the short text on the caseload
    detail: str  # a sentence saying why (the badge's tooltip and screen-reader text)
    severe: bool = False  # needs review today
    subject: str = ""  # what raised it, at which version (set by `record_flags`)


def subject_of(resource_type: str, item: object) -> str:
    """`antenatalAppointments/<id>@<version>` for a list item, `clinicalTests@<version>` for a singleton."""
    version = getattr(item, "version", 1)
    if hasattr(item, "entered_in_error"):
        return f"{resource_type}/{item.pk}@{version}"  # type: ignore[attr-defined]
    return f"{resource_type}@{version}"


# --- symphysis-fundal height ------------------------------------------------------------------------------


def sfh_weeks(*, measurement_date: date, agreed_edd: date | None, pregnancy_week: int | None) -> float | None:
    """The gestation in exact weeks at a measurement: from the agreed EDD (exact days), else the week the
    midwife wrote down; None outside 16-40 weeks, where the INTERGROWTH-21st standard says nothing."""
    if agreed_edd is not None:
        ga_weeks = gestation_days(edd=agreed_edd, on=measurement_date) / 7
    elif pregnancy_week is not None:
        ga_weeks = float(pregnancy_week)
    else:
        return None
    return ga_weeks if SFH_MIN_WEEKS <= ga_weeks <= SFH_MAX_WEEKS else None


def sfh_outside_centiles(
    *, measurement_cm: int, measurement_date: date, agreed_edd: date | None, pregnancy_week: int | None
) -> Flag | None:
    """The last symphysis-fundal height below the 3rd or above the 97th centile of the INTERGROWTH-21st
    standard (Papageorghiou et al., BMJ 2016). Gestation at the measurement comes from the agreed EDD
    (exact days), else the week the midwife wrote down; outside 16-40 weeks the standard says nothing, so
    neither does the flag."""
    ga_weeks = sfh_weeks(
        measurement_date=measurement_date, agreed_edd=agreed_edd, pregnancy_week=pregnancy_week
    )
    if ga_weeks is None:
        return None
    centile = sfh_centile_of(measurement_cm, ga_weeks)
    if 3 <= centile <= 97:
        return None
    words = {"cm": measurement_cm, "ga": format_gestation(round(ga_weeks * 7)), "day": day(measurement_date)}
    if centile < 3:
        return Flag(
            "sfh-low",
            _("SFH < 3rd centile"),
            _("Last SFH %(cm)s cm at %(ga)s on %(day)s: below the 3rd centile.") % words,
        )
    return Flag(
        "sfh-high",
        _("SFH > 97th centile"),
        _("Last SFH %(cm)s cm at %(ga)s on %(day)s: above the 97th centile.") % words,
    )


@dataclass(frozen=True)
class SfhReading:
    cm: int
    on: date
    week: int | None = None  # as written at the measurement


def centile_lines_between(first: float, second: float) -> int:
    """How many of the chart's centile lines (3rd, 10th, 50th, 90th, 97th) lie between two centiles."""
    low, high = sorted((first, second))
    return sum(1 for line in SFH_CHART_CENTILES if low < line <= high)


def sfh_crossing_centiles(readings: Iterable[SfhReading], *, agreed_edd: date | None) -> Flag | None:
    """The last SFH has crossed centiles since an earlier one taken at least 2 weeks before it: two or more
    of the chart's centile lines (3rd, 10th, 50th, 90th, 97th) lie between their INTERGROWTH-21st centiles,
    or the centile fell by 40 points or more.

    Why this rule: RCOG Green-top Guideline 31 (small-for-gestational-age fetus) and the Perinatal
    Institute's GAP guidance refer for a growth scan when serial SFH is static or falls across centiles,
    and GAP counts an SFH crossing centile lines as slow (or excessive) growth. One line crossed is within
    measurement error (about 1-2 cm between observers); two lines, or a fall of 40 points (e.g. 50th to
    10th), is a real change on a chart with lines at 3, 10, 50, 90 and 97. Measurements under 2 weeks apart
    are too close to tell growth from error (GAP: plot serial SFH no more often than every 2 weeks), so the
    earlier one compared is the latest taken 14 days or more before the last. When the last is already
    outside the 3rd-97th centiles, `sfh_outside_centiles` says so and this rule does not repeat it."""
    placed = []
    for reading in readings:
        ga_weeks = sfh_weeks(measurement_date=reading.on, agreed_edd=agreed_edd, pregnancy_week=reading.week)
        if ga_weeks is not None:
            placed.append((reading, ga_weeks, sfh_centile_of(reading.cm, ga_weeks)))
    if len(placed) < 2:
        return None
    placed.sort(key=lambda p: p[0].on)
    last, last_weeks, last_centile = placed[-1]
    if not 3 <= last_centile <= 97:
        return None
    earlier = [p for p in placed[:-1] if (last.on - p[0].on).days >= SFH_CROSSING_MIN_DAYS]
    if not earlier:
        return None
    before, before_weeks, before_centile = earlier[-1]
    lines = centile_lines_between(before_centile, last_centile)
    fall = before_centile - last_centile
    if lines < SFH_CROSSING_LINES and fall < SFH_CROSSING_FALL:
        return None
    words = {
        "was": _reading(before.cm, before_weeks, before_centile),
        "now": _reading(last.cm, last_weeks, last_centile),
    }
    if last_centile < before_centile:
        return Flag(
            "sfh-falling",
            _("SFH falling across centiles"),
            _("SFH fell from %(was)s to %(now)s: consider a growth scan.") % words,
        )
    return Flag(
        "sfh-rising",
        _("SFH rising across centiles"),
        _("SFH rose from %(was)s to %(now)s: consider a growth scan.") % words,
    )


def _reading(cm: int, weeks: float, centile: float) -> str:
    """ "31 cm at 32+4 (50th centile)" """
    words = {"cm": cm, "ga": format_gestation(round(weeks * 7)), "centile": f"{centile:.0f}"}
    return _("%(cm)s cm at %(ga)s (%(centile)sth centile)") % words


# --- the last appointment ---------------------------------------------------------------------------------


def high_blood_pressure(
    *, systolic: int | None, diastolic: int | None, postnatal: bool = False
) -> Flag | None:
    """Systolic 140 or more, or diastolic 90 or more, at the last appointment (`postnatal`: the last
    postnatal visit); severe from 160/110 (NICE NG133 Hypertension in pregnancy, 2019: hypertension from
    140/90, severe from 160/110)."""
    high = (systolic or 0) >= HIGH_SYSTOLIC or (diastolic or 0) >= HIGH_DIASTOLIC
    if not high:
        return None
    severe = (systolic or 0) >= SEVERE_SYSTOLIC or (diastolic or 0) >= SEVERE_DIASTOLIC
    reading = f"{systolic if systolic is not None else '?'}/{diastolic if diastolic is not None else '?'}"
    if postnatal:
        detail = (
            _("Severe hypertension at the last postnatal visit: %(reading)s mmHg.")
            if severe
            else _("High blood pressure at the last postnatal visit: %(reading)s mmHg.")
        )
    else:
        detail = (
            _("Severe hypertension at the last appointment: %(reading)s mmHg.")
            if severe
            else _("High blood pressure at the last appointment: %(reading)s mmHg.")
        )
    words = {"reading": reading}
    return Flag("bp-high", _("BP %(reading)s") % words, detail % words, severe)


def proteinuria(result: str | None) -> Flag | None:
    """Protein in urine of ++ (2+) or more at the last appointment (NICE NG133: 2+ on a dipstick is
    significant enough to quantify). Negative, trace and + are not flagged on their own (a high blood
    pressure is flagged by its own rule)."""
    if result not in PROTEINURIA:
        return None
    words = {"result": result}
    return Flag(
        "protein",
        _("Protein %(result)s") % words,
        _("Proteinuria %(result)s on the urine dipstick at the last appointment.") % words,
    )


def fetal_heart_rates_outside(fetuses: list[dict] | None) -> list[tuple[int, float]]:
    """(fetus number from 1, rate) of each fetal heart rate outside the normal baseline of 110-160."""
    low, high = FETAL_HEART_RATE_NORMAL
    return [
        (number, rate)
        for number, fetus in enumerate(fetuses or [], start=1)
        if isinstance(rate := fetus.get("fetalHeartRate"), int | float) and not low <= rate <= high
    ]


def fetal_heart_rate_abnormal(fetuses: list[dict] | None) -> Flag | None:
    """A fetal heart rate outside the normal baseline of 110-160 beats/min (NICE CG190/NG229) at the last
    appointment, for any fetus: abnormal, so reviewed the same day. A rate not recorded says nothing. (The
    label is words in the page's language: a page that words the readings its own way reads
    `fetal_heart_rates_outside`.)"""
    low, high = FETAL_HEART_RATE_NORMAL
    outside = fetal_heart_rates_outside(fetuses)
    if not outside:
        return None
    several = len(fetuses or []) > 1
    readings = ", ".join(
        _("fetus %(number)s: %(rate)s") % {"number": n, "rate": shown_number(rate)}
        if several
        else shown_number(rate)
        for n, rate in outside
    )
    words = {"readings": readings, "low": low, "high": high}
    return Flag(
        "fhr",
        _("FHR %(readings)s") % words,
        _("Fetal heart rate outside %(low)s-%(high)s beats/min at the last appointment (%(readings)s).")
        % words,
        severe=True,
    )


# --- blood tests ------------------------------------------------------------------------------------------


def haemoglobin_low(*, at_booking: float | None, third_trimester: float | None) -> Flag | None:
    """Haemoglobin below the threshold for its trimester: below 11.0 g/dL (110 g/L) at booking, taken in
    the first trimester, and below 10.5 g/dL (105 g/L) in the third trimester (British Society for
    Haematology 2019, UK guidelines on the management of iron deficiency in pregnancy; NICE NG201). The
    record stores g/dL (3-25), as its forms show. The third-trimester result is the later one, so it
    decides when both are recorded."""
    if third_trimester is not None:
        value, threshold = third_trimester, HAEMOGLOBIN_LATER
        detail = _(
            "Haemoglobin %(value)s g/dL in the third trimester: below %(threshold)s g/dL (%(grams)s g/L), "
            "anaemia."
        )
    elif at_booking is not None:
        value, threshold = at_booking, HAEMOGLOBIN_FIRST_TRIMESTER
        detail = _(
            "Haemoglobin %(value)s g/dL at booking: below %(threshold)s g/dL (%(grams)s g/L), anaemia."
        )
    else:
        return None
    if value >= threshold:
        return None
    words = {
        "value": shown_number(value),
        "threshold": shown_number(threshold),
        "grams": shown_number(threshold * 10),
    }
    return Flag("hb-low", _("Hb %(value)s g/dL") % words, detail % words)


def rhd_prophylaxis_missing(
    *,
    rhesus_d_type: str | None,
    has_rhd_negative_section: bool,
    prophylaxis_given: bool | None,
    fetus_rhd_positive: bool | None,
    gestation: int | None,
) -> Flag | None:
    """RhD negative, and anti-D prophylaxis not recorded as given by 28+6: flagged from 29+0. Routine
    antenatal anti-D prophylaxis is given in week 28 (NICE TA156; the Norwegian guideline gives it at 28
    weeks), so during 28+0 to 28+6 it is due, not missing. She is RhD negative when her blood group says
    so, or when the RhD-negative section was started and no blood group says otherwise. No flag when fetal
    typing found the baby RhD negative (no prophylaxis is needed)."""
    rhd_negative = rhesus_d_type == RhesusDType.NEGATIVE or (
        rhesus_d_type is None and has_rhd_negative_section
    )
    if not rhd_negative or prophylaxis_given is True or fetus_rhd_positive is False:
        return None
    if gestation is None or gestation <= RHD_PROPHYLAXIS_BY_DAYS:
        return None
    return Flag(
        "rhd",
        _("RhD−: no anti-D"),
        _(
            "RhD negative at %(ga)s, and anti-D prophylaxis (due in week 28, by 28+6) is not recorded as "
            "given."
        )
        % {"ga": format_gestation(gestation)},
    )


# --- dates and bookings -----------------------------------------------------------------------------------


def overdue(*, agreed_edd: date | None, today: date) -> Flag | None:
    """Today is past the agreed EDD; severe from 42+0 (post-term: NICE NG207)."""
    if agreed_edd is None or today <= agreed_edd:
        return None
    days_over = (today - agreed_edd).days
    gestation = gestation_days(edd=agreed_edd, on=today)
    return Flag(
        "overdue",
        _("Overdue %(ga)s") % {"ga": format_gestation(gestation)},
        ngettext(
            "%(days)s day past the agreed EDD (%(edd)s).",
            "%(days)s days past the agreed EDD (%(edd)s).",
            days_over,
        )
        % {"days": days_over, "edd": day(agreed_edd)},
        severe=gestation >= POST_TERM_DAYS,
    )


def induction_plan_missing(*, gestation: int | None, has_induction_plan: bool) -> Flag | None:
    """From 41+0 (the INDUCTION_PLAN_BY_DAYS setting) with no induction of labour booked: NICE NG207
    (Inducing labour, 2021) offers induction from 41+0, and the Norwegian guideline from 41+0 to 42+0. A
    plan is a booking of kind INDUCTION that is booked or attended (not cancelled, not entered in error)."""
    by_days = induction_plan_by_days()
    if gestation is None or gestation < by_days or has_induction_plan:
        return None
    return Flag(
        "induction",
        _("No induction plan"),
        _("%(ga)s and no induction of labour booked (offered from %(from)s).")
        % {"ga": format_gestation(gestation), "from": format_gestation(by_days)},
    )


def is_induction_plan(booking: Booking) -> bool:
    return (
        booking.kind == VisitKind.INDUCTION
        and not booking.entered_in_error
        and booking.status in (BookingStatus.BOOKED, BookingStatus.ATTENDED)
    )


def missed_booking(missed: list[Booking]) -> Flag | None:
    """A booked visit whose day has passed with no visit recorded against it (`rules.bookings.is_missed`):
    she did not come, or the visit was not recorded. NICE NG201 asks for follow-up of missed antenatal
    appointments. `missed` is earliest first; the flag is about the latest."""
    if not missed:
        return None
    last = missed[-1]
    kind, when = str(last.get_kind_display()), day(timezone.localtime(last.starts_at))
    if len(missed) == 1:
        return Flag(
            "booking-missed",
            _("Missed booking"),
            _("%(kind)s booked for %(day)s was missed.") % {"kind": kind, "day": when},
        )
    words = {"count": len(missed), "kind": kind.lower(), "day": when}
    return Flag(
        "booking-missed",
        _("%(count)s missed bookings") % words,
        _("%(count)s booked visits were missed, the last a %(kind)s on %(day)s.") % words,
    )


def no_booking(*, upcoming: Booking | None, gestation: int | None) -> Flag | None:
    """No visit booked from today on. Severe from 36+0 or past the EDD: from 36 weeks visits are due every
    two weeks (NICE NG201: 36, 38, 40 and 41 weeks), when presentation is checked and induction planned, so
    a gap is a missed check within days; earlier, a gap of a few weeks is safe to fix at the next
    contact."""
    if upcoming is not None:
        return None
    late = gestation is not None and gestation >= NO_BOOKING_URGENT_DAYS
    if gestation is not None and gestation >= 0:
        detail = _("No next visit is booked at %(ga)s.") % {"ga": format_gestation(gestation)}
    else:
        detail = _("No next visit is booked.")
    return Flag("booking-none", _("No visit booked"), detail, severe=late)


# --- all of one pregnancy ---------------------------------------------------------------------------------


def _last_appointment(
    appointments: Iterable[AntenatalAppointment], today: date
) -> AntenatalAppointment | None:
    done = [a for a in appointments if not a.entered_in_error and a.appointment_date <= today]
    return max(done, key=lambda a: (a.appointment_date, a.last_updated or timezone.now()), default=None)


def _sfh_in_order(measurements: Iterable[SymphysisFundalHeight]) -> list[SymphysisFundalHeight]:
    kept = [m for m in measurements if not m.entered_in_error]
    return sorted(kept, key=lambda m: (m.measurement_date, m.last_updated or timezone.now()))


def record_flags(
    *,
    record: Pregnancy,
    appointments: Iterable[AntenatalAppointment],
    measurements: Iterable[SymphysisFundalHeight],
    bookings: Iterable[Booking] | None,
    now: datetime,
) -> list[Flag]:
    """Every flag of one active pregnancy, severe first, each with its subject. `record` comes with its
    clinical tests and RhD-negative section already loaded (select_related); `appointments`,
    `measurements` and `bookings` are the record's (at least: its last appointment on or before today, its
    SFH measurements of the last weeks, its BOOKED bookings and its induction bookings); entered-in-error
    items are left out here. `bookings` None: not read, so no booking flags."""
    today = timezone.localdate(now)
    clinical_tests = getattr(record, "clinicaltests", None)
    rhd = getattr(record, "rhesusdnegative", None)
    gestation = gestation_days(edd=record.agreed_edd, on=today) if record.agreed_edd else None
    last = _last_appointment(appointments, today)
    sfh = _sfh_in_order(measurements)
    last_sfh = sfh[-1] if sfh else None
    edd = f"record@{record.agreed_edd.isoformat() if record.agreed_edd else 'no-edd'}"
    found: list[tuple[Flag | None, str]] = []
    if last_sfh is not None:
        sfh_subject = subject_of("symphysisFundalHeights", last_sfh)
        found += [
            (
                sfh_outside_centiles(
                    measurement_cm=last_sfh.measurement,
                    measurement_date=last_sfh.measurement_date,
                    agreed_edd=record.agreed_edd,
                    pregnancy_week=last_sfh.pregnancy_week,
                ),
                sfh_subject,
            ),
            (
                sfh_crossing_centiles(
                    [SfhReading(m.measurement, m.measurement_date, m.pregnancy_week) for m in sfh],
                    agreed_edd=record.agreed_edd,
                ),
                sfh_subject,
            ),
        ]
    if last is not None:
        visit = subject_of("antenatalAppointments", last)
        found += [
            (high_blood_pressure(systolic=last.systolic_derived, diastolic=last.diastolic_derived), visit),
            (proteinuria(last.protein_in_urine_test_result), visit),
            (fetal_heart_rate_abnormal(last.fetuses_vital_signs), visit),
        ]
    if clinical_tests is not None:
        found.append(
            (
                haemoglobin_low(
                    at_booking=clinical_tests.hemoglobin,
                    third_trimester=clinical_tests.hemoglobin_at_3rd_trimester,
                ),
                subject_of("clinicalTests", clinical_tests),
            )
        )
    rhd_parts = [
        subject_of(name, item)
        for name, item in (("clinicalTests", clinical_tests), ("rhesusDNegative", rhd))
        if item
    ]
    found.append(
        (
            rhd_prophylaxis_missing(
                rhesus_d_type=clinical_tests.rhesus_d_type if clinical_tests else None,
                has_rhd_negative_section=rhd is not None,
                prophylaxis_given=rhd.prophylaxis_at_week_28 if rhd else None,
                fetus_rhd_positive=rhd.fetus_rh_d_positive_at_week_24 if rhd else None,
                gestation=gestation,
            ),
            ",".join(rhd_parts),
        )
    )
    late = overdue(agreed_edd=record.agreed_edd, today=today)
    found.append((late, f"{edd}{'/post-term' if late and late.severe else ''}"))
    if bookings is not None:
        kept = [b for b in bookings if not b.entered_in_error]
        missed = missed_bookings(kept, today=today)
        upcoming = next_booking(kept, now=now)
        none_booked = no_booking(upcoming=upcoming, gestation=gestation)
        found += [
            (missed_booking(missed), subject_of("bookings", missed[-1]) if missed else ""),
            (none_booked, f"{edd}/no-booking{'/late' if none_booked and none_booked.severe else ''}"),
            (
                induction_plan_missing(
                    gestation=gestation, has_induction_plan=any(is_induction_plan(b) for b in kept)
                ),
                edd,
            ),
        ]
    flags = [replace(flag, subject=subject) for flag, subject in found if flag]
    return sorted(flags, key=lambda flag: not flag.severe)
