"""The singleton resources of a record (NHN resource types, plus the pregnant person's birth plan).

Field names are the NHN wire names in snake_case; the API layer turns them into camelCase. Booleans are
nullable throughout: `None` (unknown, not asked) and `False` (asked, no) are different answers.
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext, gettext_lazy

from maternity.rules.clinical import PREGNANCY_DAYS

from .base import SingletonResource
from .validators import between

LATEST_LMP = date.max - timedelta(days=PREGNANCY_DAYS)


def flag(label: str = "") -> models.BooleanField:
    return models.BooleanField(label or None, null=True, blank=True)


def text(max_length: int = 200) -> models.CharField:
    return models.CharField(max_length=max_length, null=True, blank=True)


def note() -> models.TextField:
    return models.TextField(null=True, blank=True, max_length=4000)


class Mother(SingletonResource):
    """Key demographics: editable only by the active Care Location."""

    name = text()
    address = text(300)
    post_number = text(20)
    post_name = text(100)
    employed_last_6_months = flag()
    employment_percentage = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=between(0, 100)
    )
    occupation_and_industry = text()
    language = text(10)  # Volven 3303 code
    country_of_birth = text(10)  # Volven 9043 code
    needs_language_interpreter = flag()
    cohabiting_coparent = flag()
    cohabiting_coparent_note = note()


class CurrentPregnancy(SingletonResource):
    date_last_period = models.DateField(null=True, blank=True)
    due_date = models.DateField(
        null=True, blank=True, help_text=gettext_lazy("Due date from the last period.")
    )
    due_date_based_on_ultrasound = models.DateField(null=True, blank=True)
    due_date_corrected_date = models.DateField(null=True, blank=True)
    has_prenatal_diagnostics_tests = flag()
    number_of_fetuses = models.PositiveSmallIntegerField(null=True, blank=True, validators=between(1, 8))
    had_assisted_conception = flag()
    date_assisted_conception = models.DateField(null=True, blank=True)
    birth_preparation_talk = flag()
    breastfeeding_guidance = flag()

    class Meta:
        verbose_name_plural = gettext_lazy("current pregnancies")

    def clean(self) -> None:
        # The agreed EDD may come from the LMP (280 days later): that day must exist in the calendar.
        if self.date_last_period and self.date_last_period > LATEST_LMP:
            raise ValidationError(
                {"date_last_period": gettext("No due date can follow it: 280 days later is past 9999-12-31.")}
            )


class PreviousPregnancies(SingletonResource):
    number_of_previous_pregnancies = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=between(0, 30)
    )
    number_of_previous_live_births = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=between(0, 30)
    )
    spontaneous_miscarriages = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=between(0, 30)
    )
    still_births_22weeks = models.PositiveSmallIntegerField(null=True, blank=True, validators=between(0, 30))
    number_of_ectopic_pregnancies = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=between(0, 30)
    )
    note = note()

    class Meta:
        verbose_name_plural = gettext_lazy("previous pregnancies")


class GeneticDisorders(SingletonResource):
    none_known = flag()
    parents_are_relatives = flag()
    hip_dysplasia = flag()
    other = flag()
    note = note()

    class Meta:
        verbose_name_plural = gettext_lazy("genetic disorders")


class MedicalConditions(SingletonResource):
    nothing_particular = flag()
    heart_disease = flag()
    high_blood_pressure = flag()
    kidney_urinary_tract_diseases = flag()
    diabetes = flag()
    allergies_asthma = flag()
    epilepsy = flag()
    thrombosis = flag()
    autoimmune_disease = flag()
    gynecological_conditions = flag()
    mental_health = flag()
    other = flag()
    note = note()

    class Meta:
        verbose_name_plural = gettext_lazy("medical conditions")


class Medication(SingletonResource):
    medication_frequency = text(100)
    drug_allergy = flag()
    folate_taken_before = flag()
    folate_taken_during = flag()
    note = note()


class LifestyleFactors(SingletonResource):
    stimuli = models.JSONField(default=list, blank=True)  # validated by the API layer
    note = note()

    class Meta:
        verbose_name_plural = gettext_lazy("lifestyle factors")


class AboType(models.TextChoices):
    A = "A"
    B = "B"
    AB = "AB"
    O = "O"  # noqa: E741


class RhesusDType(models.TextChoices):
    NEGATIVE = "NEGATIVE", gettext_lazy("RhD negative")
    POSITIVE = "POSITIVE", gettext_lazy("RhD positive")


class ClinicalTests(SingletonResource):
    hemoglobin = models.FloatField(null=True, blank=True, validators=between(3, 25))
    hemoglobin_at_3rd_trimester = models.FloatField(null=True, blank=True, validators=between(3, 25))
    ferritin = models.FloatField(null=True, blank=True, validators=between(0, 5000))
    hbv = flag()
    hbv_core = flag()
    hiv = flag()
    syphilis = flag()
    blood_antibodies = flag()
    chlamydia = flag()
    toxoplasmosis = flag()
    rubella_antigen = flag()
    hepatitis_c = flag()
    mrsa_vre_esbl = flag()
    gonorrhea = flag()
    cytomegalo_virus = flag()
    asymptomatic_bacteriuria = flag()
    group_b_streptococci = flag()
    abo_type = models.CharField(max_length=2, choices=AboType.choices, null=True, blank=True)
    rhesus_d_type = models.CharField(max_length=10, choices=RhesusDType.choices, null=True, blank=True)
    b_hb_a1c = models.PositiveSmallIntegerField(null=True, blank=True, validators=between(10, 200))
    fasting_glucose_level = models.FloatField(null=True, blank=True, validators=between(1, 40))
    post_2h_glucose_level = models.FloatField(null=True, blank=True, validators=between(1, 40))
    glucose_test_date = models.DateField(null=True, blank=True)
    note = note()

    class Meta:
        verbose_name_plural = gettext_lazy("clinical tests")


class RhesusDNegative(SingletonResource):
    consent_fetal_rhesus_typing = flag()
    fetus_rh_d_positive_at_week_24 = flag()
    prophylaxis_at_week_28 = flag()
    date_for_result = models.DateField(null=True, blank=True)
    note = note()

    class Meta:
        verbose_name = gettext_lazy("RhD-negative pregnant woman")
        verbose_name_plural = gettext_lazy("RhD-negative pregnant women")


class VitalMeasurementsBeforePregnancy(SingletonResource):
    # Up to 300: NHN's own example record (spec/003) sends a height of 280.0, and it must be accepted.
    height = models.FloatField(null=True, blank=True, validators=between(50, 300), help_text="cm")
    pre_pregnancy_weight = models.FloatField(
        null=True, blank=True, validators=between(20, 400), help_text="kg"
    )
    bmi = models.FloatField(gettext_lazy("BMI"), null=True, blank=True, validators=between(8, 120))

    class Meta:
        verbose_name_plural = gettext_lazy("vital measurements before pregnancy")


class PointsOfContact(SingletonResource):
    gp_name = text()
    gp_organization_name = text()
    gp_organization_id = text(40)
    gp_hpr_nr = text(40)
    midwife_name = text()
    midwife_organization_name = text()
    midwife_hpr_nr = text(40)
    birth_institute = text()
    maternity_healthcare_centre = text()

    class Meta:
        verbose_name_plural = gettext_lazy("points of contact")


class BirthPlan(SingletonResource):
    """Plans and preferences for birth, written by the pregnant person herself (userType PATIENT)."""

    place_of_birth = text(500)
    birth_companions = text(500)
    pain_relief = text(1000)
    positions_and_water = text(1000)
    monitoring = text(1000)
    cord_clamping = text(500)
    skin_to_skin = text(500)
    feeding = text(500)
    photos = text(500)
    language_or_interpreter = text(500)
    other_wishes = note()
    acknowledged_at = models.DateTimeField(null=True, blank=True, editable=False)
    acknowledged_by_name = models.CharField(max_length=200, blank=True, editable=False)
