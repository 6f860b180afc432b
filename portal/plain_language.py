"""The record in the pregnant person's own words: what each section is, what was recorded, by whom and when.

She is not a clinician, so the portal says "Protein in your urine: a trace", not "Protein: Spor". Labels
and values fall back to the professional wording (`maternity.presentation.specs`) where that is already
plain; everything here is only about how things read, never about what she may see.
"""

import datetime
from collections.abc import Iterator, Mapping

from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext, pgettext_lazy

from maternity.models import RecordStatus, UserType
from maternity.presentation import specs
from maternity.rules.clinical import format_gestation, gestation_days
from maternity.rules.codes import COUNTRY, LANGUAGE
from maternity.rules.resources import ResourceType

NOTHING_YET = gettext_lazy("Nothing recorded yet.")

# HPR roles (the Norwegian register of health personnel) she is likely to meet.
ROLE_WORDS = {
    "JO": gettext_lazy("midwife"),
    "LE": gettext_lazy("doctor"),
    "SP": gettext_lazy("nurse"),
    "HS": gettext_lazy("public health nurse"),
}


class Translated(Mapping[str, tuple[str, str]]):
    """Pairs of lazily translated words, each read as plain strings in the language active when it is read."""

    def __init__(self, words: dict[str, tuple[Promise, Promise | str]]) -> None:
        self._words = words

    def __getitem__(self, name: str) -> tuple[str, str]:
        first, second = self._words[name]
        return str(first), str(second)

    def __iter__(self) -> Iterator[str]:
        return iter(self._words)

    def __len__(self) -> int:
        return len(self._words)


# (title, what the section is), in the order the portal shows them under "Your record".
SECTIONS = Translated(
    {
        "currentPregnancy": (
            gettext_lazy("This pregnancy"),
            gettext_lazy(
                "The dates your midwife uses to follow your pregnancy, such as your due date, and what you "
                "have been told about."
            ),
        ),
        "clinicalTests": (
            gettext_lazy("Blood and other tests"),
            gettext_lazy(
                "Results of the blood tests and checks for infections that are offered in pregnancy. Your "
                "midwife or doctor will talk with you about any result that needs action."
            ),
        ),
        "medicalConditions": (
            gettext_lazy("Your health"),
            gettext_lazy("Illnesses and conditions that matter in pregnancy."),
        ),
        "medication": (
            gettext_lazy("Medicines"),
            gettext_lazy("Medicines you take, any drug allergy, and folic acid."),
        ),
        "rhesusDNegative": (
            gettext_lazy("Rhesus negative blood group"),
            gettext_lazy(
                "If your blood group is RhD negative, you are offered a test of the baby's blood group and, "
                "if needed, an injection (anti-D) that protects this and future babies."
            ),
        ),
        "lifestyleFactors": (
            gettext_lazy("Smoking, alcohol and other substances"),
            gettext_lazy("What you told your midwife about tobacco, snus, alcohol and other substances."),
        ),
        "vitalMeasurementsBeforePregnancy": (
            gettext_lazy("Height and weight before pregnancy"),
            gettext_lazy("Used to work out your body mass index (BMI), which helps plan your care."),
        ),
        "previousPregnancies": (
            gettext_lazy("Earlier pregnancies"),
            gettext_lazy("How many times you have been pregnant before, and how those pregnancies ended."),
        ),
        "geneticDisorders": (
            gettext_lazy("Conditions that run in the family"),
            gettext_lazy("Hereditary conditions in your family or the baby's father's family."),
        ),
        "pointsOfContact": (
            gettext_lazy("Who to contact"),
            gettext_lazy("Your GP, your midwife, and where you plan to give birth."),
        ),
        "mother": (
            gettext_lazy("About you"),
            gettext_lazy(
                "Your name, address, language and work. Only the Care Location looking after you now can "
                "change these details."
            ),
        ),
        "birthPlan": (
            gettext_lazy("Your birth plan"),
            gettext_lazy(
                "Your wishes for the birth, written by you. Your midwife reads it and marks it as read."
            ),
        ),
        "labour": (
            gettext_lazy("Your labour"),
            gettext_lazy("How your labour started and went, recorded by your midwife after the birth."),
        ),
        "births": (
            gettext_lazy("The birth"),
            gettext_lazy("Details of your baby's birth, recorded after the birth."),
        ),
        "postnatalMotherVisits": (
            gettext_lazy("Your visits after the birth"),
            gettext_lazy(
                "Your midwife's checks of how you are recovering, until you are discharged from postnatal "
                "care."
            ),
        ),
        "postnatalBabyVisits": (
            gettext_lazy("Your baby's checks after the birth"),
            gettext_lazy("Your baby's weight, feeding and colour at each check, until discharge."),
        ),
        "careLocations": (
            gettext_lazy("Where you have been cared for"),
            gettext_lazy(
                "Each hospital, health centre or midwife team that has looked after you in this pregnancy, "
                "and from when."
            ),
        ),
        "notes": (
            gettext_lazy("Notes about your record"),
            gettext_lazy(
                "Written automatically when something important happens to your record, for example when "
                "someone outside your care team opens it."
            ),
        ),
        # Shown in their own places on the page, named here for the access log.
        "antenatalAppointments": (gettext_lazy("Appointments"), ""),
        "symphysisFundalHeights": (gettext_lazy("Growth measurements (symphysis-fundal height)"), ""),
    }
)
RECORD_SECTIONS = [
    name for name in SECTIONS if name not in {"antenatalAppointments", "symphysisFundalHeights"}
]

# Plainer labels where the professional one is written for a midwife.
LABELS: dict[str, dict[str, Promise]] = {
    "currentPregnancy": {
        "date_last_period": gettext_lazy("First day of your last period"),
        "due_date": gettext_lazy("Due date worked out from your last period"),
        "due_date_based_on_ultrasound": gettext_lazy("Due date from your ultrasound scan"),
        "due_date_corrected_date": gettext_lazy("Corrected due date"),
        "number_of_fetuses": gettext_lazy("Number of babies"),
        "has_prenatal_diagnostics_tests": gettext_lazy("Told about tests of the baby before birth"),
        "had_assisted_conception": gettext_lazy("Pregnant with help (assisted conception)"),
        "birth_preparation_talk": gettext_lazy("Talk about preparing for the birth"),
        "breastfeeding_guidance": gettext_lazy("Advice about breastfeeding"),
    },
    "clinicalTests": {
        "hemoglobin": gettext_lazy("Haemoglobin (iron in your blood), g/dL"),
        "hemoglobin_at_3rd_trimester": gettext_lazy("Haemoglobin late in pregnancy, g/dL"),
        "ferritin": gettext_lazy("Ferritin (your iron stores), µg/L"),
        "blood_antibodies": gettext_lazy("Antibodies against red blood cells"),
        "abo_type": gettext_lazy("Blood group"),
        "rhesus_d_type": gettext_lazy("Rhesus (RhD) type"),
        "b_hb_a1c": gettext_lazy("HbA1c (average blood sugar), mmol/mol"),
        "fasting_glucose_level": gettext_lazy("Blood sugar before breakfast, mmol/L"),
        "post_2h_glucose_level": gettext_lazy("Blood sugar 2 hours after the sugary drink, mmol/L"),
        "glucose_test_date": gettext_lazy("Date of the sugar (glucose) test"),
    },
    "medicalConditions": {"nothing_particular": gettext_lazy("Nothing in particular")},
    "medication": {"medication_frequency": gettext_lazy("Medicines and how often you take them")},
    "rhesusDNegative": {
        "consent_fetal_rhesus_typing": gettext_lazy("You agreed to a test of the baby's blood group"),
        "fetus_rh_d_positive_at_week_24": gettext_lazy("Baby is RhD positive (test at week 24)"),
        "prophylaxis_at_week_28": gettext_lazy("Anti-D injection given at week 28"),
    },
    "vitalMeasurementsBeforePregnancy": {
        "height": gettext_lazy("Height (cm)"),
        "pre_pregnancy_weight": gettext_lazy("Weight before pregnancy (kg)"),
        "bmi": gettext_lazy("Body mass index (BMI)"),
    },
    "previousPregnancies": {
        "number_of_previous_pregnancies": gettext_lazy("Earlier pregnancies"),
        "number_of_previous_live_births": gettext_lazy("Babies born alive"),
        "spontaneous_miscarriages": gettext_lazy("Miscarriages"),
        "still_births_22weeks": gettext_lazy("Stillbirths (from 22 weeks)"),
    },
    "geneticDisorders": {
        "none_known": gettext_lazy("None known"),
        "parents_are_relatives": gettext_lazy("You and the father are related"),
    },
    "mother": {
        "country_of_birth": gettext_lazy("Country of birth"),
        "cohabiting_coparent": gettext_lazy("You live with the other parent"),
        "cohabiting_coparent_note": gettext_lazy("About the other parent"),
    },
    "pointsOfContact": {"birth_institute": gettext_lazy("Where you plan to give birth")},
    "births": {
        "live_birth": gettext_lazy("Born alive"),
        "birth_time": pgettext_lazy("when the baby was", "Born"),
        "mode_of_birth": gettext_lazy("How your baby was born"),
    },
}

# Values with plainer words than the professional ones.
PROTEIN = {
    "Neg": pgettext_lazy("amount", "None"),
    "Spor": gettext_lazy("A trace"),
    "1+": gettext_lazy("A little (1+)"),
    "2+": gettext_lazy("Some (2+)"),
    "3+": gettext_lazy("A lot (3+)"),
}
SWELLING = {
    0: pgettext_lazy("amount", "None"),
    1: gettext_lazy("A little"),
    2: gettext_lazy("Some"),
    3: gettext_lazy("A lot"),
}
PRESENTATION = {
    "1": gettext_lazy("head down"),
    "2": gettext_lazy("bottom or feet first (breech)"),
    "3": gettext_lazy("lying across (transverse)"),
    "4": gettext_lazy("lying at a slant (oblique)"),
    "5": gettext_lazy("changing position"),
}
STIMULANT: dict[str | None, Promise] = {  # by code, looked up with a stored row's (which may have none)
    "1": gettext_lazy("Smoking"),
    "2": gettext_lazy("Snus"),
    "3": gettext_lazy("Alcohol"),
    "4": gettext_lazy("E-cigarettes"),
    "5": gettext_lazy("Other drugs"),
}
STIMULANT_FREQUENCY = {
    "1": gettext_lazy("never"),
    "2": gettext_lazy("rarely"),
    "3": gettext_lazy("sometimes"),
    "4": gettext_lazy("daily"),
    "5": gettext_lazy("stopped"),
}
MODE_OF_BIRTH = {
    "SPONTANEOUS_VAGINAL": gettext_lazy("Vaginal birth"),
    "VENTOUSE": gettext_lazy("Vaginal birth helped by a suction cup (ventouse)"),
    "FORCEPS": gettext_lazy("Vaginal birth helped by forceps"),
    "VAGINAL_BREECH": gettext_lazy("Vaginal birth, bottom or feet first (breech)"),
    "ELECTIVE_CAESAREAN": gettext_lazy("Planned caesarean section"),
    "EMERGENCY_CAESAREAN": gettext_lazy("Emergency caesarean section"),
}
BABY_SEX = {
    "FEMALE": gettext_lazy("Girl"),
    "MALE": gettext_lazy("Boy"),
    "INDETERMINATE": gettext_lazy("Not determined"),
    "UNKNOWN": gettext_lazy("Not known"),
}
NOTE_KINDS = {
    "RECORD_CREATED": gettext_lazy("Your record was created"),
    "CARE_PULLED": gettext_lazy("A new Care Location took over your care"),
    "BREAK_GLASS": gettext_lazy("Someone outside your care team opened your record"),
    "STATUS_CHANGED": gettext_lazy("The status of your record changed"),
}


def section_title(name: str) -> str:
    return SECTIONS[name][0] if name in SECTIONS else ""


def label(rt: ResourceType, name: str) -> str:
    return str(LABELS.get(rt.name, {}).get(name) or specs.label(rt, name))


def value(rt: ResourceType, name: str, raw) -> str:
    """A stored value as she reads it; empty values are "Not recorded"."""
    if raw is None or raw == "" or raw == []:
        return _("Not recorded")
    if name == "protein_in_urine_test_result":
        return str(PROTEIN.get(raw, raw))
    if name == "edema":
        return str(SWELLING.get(raw, raw))
    if name == "mode_of_birth":
        return str(MODE_OF_BIRTH.get(raw, raw))
    if name == "sex":
        return str(BABY_SEX.get(raw, raw))
    if name == "stimuli":
        return "; ".join(_stimulus(row) for row in raw)
    if name == "fetuses_vital_signs":
        return "; ".join(f"{baby_label(row, several=len(raw) > 1)}: {baby_words(row)}" for row in raw)
    if name == "language":
        return LANGUAGE.shown(raw, raw)
    if name == "country_of_birth":
        return COUNTRY.shown(raw, raw)
    if isinstance(raw, datetime.datetime):
        return when(raw)
    return specs.display(rt, name, raw)


def _stimulus(row: dict) -> str:
    def frequency(block) -> str:
        if not block:
            return ""
        text = str(STIMULANT_FREQUENCY.get(block.get("stimuliFrequency"), ""))
        count = block.get("dailyCount")
        if count is not None:
            if text:
                return _("%(frequency)s, %(count)s a day") % {"frequency": text, "count": count}
            return _("%(count)s a day") % {"count": count}
        return text

    name = STIMULANT.get(row.get("stimuliType")) or pgettext("substance", "Other")
    first = frequency(row.get("stimuliFrequencyFirstConsultation"))
    week36 = frequency(row.get("stimuliFrequencyAtWeek36"))
    parts = [
        _("at your first appointment: %(frequency)s") % {"frequency": first} if first else "",
        _("at week 36: %(frequency)s") % {"frequency": week36} if week36 else "",
    ]
    said = "; ".join(part for part in parts if part) or _("nothing recorded")
    return f"{name}: {said}"


def baby_label(row: dict, *, several: bool = False) -> str:
    number = row.get("fosterId", "")
    if several and number not in (None, ""):
        return _("Baby %(number)s") % {"number": number}
    return pgettext("her baby", "Baby")


def baby_words(row: dict) -> str:
    """One baby at an appointment: "Heartbeat 140 beats a minute, head down, you felt the baby move"."""
    parts = []
    if row.get("fetalHeartRate") is not None:
        parts.append(_("heartbeat %(rate)s beats a minute") % {"rate": row["fetalHeartRate"]})
    position = PRESENTATION.get(row.get("fetalPresentationLie") or "")
    if position:
        parts.append(str(position))
    movements = row.get("motherFeelsBabyMovements")
    if movements is not None:
        parts.append(_("you felt the baby move") if movements else _("you had not felt the baby move"))
    text = ", ".join(parts) or _("nothing recorded")
    return text[:1].upper() + text[1:]


def when(moment: datetime.datetime) -> str:
    """ "14 Mar 2026 at 10:32" ("14. mars 2026 kl. 10:32"), in local time."""
    local = timezone.localtime(moment)
    return _("%(date)s at %(time)s") % {
        "date": formats.date_format(local, "DATE_FORMAT"),
        "time": formats.time_format(local, "TIME_FORMAT"),
    }


def day(on: datetime.date) -> str:
    return formats.date_format(on, "DATE_FORMAT")


def role_word(code: str) -> str:
    return str(ROLE_WORDS.get((code or "").upper(), ""))


def recorded_by(obj) -> str:
    """Who made this version, in her words, as said after "by": "you", "Kari Nordmann, midwife at Fjordvik
    sykehus"."""
    if obj.updated_by_user_type == UserType.PATIENT:
        return pgettext("recorded by", "you")
    if obj.updated_by_user_type == UserType.SYSTEM:
        return pgettext("recorded by", "the maternity record system")
    who = obj.updated_by_name or pgettext("recorded by", "a health professional")
    role = role_word(obj.updated_by_hpr_role)
    place = obj.updated_by_org_name
    if role and place:
        return _("%(name)s, %(role)s at %(place)s") % {"name": who, "role": role, "place": place}
    if role or place:
        return f"{who}, {role or place}"
    return who


def by_whom(obj) -> str:
    """ "Last updated 14 Mar 2026 at 10:32 by Kari Nordmann, midwife at Fjordvik sykehus." """
    return _("Last updated %(when)s by %(who)s.") % {"when": when(obj.last_updated), "who": recorded_by(obj)}


# --- gestation and due date ---------------------------------------------------------------------------


def weeks_words(n: int) -> str:
    return ngettext("%(count)d week", "%(count)d weeks", n) % {"count": n}


def days_words(n: int) -> str:
    return ngettext("%(count)d day", "%(count)d days", n) % {"count": n}


def weeks_and_days(weeks: int, days: int) -> str:
    """ "32 weeks and 4 days"; "32 weeks" without days."""
    if not days:
        return weeks_words(weeks)
    return _("%(weeks)s and %(days)s") % {"weeks": weeks_words(weeks), "days": days_words(days)}


def gestation_words(days: int) -> str:
    """228 -> "32 weeks and 4 days"; 224 -> "32 weeks"."""
    return weeks_and_days(*divmod(days, 7))


def gestation_today(edd: datetime.date | None, today: datetime.date) -> dict | None:
    """How far along she is today, in words and as midwives write it (32+4), or None without a due date
    or before the pregnancy began by that date."""
    if edd is None:
        return None
    days = gestation_days(edd=edd, on=today)
    if days < 0:
        return None
    return {"words": gestation_words(days), "short": format_gestation(days)}


def time_to_go(edd: datetime.date | None, today: datetime.date) -> str:
    if edd is None:
        return ""
    left = (edd - today).days
    if left == 0:
        return _("Your due date is today.")
    if left < 0:
        return _("%(time)s past your due date.") % {"time": days_words(-left)}
    if left < 7:
        return _("%(time)s to go until your due date.") % {"time": days_words(left)}
    return _("%(time)s to go until your due date.") % {"time": weeks_and_days(*divmod(left, 7))}


def outcome_words(record) -> str:
    """How an earlier pregnancy ended, gently: the date, and a stillbirth said as such."""
    if record.status == RecordStatus.DELIVERED and record.delivery_date:
        born = day(timezone.localtime(record.delivery_date).date())
        if record.live_birth is False:
            return _("Your baby was stillborn on %(date)s.") % {"date": born}
        return _("Your baby was born on %(date)s.") % {"date": born}
    if record.status == RecordStatus.TERMINATED and record.termination_date:
        ended = day(timezone.localtime(record.termination_date).date())
        return _("The pregnancy ended on %(date)s.") % {"date": ended}
    return ""


# --- symphysis-fundal height ---------------------------------------------------------------------------


def sfh_band(centile: float | None) -> str:
    """Where a measurement lies between the chart's lines."""
    if centile is None:
        return _("Not on the chart (no due date, or outside 16 to 40 weeks)")
    if centile < 3:
        return _("Below the 3rd line")
    if centile < 10:
        return _("Between the 3rd and 10th lines")
    if centile <= 90:
        return _("Between the 10th and 90th lines")
    if centile <= 97:
        return _("Between the 90th and 97th lines")
    return _("Above the 97th line")
