"""How each section of the record reads on a page: its title, its fields' labels and groups, and how a
stored value is shown ("Not recorded", "Positive", "Norsk (NO)", "32+4").

One place for the words, so the record page, the forms, the conflict page and the history diff all call a
field the same thing.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import models
from django.utils import formats, timezone

from maternity.models.labour import Analgesia, Feeding
from maternity.rules.clinical import format_gestation
from maternity.rules.codes import (
    COUNTRY,
    FETAL_PRESENTATION,
    LANGUAGE,
    STIMULANT_FREQUENCY,
    STIMULANT_TYPE,
    CodeSystem,
)
from maternity.rules.resources import RESOURCE_TYPES, ResourceType

NOT_RECORDED = "Not recorded"
YES_NO = ("Yes", "No")
POSITIVE_NEGATIVE = ("Positive", "Negative")
EDEMA_CHOICES = [(0, "0 (none)"), (1, "1"), (2, "2"), (3, "3")]
# Choices whose model labels are not what a midwife writes ("Two" for 2+)
CHOICES: dict[str, Sequence[tuple[str | int, str]]] = {
    "protein_in_urine_test_result": [
        ("Neg", "Negative"),
        ("Spor", "Trace"),
        ("1+", "1+"),
        ("2+", "2+"),
        ("3+", "3+"),
    ],
    "edema": EDEMA_CHOICES,
}


def in_sentence(title: str) -> str:
    """A section's title inside a sentence ("Edit before pregnancy"): lower-cased at its start, unless its
    first word is an abbreviation ("Edit RhD negative", "History of SFH")."""
    first = title.split(" ", 1)[0]
    if any(letter.isupper() for letter in first[1:]):
        return title
    return title[:1].lower() + title[1:]


@dataclass(frozen=True)
class Section:
    title: str
    item: str = ""  # one item of a list section ("appointment"); empty for singletons
    labels: dict[str, str] = field(default_factory=dict)
    help: dict[str, str] = field(default_factory=dict)
    # (legend, fields) for the form; fields not named in any group go in a last, unnamed group
    groups: tuple[tuple[str, tuple[str, ...]], ...] = ()
    bool_words: dict[str, tuple[str, str]] = field(default_factory=dict)  # (true, false) words
    codes: dict[str, CodeSystem] = field(default_factory=dict)  # code-valued text fields
    intro: str = ""

    @property
    def in_sentence(self) -> str:
        return in_sentence(self.title)

    @property
    def an_item(self) -> str:
        """ "an appointment", "an SFH measurement" (said "ess-eff-aitch"), "a birth"."""
        vowel_sound = self.item[:1].lower() in "aeiou" or self.item.startswith("SFH")
        return f"{'an' if vowel_sound else 'a'} {self.item}"


INFECTIONS = (
    "hbv",
    "hbv_core",
    "hiv",
    "syphilis",
    "hepatitis_c",
    "chlamydia",
    "gonorrhea",
    "toxoplasmosis",
    "cytomegalo_virus",
    "rubella_antigen",
    "mrsa_vre_esbl",
    "asymptomatic_bacteriuria",
    "group_b_streptococci",
)

SECTIONS: dict[str, Section] = {
    "mother": Section(
        "Key demographics",
        labels={
            "post_number": "Postcode",
            "post_name": "Post town",
            "employed_last_6_months": "Employed in the last 6 months",
            "employment_percentage": "Employment (%)",
            "needs_language_interpreter": "Needs an interpreter",
            "cohabiting_coparent": "Lives with the co-parent",
            "cohabiting_coparent_note": "About the co-parent",
        },
        codes={"language": LANGUAGE, "country_of_birth": COUNTRY},
        groups=(
            ("Name and address", ("name", "address", "post_number", "post_name")),
            ("Language and origin", ("language", "country_of_birth", "needs_language_interpreter")),
            ("Work", ("employed_last_6_months", "employment_percentage", "occupation_and_industry")),
            ("Family", ("cohabiting_coparent", "cohabiting_coparent_note")),
        ),
        intro="Key demographics can be changed only by the active Care Location.",
    ),
    "currentPregnancy": Section(
        "Current pregnancy",
        labels={
            "date_last_period": "First day of last period (LMP)",
            "due_date": "Due date from LMP",
            "due_date_based_on_ultrasound": "Due date from ultrasound",
            "due_date_corrected_date": "Corrected due date",
            "has_prenatal_diagnostics_tests": "Told about prenatal diagnostics",
            "had_assisted_conception": "Assisted conception",
            "date_assisted_conception": "Date of assisted conception",
            "birth_preparation_talk": "Birth preparation talk held",
            "breastfeeding_guidance": "Breastfeeding guidance given",
        },
        help={
            "due_date": "Leave empty to use the LMP + 280 days.",
            "due_date_corrected_date": "The agreed due date is the corrected one, else the ultrasound one, "
            "else the one from the LMP.",
        },
        groups=(
            (
                "Dating",
                ("date_last_period", "due_date", "due_date_based_on_ultrasound", "due_date_corrected_date"),
            ),
            ("Pregnancy", ("number_of_fetuses", "had_assisted_conception", "date_assisted_conception")),
            (
                "Information given",
                ("has_prenatal_diagnostics_tests", "birth_preparation_talk", "breastfeeding_guidance"),
            ),
        ),
    ),
    "previousPregnancies": Section(
        "Previous pregnancies",
        labels={
            "number_of_previous_pregnancies": "Previous pregnancies",
            "number_of_previous_live_births": "Previous live births",
            "still_births_22weeks": "Stillbirths (from 22 weeks)",
            "number_of_ectopic_pregnancies": "Ectopic pregnancies",
        },
    ),
    "geneticDisorders": Section(
        "Hereditary conditions",
        labels={
            "parents_are_relatives": "Parents are related",
            "hip_dysplasia": "Hip dysplasia in the family",
            "other": "Other hereditary condition",
        },
    ),
    "medicalConditions": Section(
        "Medical conditions",
        labels={
            "kidney_urinary_tract_diseases": "Kidney or urinary tract disease",
            "allergies_asthma": "Allergy or asthma",
            "gynecological_conditions": "Gynaecological conditions",
            "other": "Other condition",
        },
    ),
    "medication": Section(
        "Medication",
        labels={
            "medication_frequency": "Medicines and how often",
            "folate_taken_before": "Folic acid before pregnancy",
            "folate_taken_during": "Folic acid during pregnancy",
        },
    ),
    "lifestyleFactors": Section(
        "Lifestyle",
        labels={"stimuli": "Tobacco, alcohol and other stimulants"},
        help={"stimuli": "Fill in a row for each stimulant asked about; leave the others empty."},
    ),
    "clinicalTests": Section(
        "Clinical tests",
        labels={
            "hemoglobin": "Haemoglobin (g/dL)",
            "hemoglobin_at_3rd_trimester": "Haemoglobin, 3rd trimester (g/dL)",
            "ferritin": "Ferritin (µg/L)",
            "hbv": "Hepatitis B (HBsAg)",
            "hbv_core": "Hepatitis B core antibody",
            "hiv": "HIV",
            "hepatitis_c": "Hepatitis C",
            "gonorrhea": "Gonorrhoea",
            "cytomegalo_virus": "Cytomegalovirus",
            "rubella_antigen": "Rubella IgG",
            "mrsa_vre_esbl": "MRSA, VRE or ESBL",
            "group_b_streptococci": "Group B streptococcus",
            "blood_antibodies": "Red cell antibodies",
            "abo_type": "ABO blood group",
            "rhesus_d_type": "RhD type",
            "b_hb_a1c": "HbA1c (mmol/mol)",
            "fasting_glucose_level": "Fasting glucose (mmol/L)",
            "post_2h_glucose_level": "2-hour glucose (mmol/L)",
            "glucose_test_date": "Glucose tolerance test date",
        },
        groups=(
            ("Blood counts", ("hemoglobin", "hemoglobin_at_3rd_trimester", "ferritin")),
            ("Blood group", ("abo_type", "rhesus_d_type", "blood_antibodies")),
            ("Infections and carriage", INFECTIONS),
            (
                "Glucose",
                ("b_hb_a1c", "fasting_glucose_level", "post_2h_glucose_level", "glucose_test_date"),
            ),
        ),
        bool_words={name: POSITIVE_NEGATIVE for name in (*INFECTIONS, "blood_antibodies")},
    ),
    "rhesusDNegative": Section(
        "RhD negative",
        labels={
            "consent_fetal_rhesus_typing": "Consent to fetal RhD typing",
            "fetus_rh_d_positive_at_week_24": "Fetus RhD positive (week 24 test)",
            "prophylaxis_at_week_28": "Anti-D prophylaxis given at week 28",
            "date_for_result": "Date of the result",
        },
    ),
    "vitalMeasurementsBeforePregnancy": Section(
        "Before pregnancy",
        labels={
            "height": "Height (cm)",
            "pre_pregnancy_weight": "Weight before pregnancy (kg)",
            "bmi": "BMI",
        },
        help={"bmi": "Leave empty to calculate it from the height and weight."},
    ),
    "pointsOfContact": Section(
        "Points of contact",
        labels={
            "gp_name": "GP's name",
            "gp_organization_name": "GP practice",
            "gp_organization_id": "GP practice organisation number",
            "gp_hpr_nr": "GP's HPR number",
            "midwife_name": "Midwife's name",
            "midwife_organization_name": "Midwife's organisation",
            "midwife_hpr_nr": "Midwife's HPR number",
            "birth_institute": "Planned place of birth",
            "maternity_healthcare_centre": "Maternity health centre",
        },
        groups=(
            ("GP", ("gp_name", "gp_organization_name", "gp_organization_id", "gp_hpr_nr")),
            ("Midwife", ("midwife_name", "midwife_organization_name", "midwife_hpr_nr")),
            ("Places", ("birth_institute", "maternity_healthcare_centre")),
        ),
    ),
    "birthPlan": Section(
        "Birth plan",
        labels={
            "place_of_birth": "Where she would like to give birth",
            "positions_and_water": "Positions and water",
            "skin_to_skin": "Skin to skin",
            "language_or_interpreter": "Language or interpreter",
        },
        intro="Written by the pregnant person in her portal.",
    ),
    "antenatalAppointments": Section(
        "Antenatal appointments",
        item="appointment",
        labels={
            "appointment_date": "Date",
            "pregnancy_week": "Gestation: weeks",
            "days_after_full_pregnancy_week": "Gestation: days",
            "mother_weight": "Weight (kg)",
            "blood_pressure": "Blood pressure (mmHg)",
            "protein_in_urine_test_result": "Protein in urine",
            "edema": "Oedema",
            "fetuses_vital_signs": "Fetuses",
            "medication": "Takes medication",
            "employment_rate": "Working (%)",
        },
        help={
            "pregnancy_week": "Leave both empty to calculate them from the agreed due date.",
            "blood_pressure": "Systolic/diastolic, e.g. 120/80.",
        },
        groups=(
            ("Appointment", ("appointment_date", "pregnancy_week", "days_after_full_pregnancy_week")),
            (
                "Observations",
                ("mother_weight", "blood_pressure", "protein_in_urine_test_result", "edema"),
            ),
            ("Fetal observations", ("fetuses_vital_signs",)),
            ("Other", ("medication", "employment_rate", "note")),
        ),
    ),
    "symphysisFundalHeights": Section(
        "Symphysis-fundal height",
        item="SFH measurement",
        labels={
            "measurement_date": "Date measured",
            "pregnancy_week": "Gestation (completed weeks)",
            "measurement": "Symphysis-fundal height (cm)",
        },
        help={"pregnancy_week": "Leave empty to calculate it from the agreed due date."},
    ),
    "births": Section(
        "Births",
        item="birth",
        labels={
            "birth_time": "Time of birth",
            "birth_weight": "Birth weight (g)",
            "gestation_weeks": "Gestation at birth: weeks",
            "gestation_days": "Gestation at birth: days",
            "apgar_1_minute": "Apgar at 1 minute",
            "apgar_5_minutes": "Apgar at 5 minutes",
            "apgar_10_minutes": "Apgar at 10 minutes",
        },
        help={"gestation_weeks": "Leave both empty to calculate them from the agreed due date."},
        bool_words={"live_birth": ("Live birth", "Stillbirth")},
    ),
    "bookings": Section(
        "Booked appointments",
        item="booking",
        labels={
            "starts_at": "Date and time",
            "duration_minutes": "Length (minutes)",
            "kind": "Kind of visit",
            "place": "Where",
            "with_whom": "With whom",
            "cancellation_reason": "Why it was cancelled",
            "visit_id": "Visit recorded",
            "planned_week": "Planned for week",
        },
        intro="Visits booked ahead. A booking whose day has passed without a visit is missed.",
    ),
    "labour": Section(
        "Labour and birth",
        labels={
            "onset": "Onset of labour",
            "induction_reason": "Reason for induction",
            "augmentation": "Labour augmented",
            "first_stage_minutes": "First stage (minutes)",
            "second_stage_minutes": "Second stage (minutes)",
            "third_stage_minutes": "Third stage (minutes)",
            "blood_loss_ml": "Blood loss (ml)",
            "perineal_trauma": "Perineal trauma",
            "analgesia": "Analgesia",
            "newborns": "Each baby",
        },
        groups=(
            ("Labour", ("onset", "induction_reason", "augmentation")),
            ("Stages", ("first_stage_minutes", "second_stage_minutes", "third_stage_minutes")),
            ("After the birth", ("blood_loss_ml", "perineal_trauma", "analgesia", "newborns")),
        ),
    ),
    "postnatalMotherVisits": Section(
        "Postnatal visits: mother",
        item="postnatal visit",
        labels={
            "visit_date": "Date of visit",
            "blood_pressure": "Blood pressure (mmHg)",
            "epds_answers": "EPDS answers",
            "discharged": "Discharged from postnatal care",
        },
    ),
    "postnatalBabyVisits": Section(
        "Postnatal visits: baby",
        item="baby's visit",
        labels={
            "visit_date": "Date of visit",
            "birth_id": "Baby",
            "weight": "Weight (g)",
            "discharged": "Discharged from postnatal care",
        },
    ),
    "alertAcknowledgements": Section(
        "Alerts acknowledged",
        item="acknowledgement",
        labels={
            "alert_code": "Alert",
            "subject": "About",
            "alert_detail": "What the alert said",
            "action_taken": "What was done",
        },
    ),
    "careLocations": Section(
        "Care episodes",
        item="care episode",
        labels={"care_location": "Care Location", "start_time": "Care from"},
        intro="Recorded when a Care Location pulls active care.",
    ),
    "notes": Section(
        "Notes", item="note", intro="Written by the system when something happens to the record."
    ),
}

# The order of sections on the record page: what a midwife looks at first, first.
PAGE_ORDER = [
    "mother",
    "currentPregnancy",
    "bookings",
    "antenatalAppointments",
    "symphysisFundalHeights",
    "clinicalTests",
    "medicalConditions",
    "medication",
    "previousPregnancies",
    "geneticDisorders",
    "lifestyleFactors",
    "rhesusDNegative",
    "vitalMeasurementsBeforePregnancy",
    "pointsOfContact",
    "birthPlan",
    "labour",
    "births",
    "postnatalMotherVisits",
    "postnatalBabyVisits",
    "alertAcknowledgements",
    "careLocations",
    "notes",
]
assert set(PAGE_ORDER) == set(RESOURCE_TYPES) == set(SECTIONS), "every resource type needs a section"


def section(rt: ResourceType | str) -> Section:
    return SECTIONS[rt if isinstance(rt, str) else rt.name]


def content_field_names(rt: ResourceType) -> list[str]:
    return [f.name for f in rt.model.content_fields()]


def own_field(rt: ResourceType, name: str) -> models.Field:
    """The model's field `name`: one of its own columns, never a relation from another model."""
    found = rt.model._meta.get_field(name)
    if not isinstance(found, models.Field):
        raise LookupError(f"{name} is not a field of {rt.name}.")
    return found


def label(rt: ResourceType, name: str) -> str:
    spec = section(rt)
    if name in spec.labels:
        return spec.labels[name]
    verbose = str(own_field(rt, name).verbose_name)
    return verbose[:1].upper() + verbose[1:]


def grouped_fields(rt: ResourceType) -> list[tuple[str, list[str]]]:
    """[(legend, field names)] in form order; a section without groups is one unnamed group."""
    names = content_field_names(rt)
    groups = [(legend, [n for n in members if n in names]) for legend, members in section(rt).groups]
    grouped = {n for _, members in groups for n in members}
    rest = [n for n in names if n not in grouped]
    if rest:
        groups.append(("Other" if groups else "", rest))
    return groups


# --- showing a stored value ----------------------------------------------------------------------------


def display(rt: ResourceType, name: str, value) -> str:
    """A stored value as a midwife reads it. Empty (None, "", []) is "Not recorded"."""
    if value is None or value == "" or value == []:
        return NOT_RECORDED
    spec = section(rt)
    model_field = own_field(rt, name)
    if name in spec.codes:
        system = spec.codes[name]
        return f"{system.shown(value, 'unknown code')} ({value})"
    if isinstance(value, bool):
        yes, no = spec.bool_words.get(name, YES_NO)
        return yes if value else no
    if name in CHOICES:
        return str(dict(CHOICES[name]).get(value, value))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if name == "fetuses_vital_signs":
        return "; ".join(fetus_summary(row) for row in value)
    if name == "stimuli":
        return "; ".join(stimulus_summary(row) for row in value)
    if name == "analgesia":  # labour: the kinds used
        return ", ".join(str(dict(Analgesia.choices).get(kind, kind)) for kind in value)
    if name == "newborns":  # labour: each baby's details that NHN's birth has no place for
        return "; ".join(newborn_summary(number, row) for number, row in enumerate(value, start=1))
    if name == "epds_answers":  # a postnatal visit: the score, not the answers
        total = sum(value) if len(value) == 10 else None
        return f"Score {total} of 30" if total is not None else "Not complete"
    if isinstance(value, datetime.datetime):
        return when(value)
    if isinstance(value, datetime.date):
        return formats.date_format(value, "j M Y")
    if isinstance(value, float):
        return f"{value:g}"
    if hasattr(value, "name"):  # a Care Location
        return value.name
    return str(value)


def when(value: datetime.datetime) -> str:
    """A moment in local time, as every page writes it: "14 Mar 2026 10:32"."""
    return formats.date_format(timezone.localtime(value), "j M Y H:i")


def _code(system: CodeSystem, code) -> str:
    return system.shown(code, f"unknown code {code}") if code else ""


def fetus_summary(row: dict) -> str:
    parts = []
    if row.get("fetalHeartRate") is not None:
        parts.append(f"heart rate {row['fetalHeartRate']}")
    if row.get("fetalPresentationLie"):
        parts.append(_code(FETAL_PRESENTATION, row["fetalPresentationLie"]).lower())
    movements = row.get("motherFeelsBabyMovements")
    if movements is not None:
        parts.append("movements felt" if movements else "movements not felt")
    if row.get("note"):
        parts.append(f"“{row['note']}”")
    return f"Fetus {row.get('fosterId', '?')}: " + (", ".join(parts) or "nothing recorded")


def _frequency(block) -> str:
    if not block:
        return ""
    text = _code(STIMULANT_FREQUENCY, block.get("stimuliFrequency")).lower()
    if block.get("dailyCount") is not None:
        text = f"{text}, {block['dailyCount']} a day" if text else f"{block['dailyCount']} a day"
    return text


def stimulus_summary(row: dict) -> str:
    name = _code(STIMULANT_TYPE, row.get("stimuliType"))
    first = _frequency(row.get("stimuliFrequencyFirstConsultation"))
    week36 = _frequency(row.get("stimuliFrequencyAtWeek36"))
    parts = [f"first consultation: {first}" if first else "", f"week 36: {week36}" if week36 else ""]
    return f"{name}: " + ("; ".join(p for p in parts if p) or "nothing recorded")


def newborn_summary(number: int, row: dict) -> str:
    parts = []
    if row.get("resuscitation") is not None:
        parts.append("resuscitated" if row["resuscitation"] else "not resuscitated")
    if row.get("feeding"):
        parts.append(str(dict(Feeding.choices).get(row["feeding"], row["feeding"])).lower())
    return f"Baby {number}: " + (", ".join(parts) or "nothing recorded")


def gestation_text(weeks, days) -> str:
    if weeks is None:
        return NOT_RECORDED
    return format_gestation(weeks * 7 + (days or 0)) if days is not None else f"{weeks} weeks"


def comparable(value):
    """A value for equality tests: JSON rows without their empty keys, so `{"note": None}` and `{}` match."""
    if isinstance(value, dict):
        return {k: comparable(v) for k, v in value.items() if v not in (None, "", {}, [])}
    if isinstance(value, list):
        return [comparable(v) for v in value]
    if value == "":
        return None
    if hasattr(value, "pk"):
        return value.pk
    return value


def item_title(rt: ResourceType, item) -> str:
    """A list item in a few words: "Appointment on 14 Mar 2026", "SFH 31 cm on 2 Feb 2026"."""
    name = rt.name
    if name == "antenatalAppointments":
        return f"Appointment on {display(rt, 'appointment_date', item.appointment_date)}"
    if name == "symphysisFundalHeights":
        return f"SFH {item.measurement} cm on {display(rt, 'measurement_date', item.measurement_date)}"
    if name == "births":
        return f"Birth at {when(item.birth_time)}"
    if name == "careLocations":
        return f"Care at {item.care_location.name} from {when(item.start_time)}"
    if name == "notes":
        return f"{item.get_kind_display()} ({when(item.last_updated)})"
    return section(rt).item.capitalize()
