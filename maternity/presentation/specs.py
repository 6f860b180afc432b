"""How each section of the record reads on a page: its title, its fields' labels and groups, and how a
stored value is shown ("Not recorded", "Positive", "Norsk (NO)", "32+4").

One place for the words, so the record page, the forms, the conflict page and the history diff all call a
field the same thing.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import cast

from django.db import models
from django.utils import formats, timezone, translation
from django.utils.functional import lazy
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext

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
from maternity.rules.flags import ALERT_NAMES, shown_number
from maternity.rules.resources import RESOURCE_TYPES, ResourceType


def _(message: str) -> str:
    """gettext_lazy, typed as the str it stands in for: a page shows it in its language. It is a lazy
    object all the same: str() it before joining it or looking for it `in` a text."""
    return cast(str, translation.gettext_lazy(message))


def pgettext_lazy(context: str, message: str) -> str:
    """translation.pgettext_lazy, typed as `_` is."""
    return cast(str, translation.pgettext_lazy(context, message))


# The words are lazily translated: a page shows them in its language (they are never stored or sent).
NOT_RECORDED = _("Not recorded")
YES_NO = (_("Yes"), _("No"))
POSITIVE_NEGATIVE = (_("Positive"), _("Negative"))
EDEMA_CHOICES = [(0, _("0 (none)")), (1, "1"), (2, "2"), (3, "3")]
# Choices whose model labels are not what a midwife writes ("Two" for 2+)
CHOICES: dict[str, Sequence[tuple[str | int, str]]] = {
    "protein_in_urine_test_result": [
        ("Neg", _("Negative")),
        ("Spor", _("Trace")),
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
    an_item: str = ""  # the item with its article: "an appointment", "an SFH measurement" ("en time")
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
        _("Key demographics"),
        labels={
            "post_number": _("Postcode"),
            "post_name": _("Post town"),
            "employed_last_6_months": _("Employed in the last 6 months"),
            "employment_percentage": _("Employment (%)"),
            "needs_language_interpreter": _("Needs an interpreter"),
            "cohabiting_coparent": _("Lives with the co-parent"),
            "cohabiting_coparent_note": _("About the co-parent"),
        },
        codes={"language": LANGUAGE, "country_of_birth": COUNTRY},
        groups=(
            (_("Name and address"), ("name", "address", "post_number", "post_name")),
            (_("Language and origin"), ("language", "country_of_birth", "needs_language_interpreter")),
            (_("Work"), ("employed_last_6_months", "employment_percentage", "occupation_and_industry")),
            (_("Family"), ("cohabiting_coparent", "cohabiting_coparent_note")),
        ),
        intro=_("Key demographics can be changed only by the active Care Location."),
    ),
    "currentPregnancy": Section(
        _("Current pregnancy"),
        labels={
            "date_last_period": _("First day of last period (LMP)"),
            "due_date": _("Due date from LMP"),
            "due_date_based_on_ultrasound": _("Due date from ultrasound"),
            "due_date_corrected_date": _("Corrected due date"),
            "has_prenatal_diagnostics_tests": _("Told about prenatal diagnostics"),
            "had_assisted_conception": _("Assisted conception"),
            "date_assisted_conception": _("Date of assisted conception"),
            "birth_preparation_talk": _("Birth preparation talk held"),
            "breastfeeding_guidance": _("Breastfeeding guidance given"),
        },
        help={
            "due_date": _("Leave empty to use the LMP + 280 days."),
            "due_date_corrected_date": _(
                "The agreed due date is the corrected one, else the ultrasound one, else the one from the "
                "LMP."
            ),
        },
        groups=(
            (
                _("Dating"),
                ("date_last_period", "due_date", "due_date_based_on_ultrasound", "due_date_corrected_date"),
            ),
            (_("Pregnancy"), ("number_of_fetuses", "had_assisted_conception", "date_assisted_conception")),
            (
                _("Information given"),
                ("has_prenatal_diagnostics_tests", "birth_preparation_talk", "breastfeeding_guidance"),
            ),
        ),
    ),
    "previousPregnancies": Section(
        _("Previous pregnancies"),
        labels={
            "number_of_previous_pregnancies": _("Previous pregnancies"),
            "number_of_previous_live_births": _("Previous live births"),
            "still_births_22weeks": _("Stillbirths (from 22 weeks)"),
            "number_of_ectopic_pregnancies": _("Ectopic pregnancies"),
        },
    ),
    "geneticDisorders": Section(
        _("Hereditary conditions"),
        labels={
            "parents_are_relatives": _("Parents are related"),
            "hip_dysplasia": _("Hip dysplasia in the family"),
            "other": _("Other hereditary condition"),
        },
    ),
    "medicalConditions": Section(
        _("Medical conditions"),
        labels={
            "kidney_urinary_tract_diseases": _("Kidney or urinary tract disease"),
            "allergies_asthma": _("Allergy or asthma"),
            "gynecological_conditions": _("Gynaecological conditions"),
            "other": _("Other condition"),
        },
    ),
    "medication": Section(
        _("Medication"),
        labels={
            "medication_frequency": _("Medicines and how often"),
            "folate_taken_before": _("Folic acid before pregnancy"),
            "folate_taken_during": _("Folic acid during pregnancy"),
        },
    ),
    "lifestyleFactors": Section(
        _("Lifestyle"),
        labels={"stimuli": _("Tobacco, alcohol and other stimulants")},
        help={"stimuli": _("Fill in a row for each stimulant asked about; leave the others empty.")},
    ),
    "clinicalTests": Section(
        _("Clinical tests"),
        labels={
            "hemoglobin": _("Haemoglobin (g/dL)"),
            "hemoglobin_at_3rd_trimester": _("Haemoglobin, 3rd trimester (g/dL)"),
            "ferritin": _("Ferritin (µg/L)"),
            "hbv": _("Hepatitis B (HBsAg)"),
            "hbv_core": _("Hepatitis B core antibody"),
            "hiv": _("HIV"),
            "hepatitis_c": _("Hepatitis C"),
            "gonorrhea": _("Gonorrhoea"),
            "cytomegalo_virus": _("Cytomegalovirus"),
            "rubella_antigen": _("Rubella IgG"),
            "mrsa_vre_esbl": _("MRSA, VRE or ESBL"),
            "group_b_streptococci": _("Group B streptococcus"),
            "blood_antibodies": _("Red cell antibodies"),
            "abo_type": _("ABO blood group"),
            "rhesus_d_type": _("RhD type"),
            "b_hb_a1c": _("HbA1c (mmol/mol)"),
            "fasting_glucose_level": _("Fasting glucose (mmol/L)"),
            "post_2h_glucose_level": _("2-hour glucose (mmol/L)"),
            "glucose_test_date": _("Glucose tolerance test date"),
        },
        groups=(
            (_("Blood counts"), ("hemoglobin", "hemoglobin_at_3rd_trimester", "ferritin")),
            (_("Blood group"), ("abo_type", "rhesus_d_type", "blood_antibodies")),
            (_("Infections and carriage"), INFECTIONS),
            (
                _("Glucose"),
                ("b_hb_a1c", "fasting_glucose_level", "post_2h_glucose_level", "glucose_test_date"),
            ),
        ),
        bool_words={name: POSITIVE_NEGATIVE for name in (*INFECTIONS, "blood_antibodies")},
    ),
    "rhesusDNegative": Section(
        _("RhD negative"),
        labels={
            "consent_fetal_rhesus_typing": _("Consent to fetal RhD typing"),
            "fetus_rh_d_positive_at_week_24": _("Fetus RhD positive (week 24 test)"),
            "prophylaxis_at_week_28": _("Anti-D prophylaxis given at week 28"),
            "date_for_result": _("Date of the result"),
        },
    ),
    "vitalMeasurementsBeforePregnancy": Section(
        _("Before pregnancy"),
        labels={
            "height": _("Height (cm)"),
            "pre_pregnancy_weight": _("Weight before pregnancy (kg)"),
            "bmi": _("BMI"),
        },
        help={"bmi": _("Leave empty to calculate it from the height and weight.")},
    ),
    "pointsOfContact": Section(
        _("Points of contact"),
        labels={
            "gp_name": _("GP's name"),
            "gp_organization_name": _("GP practice"),
            "gp_organization_id": _("GP practice organisation number"),
            "gp_hpr_nr": _("GP's HPR number"),
            "midwife_name": _("Midwife's name"),
            "midwife_organization_name": _("Midwife's organisation"),
            "midwife_hpr_nr": _("Midwife's HPR number"),
            "birth_institute": _("Planned place of birth"),
            "maternity_healthcare_centre": _("Maternity health centre"),
        },
        groups=(
            (_("GP"), ("gp_name", "gp_organization_name", "gp_organization_id", "gp_hpr_nr")),
            (_("Midwife"), ("midwife_name", "midwife_organization_name", "midwife_hpr_nr")),
            (_("Places"), ("birth_institute", "maternity_healthcare_centre")),
        ),
    ),
    "birthPlan": Section(
        _("Birth plan"),
        labels={
            "place_of_birth": _("Where she would like to give birth"),
            "positions_and_water": _("Positions and water"),
            "skin_to_skin": _("Skin to skin"),
            "language_or_interpreter": _("Language or interpreter"),
        },
        intro=_("Written by the pregnant person in her portal."),
    ),
    "antenatalAppointments": Section(
        _("Antenatal appointments"),
        item=_("appointment"),
        an_item=_("an appointment"),
        labels={
            "appointment_date": _("Date"),
            "pregnancy_week": _("Gestation: weeks"),
            "days_after_full_pregnancy_week": _("Gestation: days"),
            "mother_weight": _("Weight (kg)"),
            "blood_pressure": _("Blood pressure (mmHg)"),
            "protein_in_urine_test_result": _("Protein in urine"),
            "edema": _("Oedema"),
            "fetuses_vital_signs": _("Fetuses"),
            "medication": _("Takes medication"),
            "employment_rate": _("Working (%)"),
        },
        help={
            "pregnancy_week": _("Leave both empty to calculate them from the agreed due date."),
            "blood_pressure": _("Systolic/diastolic, e.g. 120/80."),
        },
        groups=(
            (
                pgettext_lazy("an antenatal visit", "Appointment"),
                ("appointment_date", "pregnancy_week", "days_after_full_pregnancy_week"),
            ),
            (
                _("Observations"),
                ("mother_weight", "blood_pressure", "protein_in_urine_test_result", "edema"),
            ),
            (_("Fetal observations"), ("fetuses_vital_signs",)),
            (_("Other"), ("medication", "employment_rate", "note")),
        ),
    ),
    "symphysisFundalHeights": Section(
        _("Symphysis-fundal height"),
        item=_("SFH measurement"),
        an_item=_("an SFH measurement"),
        labels={
            "measurement_date": _("Date measured"),
            "pregnancy_week": _("Gestation (completed weeks)"),
            "measurement": _("Symphysis-fundal height (cm)"),
        },
        help={"pregnancy_week": _("Leave empty to calculate it from the agreed due date.")},
    ),
    "births": Section(
        _("Births"),
        item=_("birth"),
        an_item=_("a birth"),
        labels={
            "birth_time": _("Time of birth"),
            "birth_weight": _("Birth weight (g)"),
            "gestation_weeks": _("Gestation at birth: weeks"),
            "gestation_days": _("Gestation at birth: days"),
            "apgar_1_minute": _("Apgar at 1 minute"),
            "apgar_5_minutes": _("Apgar at 5 minutes"),
            "apgar_10_minutes": _("Apgar at 10 minutes"),
        },
        help={"gestation_weeks": _("Leave both empty to calculate them from the agreed due date.")},
        bool_words={"live_birth": (_("Live birth"), _("Stillbirth"))},
    ),
    "bookings": Section(
        _("Booked appointments"),
        item=_("booking"),
        an_item=_("a booking"),
        labels={
            "starts_at": _("Date and time"),
            "duration_minutes": _("Length (minutes)"),
            "kind": _("Kind of visit"),
            "place": _("Where"),
            "with_whom": _("With whom"),
            "cancellation_reason": _("Why it was cancelled"),
            "visit_id": _("Visit recorded"),
            "planned_week": _("Planned for week"),
        },
        intro=_("Visits booked ahead. A booking whose day has passed without a visit is missed."),
    ),
    "labour": Section(
        _("Labour and birth"),
        labels={
            "onset": _("Onset of labour"),
            "induction_reason": _("Reason for induction"),
            "augmentation": _("Labour augmented"),
            "first_stage_minutes": _("First stage (minutes)"),
            "second_stage_minutes": _("Second stage (minutes)"),
            "third_stage_minutes": _("Third stage (minutes)"),
            "blood_loss_ml": _("Blood loss (ml)"),
            "perineal_trauma": _("Perineal trauma"),
            "analgesia": _("Analgesia"),
            "newborns": _("Each baby"),
        },
        groups=(
            (_("Labour"), ("onset", "induction_reason", "augmentation")),
            (_("Stages"), ("first_stage_minutes", "second_stage_minutes", "third_stage_minutes")),
            (_("After the birth"), ("blood_loss_ml", "perineal_trauma", "analgesia", "newborns")),
        ),
    ),
    "postnatalMotherVisits": Section(
        _("Postnatal visits: mother"),
        item=_("postnatal visit"),
        an_item=_("a postnatal visit"),
        labels={
            "visit_date": _("Date of visit"),
            "blood_pressure": _("Blood pressure (mmHg)"),
            "epds_answers": _("EPDS answers"),
            "discharged": _("Discharged from postnatal care"),
        },
    ),
    "postnatalBabyVisits": Section(
        _("Postnatal visits: baby"),
        item=_("baby's visit"),
        an_item=_("a baby's visit"),
        labels={
            "visit_date": _("Date of visit"),
            "birth_id": _("Baby"),
            "weight": _("Weight (g)"),
            "discharged": _("Discharged from postnatal care"),
        },
    ),
    "alertAcknowledgements": Section(
        _("Alerts acknowledged"),
        item=_("acknowledgement"),
        an_item=_("an acknowledgement"),
        labels={
            "alert_code": _("Alert"),
            "subject": pgettext_lazy("what an alert was about", "About"),
            "alert_detail": _("What the alert said"),
            "action_taken": _("What was done"),
        },
    ),
    "careLocations": Section(
        _("Care episodes"),
        item=_("care episode"),
        an_item=_("a care episode"),
        labels={"care_location": _("Care Location"), "start_time": _("Care from")},
        intro=_("Recorded when a Care Location pulls active care."),
    ),
    "notes": Section(
        _("Notes"),
        item=_("note"),
        an_item=_("a note"),
        intro=_("Written by the system when something happens to the record."),
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
    """The field's label in the active language, as a plain str (callers join them)."""
    spec = section(rt)
    if name in spec.labels:
        return str(spec.labels[name])
    return str(capfirst(own_field(rt, name).verbose_name))


# The label for a form field made at import time (a class attribute): read in the page's language.
label_lazy = lazy(label, str)


def grouped_fields(rt: ResourceType) -> list[tuple[str, list[str]]]:
    """[(legend, field names)] in form order; a section without groups is one unnamed group."""
    names = content_field_names(rt)
    groups = [(legend, [n for n in members if n in names]) for legend, members in section(rt).groups]
    grouped = {n for _, members in groups for n in members}
    rest = [n for n in names if n not in grouped]
    if rest:
        groups.append((gettext("Other") if groups else "", rest))
    return groups


# --- showing a stored value ----------------------------------------------------------------------------


def display(rt: ResourceType, name: str, value) -> str:
    """A stored value as a midwife reads it. Empty (None, "", []) is "Not recorded"."""
    if value is None or value == "" or value == []:
        return str(NOT_RECORDED)
    spec = section(rt)
    model_field = own_field(rt, name)
    if name in spec.codes:
        system = spec.codes[name]
        shown = system.shown(value, gettext("unknown code"))
        return f"{shown} ({value})"
    if isinstance(value, bool):
        yes, no = spec.bool_words.get(name, YES_NO)
        return str(yes if value else no)
    if name == "alert_code" and value in ALERT_NAMES:  # the stored code, named in the page's language
        return f"{ALERT_NAMES[value]} ({value})"
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
        return (
            gettext("Score %(total)s of 30") % {"total": total}
            if total is not None
            else gettext("Not complete")
        )
    if isinstance(value, datetime.datetime):
        return when(value)
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(value, float):
        return shown_number(value)
    if hasattr(value, "name"):  # a Care Location
        return value.name
    return str(value)


def when(value: datetime.datetime) -> str:
    """A moment in local time, as every page writes it: "14 Mar 2026, 10:32", "14. mars 2026 kl. 10:32"."""
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _code(system: CodeSystem, code) -> str:
    return system.shown(code, gettext("unknown code %(code)s") % {"code": code}) if code else ""


def fetus_summary(row: dict) -> str:
    parts = []
    if row.get("fetalHeartRate") is not None:
        parts.append(gettext("heart rate %(rate)s") % {"rate": row["fetalHeartRate"]})
    if row.get("fetalPresentationLie"):
        parts.append(_code(FETAL_PRESENTATION, row["fetalPresentationLie"]).lower())
    movements = row.get("motherFeelsBabyMovements")
    if movements is not None:
        parts.append(gettext("movements felt") if movements else gettext("movements not felt"))
    if row.get("note"):
        parts.append(f"“{row['note']}”")
    return gettext("Fetus %(number)s: %(findings)s") % {
        "number": row.get("fosterId", "?"),
        "findings": ", ".join(parts) or gettext("nothing recorded"),
    }


def _frequency(block) -> str:
    if not block:
        return ""
    text = _code(STIMULANT_FREQUENCY, block.get("stimuliFrequency")).lower()
    if block.get("dailyCount") is not None:
        daily = gettext("%(count)s a day") % {"count": block["dailyCount"]}
        text = f"{text}, {daily}" if text else daily
    return text


def stimulus_summary(row: dict) -> str:
    name = _code(STIMULANT_TYPE, row.get("stimuliType"))
    first = _frequency(row.get("stimuliFrequencyFirstConsultation"))
    week36 = _frequency(row.get("stimuliFrequencyAtWeek36"))
    parts = [
        gettext("first consultation: %(frequency)s") % {"frequency": first} if first else "",
        gettext("week 36: %(frequency)s") % {"frequency": week36} if week36 else "",
    ]
    return f"{name}: " + ("; ".join(p for p in parts if p) or gettext("nothing recorded"))


def newborn_summary(number: int, row: dict) -> str:
    parts = []
    if row.get("resuscitation") is not None:
        parts.append(gettext("resuscitated") if row["resuscitation"] else gettext("not resuscitated"))
    if row.get("feeding"):
        parts.append(str(dict(Feeding.choices).get(row["feeding"], row["feeding"])).lower())
    return gettext("Baby %(number)s: %(findings)s") % {
        "number": number,
        "findings": ", ".join(parts) or gettext("nothing recorded"),
    }


def gestation_text(weeks, days) -> str:
    if weeks is None:
        return str(NOT_RECORDED)
    if days is not None:
        return format_gestation(weeks * 7 + (days or 0))
    return ngettext("%(weeks)s week", "%(weeks)s weeks", weeks) % {"weeks": weeks}


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
        return gettext("Appointment on %(day)s") % {
            "day": display(rt, "appointment_date", item.appointment_date)
        }
    if name == "symphysisFundalHeights":
        return gettext("SFH %(cm)s cm on %(day)s") % {
            "cm": item.measurement,
            "day": display(rt, "measurement_date", item.measurement_date),
        }
    if name == "births":
        return gettext("Birth at %(when)s") % {"when": when(item.birth_time)}
    if name == "careLocations":
        return gettext("Care at %(place)s from %(when)s") % {
            "place": item.care_location.name,
            "when": when(item.start_time),
        }
    if name == "notes":
        return f"{item.get_kind_display()} ({when(item.last_updated)})"
    return str(capfirst(section(rt).item))
