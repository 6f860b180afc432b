"""The record in the pregnant person's own words: what each section is, what was recorded, by whom and when.

She is not a clinician, so the portal says "Protein in your urine: a trace", not "Protein: Spor". Labels
and values fall back to the professional wording (`maternity.presentation.specs`) where that is already
plain; everything here is only about how things read, never about what she may see.
"""

import datetime

from django.utils import formats, timezone

from maternity.models import RecordStatus, UserType
from maternity.presentation import specs
from maternity.rules.clinical import format_gestation, gestation_days
from maternity.rules.codes import COUNTRY, LANGUAGE
from maternity.rules.resources import ResourceType

NOTHING_YET = "Nothing recorded yet."

# HPR roles (the Norwegian register of health personnel) she is likely to meet.
ROLE_WORDS = {"JO": "midwife", "LE": "doctor", "SP": "nurse", "HS": "public health nurse"}

# (title, what the section is), in the order the portal shows them under "Your record".
SECTIONS: dict[str, tuple[str, str]] = {
    "currentPregnancy": (
        "This pregnancy",
        "The dates your midwife uses to follow your pregnancy, such as your due date, and what you have "
        "been told about.",
    ),
    "clinicalTests": (
        "Blood and other tests",
        "Results of the blood tests and checks for infections that are offered in pregnancy. Your midwife "
        "or doctor will talk with you about any result that needs action.",
    ),
    "medicalConditions": ("Your health", "Illnesses and conditions that matter in pregnancy."),
    "medication": ("Medicines", "Medicines you take, any drug allergy, and folic acid."),
    "rhesusDNegative": (
        "Rhesus negative blood group",
        "If your blood group is RhD negative, you are offered a test of the baby's blood group and, if "
        "needed, an injection (anti-D) that protects this and future babies.",
    ),
    "lifestyleFactors": (
        "Smoking, alcohol and other substances",
        "What you told your midwife about tobacco, snus, alcohol and other substances.",
    ),
    "vitalMeasurementsBeforePregnancy": (
        "Height and weight before pregnancy",
        "Used to work out your body mass index (BMI), which helps plan your care.",
    ),
    "previousPregnancies": (
        "Earlier pregnancies",
        "How many times you have been pregnant before, and how those pregnancies ended.",
    ),
    "geneticDisorders": (
        "Conditions that run in the family",
        "Hereditary conditions in your family or the baby's father's family.",
    ),
    "pointsOfContact": ("Who to contact", "Your GP, your midwife, and where you plan to give birth."),
    "mother": (
        "About you",
        "Your name, address, language and work. Only the Care Location looking after you now can change "
        "these details.",
    ),
    "birthPlan": (
        "Your birth plan",
        "Your wishes for the birth, written by you. Your midwife reads it and marks it as read.",
    ),
    "labour": ("Your labour", "How your labour started and went, recorded by your midwife after the birth."),
    "births": ("The birth", "Details of your baby's birth, recorded after the birth."),
    "postnatalMotherVisits": (
        "Your visits after the birth",
        "Your midwife's checks of how you are recovering, until you are discharged from postnatal care.",
    ),
    "postnatalBabyVisits": (
        "Your baby's checks after the birth",
        "Your baby's weight, feeding and colour at each check, until discharge.",
    ),
    "careLocations": (
        "Where you have been cared for",
        "Each hospital, health centre or midwife team that has looked after you in this pregnancy, and "
        "from when.",
    ),
    "notes": (
        "Notes about your record",
        "Written automatically when something important happens to your record, for example when someone "
        "outside your care team opens it.",
    ),
    # Shown in their own places on the page, named here for the access log.
    "antenatalAppointments": ("Appointments", ""),
    "symphysisFundalHeights": ("Growth measurements (symphysis-fundal height)", ""),
}
RECORD_SECTIONS = [
    name for name in SECTIONS if name not in {"antenatalAppointments", "symphysisFundalHeights"}
]

# Plainer labels where the professional one is written for a midwife.
LABELS: dict[str, dict[str, str]] = {
    "currentPregnancy": {
        "date_last_period": "First day of your last period",
        "due_date": "Due date worked out from your last period",
        "due_date_based_on_ultrasound": "Due date from your ultrasound scan",
        "due_date_corrected_date": "Corrected due date",
        "number_of_fetuses": "Number of babies",
        "has_prenatal_diagnostics_tests": "Told about tests of the baby before birth",
        "had_assisted_conception": "Pregnant with help (assisted conception)",
        "birth_preparation_talk": "Talk about preparing for the birth",
        "breastfeeding_guidance": "Advice about breastfeeding",
    },
    "clinicalTests": {
        "hemoglobin": "Haemoglobin (iron in your blood), g/dL",
        "hemoglobin_at_3rd_trimester": "Haemoglobin late in pregnancy, g/dL",
        "ferritin": "Ferritin (your iron stores), µg/L",
        "blood_antibodies": "Antibodies against red blood cells",
        "abo_type": "Blood group",
        "rhesus_d_type": "Rhesus (RhD) type",
        "b_hb_a1c": "HbA1c (average blood sugar), mmol/mol",
        "fasting_glucose_level": "Blood sugar before breakfast, mmol/L",
        "post_2h_glucose_level": "Blood sugar 2 hours after the sugary drink, mmol/L",
        "glucose_test_date": "Date of the sugar (glucose) test",
    },
    "medicalConditions": {"nothing_particular": "Nothing in particular"},
    "medication": {"medication_frequency": "Medicines and how often you take them"},
    "rhesusDNegative": {
        "consent_fetal_rhesus_typing": "You agreed to a test of the baby's blood group",
        "fetus_rh_d_positive_at_week_24": "Baby is RhD positive (test at week 24)",
        "prophylaxis_at_week_28": "Anti-D injection given at week 28",
    },
    "vitalMeasurementsBeforePregnancy": {
        "height": "Height (cm)",
        "pre_pregnancy_weight": "Weight before pregnancy (kg)",
        "bmi": "Body mass index (BMI)",
    },
    "previousPregnancies": {
        "number_of_previous_pregnancies": "Earlier pregnancies",
        "number_of_previous_live_births": "Babies born alive",
        "spontaneous_miscarriages": "Miscarriages",
        "still_births_22weeks": "Stillbirths (from 22 weeks)",
    },
    "geneticDisorders": {
        "none_known": "None known",
        "parents_are_relatives": "You and the father are related",
    },
    "mother": {
        "country_of_birth": "Country of birth",
        "cohabiting_coparent": "You live with the other parent",
        "cohabiting_coparent_note": "About the other parent",
    },
    "pointsOfContact": {"birth_institute": "Where you plan to give birth"},
    "births": {"live_birth": "Born alive", "birth_time": "Born", "mode_of_birth": "How your baby was born"},
}

# Values with plainer words than the professional ones.
PROTEIN = {
    "Neg": "None",
    "Spor": "A trace",
    "1+": "A little (1+)",
    "2+": "Some (2+)",
    "3+": "A lot (3+)",
}
SWELLING = {0: "None", 1: "A little", 2: "Some", 3: "A lot"}
PRESENTATION = {
    "1": "head down",
    "2": "bottom or feet first (breech)",
    "3": "lying across (transverse)",
    "4": "lying at a slant (oblique)",
    "5": "changing position",
}
STIMULANT: dict[str | None, str] = {  # by code, looked up with a stored row's (which may have none)
    "1": "Smoking",
    "2": "Snus",
    "3": "Alcohol",
    "4": "E-cigarettes",
    "5": "Other drugs",
}
STIMULANT_FREQUENCY = {"1": "never", "2": "rarely", "3": "sometimes", "4": "daily", "5": "stopped"}
MODE_OF_BIRTH = {
    "SPONTANEOUS_VAGINAL": "Vaginal birth",
    "VENTOUSE": "Vaginal birth helped by a suction cup (ventouse)",
    "FORCEPS": "Vaginal birth helped by forceps",
    "VAGINAL_BREECH": "Vaginal birth, bottom or feet first (breech)",
    "ELECTIVE_CAESAREAN": "Planned caesarean section",
    "EMERGENCY_CAESAREAN": "Emergency caesarean section",
}
BABY_SEX = {"FEMALE": "Girl", "MALE": "Boy", "INDETERMINATE": "Not determined", "UNKNOWN": "Not known"}
NOTE_KINDS = {
    "RECORD_CREATED": "Your record was created",
    "CARE_PULLED": "A new Care Location took over your care",
    "BREAK_GLASS": "Someone outside your care team opened your record",
    "STATUS_CHANGED": "The status of your record changed",
}


def section_title(name: str) -> str:
    return SECTIONS[name][0] if name in SECTIONS else ""


def label(rt: ResourceType, name: str) -> str:
    return LABELS.get(rt.name, {}).get(name) or specs.label(rt, name)


def value(rt: ResourceType, name: str, raw) -> str:
    """A stored value as she reads it; empty values are "Not recorded"."""
    if raw is None or raw == "" or raw == []:
        return specs.NOT_RECORDED
    if name == "protein_in_urine_test_result":
        return PROTEIN.get(raw, raw)
    if name == "edema":
        return SWELLING.get(raw, str(raw))
    if name == "mode_of_birth":
        return MODE_OF_BIRTH.get(raw, raw)
    if name == "sex":
        return BABY_SEX.get(raw, raw)
    if name == "stimuli":
        return "; ".join(_stimulus(row) for row in raw)
    if name == "fetuses_vital_signs":
        return "; ".join(f"{baby_label(row, several=len(raw) > 1)}: {baby_words(row)}" for row in raw)
    if name == "language":
        return LANGUAGE.codes.get(raw, raw)
    if name == "country_of_birth":
        return COUNTRY.codes.get(raw, raw)
    if isinstance(raw, datetime.datetime):
        return when(raw)
    return specs.display(rt, name, raw)


def _stimulus(row: dict) -> str:
    def frequency(block) -> str:
        if not block:
            return ""
        text = STIMULANT_FREQUENCY.get(block.get("stimuliFrequency"), "")
        if block.get("dailyCount") is not None:
            text = f"{text}, {block['dailyCount']} a day" if text else f"{block['dailyCount']} a day"
        return text

    name = STIMULANT.get(row.get("stimuliType"), "Other")
    first = frequency(row.get("stimuliFrequencyFirstConsultation"))
    week36 = frequency(row.get("stimuliFrequencyAtWeek36"))
    parts = [
        f"at your first appointment: {first}" if first else "",
        f"at week 36: {week36}" if week36 else "",
    ]
    return f"{name}: " + ("; ".join(p for p in parts if p) or "nothing recorded")


def baby_label(row: dict, *, several: bool = False) -> str:
    return f"Baby {row.get('fosterId', '')}".strip() if several else "Baby"


def baby_words(row: dict) -> str:
    """One baby at an appointment: "Heartbeat 140 beats a minute, head down, you felt the baby move"."""
    parts = []
    if row.get("fetalHeartRate") is not None:
        parts.append(f"heartbeat {row['fetalHeartRate']} beats a minute")
    position = PRESENTATION.get(row.get("fetalPresentationLie") or "")
    if position:
        parts.append(position)
    movements = row.get("motherFeelsBabyMovements")
    if movements is not None:
        parts.append("you felt the baby move" if movements else "you had not felt the baby move")
    text = ", ".join(parts) or "nothing recorded"
    return text[:1].upper() + text[1:]


def when(moment: datetime.datetime) -> str:
    """ "14 Mar 2026 at 10:32", in local time."""
    local = timezone.localtime(moment)
    return f"{formats.date_format(local, 'j M Y')} at {formats.time_format(local, 'H:i')}"


def day(on: datetime.date) -> str:
    return formats.date_format(on, "j M Y")


def role_word(code: str) -> str:
    return ROLE_WORDS.get((code or "").upper(), "")


def recorded_by(obj) -> str:
    """Who made this version, in her words: "you", "Kari Nordmann, midwife at Fjordvik sykehus"."""
    if obj.updated_by_user_type == UserType.PATIENT:
        return "you"
    if obj.updated_by_user_type == UserType.SYSTEM:
        return "the maternity record system"
    who = obj.updated_by_name or "a health professional"
    role = role_word(obj.updated_by_hpr_role)
    if role:
        who = f"{who}, {role}"
    if obj.updated_by_org_name:
        who = f"{who} at {obj.updated_by_org_name}" if role else f"{who}, {obj.updated_by_org_name}"
    return who


def by_whom(obj) -> str:
    """ "Last updated 14 Mar 2026 at 10:32 by Kari Nordmann, midwife at Fjordvik sykehus." """
    return f"Last updated {when(obj.last_updated)} by {recorded_by(obj)}."


# --- gestation and due date ---------------------------------------------------------------------------


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def gestation_words(days: int) -> str:
    """228 -> "32 weeks and 4 days"; 224 -> "32 weeks"."""
    weeks, rest = divmod(days, 7)
    return plural(weeks, "week") + (f" and {plural(rest, 'day')}" if rest else "")


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
        return "Your due date is today."
    if left < 0:
        return f"{plural(-left, 'day')} past your due date."
    if left < 7:
        return f"{plural(left, 'day')} to go until your due date."
    weeks, days = divmod(left, 7)
    and_days = f" and {plural(days, 'day')}" if days else ""
    return f"{plural(weeks, 'week')}{and_days} to go until your due date."


def outcome_words(record) -> str:
    """How an earlier pregnancy ended, gently: the date, and a stillbirth said as such."""
    if record.status == RecordStatus.DELIVERED and record.delivery_date:
        born = day(timezone.localtime(record.delivery_date).date())
        if record.live_birth is False:
            return f"Your baby was stillborn on {born}."
        return f"Your baby was born on {born}."
    if record.status == RecordStatus.TERMINATED and record.termination_date:
        return f"The pregnancy ended on {day(timezone.localtime(record.termination_date).date())}."
    return ""


# --- symphysis-fundal height ---------------------------------------------------------------------------


def sfh_band(centile: float | None) -> str:
    """Where a measurement lies between the chart's lines."""
    if centile is None:
        return "Not on the chart (no due date, or outside 16 to 40 weeks)"
    if centile < 3:
        return "Below the 3rd line"
    if centile < 10:
        return "Between the 3rd and 10th lines"
    if centile <= 90:
        return "Between the 10th and 90th lines"
    if centile <= 97:
        return "Between the 90th and 97th lines"
    return "Above the 97th line"
