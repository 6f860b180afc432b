"""Results outside their usual range, explained for her: what the result means, what usually happens next,
and when to call. Written for someone reading alone at home: calm, no medical jargon, never a diagnosis.

Which results are outside their range is decided only by the clinical rules the midwives' alerts use
(`maternity.rules.flags`): this module runs those rules on her visits, measurements and blood tests and
looks up the words for each Flag code. No threshold is written here.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from maternity.models import AntenatalAppointment, CareLocation, ClinicalTests
from maternity.rules import flags
from maternity.rules.flags import Flag
from maternity.rules.resources import RESOURCE_TYPES

from . import plain_language as words


@dataclass(frozen=True)
class Words:
    """What she reads about one kind of result (lazily translated). `meaning` may name the reading,
    `%(reading)s`, and the thresholds of high blood pressure, `%(high)s` and `%(severe)s`."""

    title: Promise
    meaning: Promise
    next: Promise
    when_to_call: Promise


@dataclass(frozen=True)
class Result:
    """One result outside its usual range, in her words."""

    code: str  # the Flag code
    title: str
    meaning: str
    next: str
    when_to_call: str
    call_now: bool  # the rule marks it for review the same day


SIGNS_TO_CALL_ABOUT = gettext_lazy(
    "Call your midwife or the maternity unit straight away if you get a bad headache, problems with your "
    "eyesight, pain just below your ribs, or sudden swelling of your face, hands or feet."
)
MOVEMENTS = gettext_lazy(
    "Call your midwife or the maternity unit straight away, at any time, if your baby moves less than usual."
)

# Keyed by the Flag code of `maternity.rules.flags`.
WORDS: dict[str, Words] = {
    "bp-high": Words(
        gettext_lazy("Your blood pressure was higher than usual"),
        gettext_lazy(
            "Your blood pressure was %(reading)s mmHg. In pregnancy, %(high)s or more is higher than usual. "
            "Many people with a higher reading go on to have a healthy pregnancy and birth; it is watched "
            "closely because it can sometimes be an early sign that you need more care."
        ),
        gettext_lazy(
            "Your midwife will usually check it again within a few days, test your urine, and may offer you "
            "a blood test."
        ),
        SIGNS_TO_CALL_ABOUT,
    ),
    "protein": Words(
        gettext_lazy("There was some protein in your urine"),
        gettext_lazy(
            "The urine test showed %(reading)s. This can have simple causes, such as a urine infection. It "
            "is looked at together with your blood pressure, because the two together can mean you need "
            "more care."
        ),
        gettext_lazy(
            "Your midwife will usually test your urine again and check your blood pressure, and may send a "
            "sample to the laboratory."
        ),
        SIGNS_TO_CALL_ABOUT,
    ),
    "fhr": Words(
        gettext_lazy("Your baby's heartbeat was outside the usual range"),
        gettext_lazy(
            "Your baby's heartbeat was %(reading)s beats a minute. A baby's heart usually beats 110 to 160 "
            "times a minute. A reading outside this range is always checked again, more closely."
        ),
        gettext_lazy(
            "You may be asked to go to the maternity unit the same day, where your baby's heartbeat is "
            "listened to for longer, usually with a monitor strapped to your tummy."
        ),
        MOVEMENTS,
    ),
    "sfh-low": Words(
        gettext_lazy("Your bump measured smaller than usual"),
        gettext_lazy(
            "Your last measurement, %(reading)s, was below the lowest line on the chart. This can happen "
            "when a baby is smaller, but also because of how your baby is lying or how the tape measure was "
            "placed."
        ),
        gettext_lazy("Your midwife will usually offer you an ultrasound scan to check your baby's growth."),
        MOVEMENTS,
    ),
    "sfh-high": Words(
        gettext_lazy("Your bump measured larger than usual"),
        gettext_lazy(
            "Your last measurement, %(reading)s, was above the highest line on the chart. This can happen "
            "when a baby is bigger or there is more fluid around the baby, but also because of how your "
            "baby is lying or how the tape measure was placed."
        ),
        gettext_lazy("Your midwife will usually offer you an ultrasound scan to check your baby's growth."),
        MOVEMENTS,
    ),
    "sfh-falling": Words(
        gettext_lazy("Your bump has grown more slowly than before"),
        gettext_lazy(
            "Your measurements have moved down across the lines on the chart. Every baby grows at its own "
            "pace, and measurements with a tape measure can differ by a centimetre or two."
        ),
        gettext_lazy("Your midwife will usually offer you an ultrasound scan to check your baby's growth."),
        MOVEMENTS,
    ),
    "sfh-rising": Words(
        gettext_lazy("Your bump has grown faster than before"),
        gettext_lazy(
            "Your measurements have moved up across the lines on the chart. Every baby grows at its own "
            "pace, and measurements with a tape measure can differ by a centimetre or two."
        ),
        gettext_lazy("Your midwife will usually offer you an ultrasound scan to check your baby's growth."),
        MOVEMENTS,
    ),
    "hb-low": Words(
        gettext_lazy("Your iron level (haemoglobin) was lower than usual"),
        gettext_lazy(
            "Your haemoglobin was %(reading)s g/dL. A lower level is common in pregnancy, because your baby "
            "uses some of your iron. It can make you feel tired or short of breath."
        ),
        gettext_lazy(
            "Your midwife or doctor will usually suggest iron tablets and check your blood again a few "
            "weeks later."
        ),
        gettext_lazy("Tell your midwife if you feel very tired, dizzy or short of breath."),
    ),
}
# Where the rule marks a result for review the same day and the words differ from the usual ones.
SEVERE_WORDS: dict[str, Words] = {
    "bp-high": Words(
        gettext_lazy("Your blood pressure was high"),
        gettext_lazy(
            "Your blood pressure was %(reading)s mmHg. In pregnancy, %(severe)s or more is high and is "
            "looked at the same day."
        ),
        gettext_lazy(
            "You may be asked to go to the maternity unit the same day, so that you and your baby can be "
            "checked, and you may be offered medicine to lower your blood pressure."
        ),
        SIGNS_TO_CALL_ABOUT,
    ),
}


def explain(flag: Flag, reading: str) -> Result | None:
    """The words for a Flag of the clinical rules, or None for a flag that is not a result (such as a
    booking or the due date)."""
    text = (SEVERE_WORDS.get(flag.code) if flag.severe else None) or WORDS.get(flag.code)
    if text is None:
        return None
    values = {
        "reading": reading,
        "high": f"{flags.HIGH_SYSTOLIC}/{flags.HIGH_DIASTOLIC}",
        "severe": f"{flags.SEVERE_SYSTOLIC}/{flags.SEVERE_DIASTOLIC}",
    }
    return Result(
        code=flag.code,
        title=str(text.title),
        meaning=str(text.meaning) % values,
        next=str(text.next),
        when_to_call=str(text.when_to_call),
        call_now=flag.severe,
    )


def in_order(results: Iterable[Result | None]) -> list[Result]:
    """Same-day ones first; advice on when to call said once, after the last result it is about."""
    kept = sorted(
        (result for result in results if result is not None), key=lambda result: not result.call_now
    )
    said: set[str] = set()
    for i in reversed(range(len(kept))):
        if kept[i].when_to_call in said:
            kept[i] = replace(kept[i], when_to_call="")
        said.add(kept[i].when_to_call)
    return kept


def visit_results(item: AntenatalAppointment) -> list[Result]:
    """Her blood pressure, urine and baby's heartbeat at one visit, where the rules flag them."""
    found = []
    bp = flags.high_blood_pressure(systolic=item.systolic_derived, diastolic=item.diastolic_derived)
    if bp:
        found.append(explain(bp, item.blood_pressure or ""))
    protein = flags.proteinuria(item.protein_in_urine_test_result)
    if protein:
        reading = words.value(
            RESOURCE_TYPES["antenatalAppointments"],
            "protein_in_urine_test_result",
            item.protein_in_urine_test_result,
        )
        found.append(explain(protein, reading.lower()))
    heart = flags.fetal_heart_rate_abnormal(item.fetuses_vital_signs)
    if heart:
        # the rule's readings, with "baby" for each of several: "baby 1: 190, baby 2: 140"
        several = len(item.fetuses_vital_signs or []) > 1
        baby = pgettext("one of several, lower case", "baby")
        reading = ", ".join(
            f"{baby} {number}: {flags.shown_number(rate)}" if several else flags.shown_number(rate)
            for number, rate in flags.fetal_heart_rates_outside(item.fetuses_vital_signs)
        )
        found.append(explain(heart, reading))
    return in_order(found)


def growth_results(readings: Iterable[flags.SfhReading], *, agreed_edd: date | None) -> list[Result]:
    """Her last SFH measurement outside the chart's lowest or highest line, or her measurements crossing
    its lines (the rules say one or the other, never both). `readings` leave out entered-in-error ones."""
    ordered = sorted(readings, key=lambda reading: reading.on)
    if not ordered:
        return []
    last = ordered[-1]
    outside = flags.sfh_outside_centiles(
        measurement_cm=last.cm, measurement_date=last.on, agreed_edd=agreed_edd, pregnancy_week=last.week
    )
    crossing = flags.sfh_crossing_centiles(ordered, agreed_edd=agreed_edd)
    reading = _("%(cm)s cm on %(date)s") % {"cm": formats.number_format(last.cm), "date": words.day(last.on)}
    return in_order(explain(flag, reading) for flag in (outside, crossing) if flag)


def blood_test_results(tests: ClinicalTests | None) -> list[Result]:
    """Her haemoglobin, where the rule flags it (the later result decides when both are recorded)."""
    if tests is None:
        return []
    flag = flags.haemoglobin_low(
        at_booking=tests.hemoglobin, third_trimester=tests.hemoglobin_at_3rd_trimester
    )
    if flag is None:
        return []
    value = (
        tests.hemoglobin_at_3rd_trimester
        if tests.hemoglobin_at_3rd_trimester is not None
        else tests.hemoglobin
    )
    result = explain(flag, formats.number_format(Decimal(f"{value:g}")))
    return [result] if result else []


def number_to_call(location: CareLocation) -> str:
    """The number to call now about a same-day result: her Care Location's urgent line, else its phone; ""
    when it has neither (the page then says "your midwife or the maternity unit"). Not 113: a result to be
    looked at today is for the maternity team, and the contact box on every page gives 113 for emergencies."""
    return location.urgent_phone or location.phone
