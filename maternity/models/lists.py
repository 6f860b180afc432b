"""The list resources of a record: appointments, SFH measurements, births, care episodes, notes."""

from django.db import models
from django.utils.translation import gettext_lazy

from .base import ListResource
from .care import CareLocation
from .validators import between, blood_pressure


class ProteinInUrine(models.TextChoices):
    NEG = "Neg", gettext_lazy("Negative")
    TRACE = "Spor", gettext_lazy("Trace")
    ONE = "1+"
    TWO = "2+"
    THREE = "3+"


class AntenatalAppointment(ListResource):
    appointment_date = models.DateField()
    pregnancy_week = models.PositiveSmallIntegerField(null=True, blank=True, validators=between(1, 45))
    days_after_full_pregnancy_week = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=between(0, 6)
    )
    mother_weight = models.FloatField(null=True, blank=True, validators=between(20, 400), help_text="kg")
    blood_pressure = models.CharField(max_length=7, null=True, blank=True, validators=[blood_pressure])
    protein_in_urine_test_result = models.CharField(
        max_length=4, choices=ProteinInUrine.choices, null=True, blank=True
    )
    edema = models.PositiveSmallIntegerField(null=True, blank=True, validators=between(0, 3))
    fetuses_vital_signs = models.JSONField(default=list, blank=True)  # validated by the API layer
    medication = models.BooleanField(null=True, blank=True)
    employment_rate = models.PositiveSmallIntegerField(null=True, blank=True, validators=between(0, 100))
    note = models.TextField(null=True, blank=True, max_length=4000)
    # Derived from blood_pressure on save, so reports and flags can query it.
    systolic_derived = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    diastolic_derived = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["appointment_date", "last_updated"]
        indexes = [models.Index(fields=["record", "appointment_date"], name="appointment_record_date")]

    def save(self, *args, **kwargs):
        systolic, _, diastolic = (self.blood_pressure or "").partition("/")
        self.systolic_derived = int(systolic) if systolic.isdigit() else None
        self.diastolic_derived = int(diastolic) if diastolic.isdigit() else None
        super().save(*args, **kwargs)


class SymphysisFundalHeight(ListResource):
    pregnancy_week = models.PositiveSmallIntegerField(null=True, blank=True, validators=between(1, 45))
    measurement = models.PositiveSmallIntegerField(validators=between(5, 60), help_text="cm")
    measurement_date = models.DateField()

    class Meta:
        ordering = ["measurement_date", "last_updated"]
        indexes = [models.Index(fields=["record", "measurement_date"], name="sfh_record_date")]


class BabySex(models.TextChoices):
    FEMALE = "FEMALE", gettext_lazy("Female")
    MALE = "MALE", gettext_lazy("Male")
    INDETERMINATE = "INDETERMINATE", gettext_lazy("Indeterminate")
    UNKNOWN = "UNKNOWN", gettext_lazy("Not known")


class ModeOfBirth(models.TextChoices):
    SPONTANEOUS_VAGINAL = "SPONTANEOUS_VAGINAL", gettext_lazy("Spontaneous vaginal")
    VENTOUSE = "VENTOUSE", gettext_lazy("Ventouse")
    FORCEPS = "FORCEPS", gettext_lazy("Forceps")
    VAGINAL_BREECH = "VAGINAL_BREECH", gettext_lazy("Vaginal breech")
    ELECTIVE_CAESAREAN = "ELECTIVE_CAESAREAN", gettext_lazy("Elective caesarean")
    EMERGENCY_CAESAREAN = "EMERGENCY_CAESAREAN", gettext_lazy("Emergency caesarean")


class Birth(ListResource):
    """Single baby birth details."""

    birth_time = models.DateTimeField()
    sex = models.CharField(max_length=15, choices=BabySex.choices, null=True, blank=True)
    birth_weight = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=between(100, 7000), help_text="g"
    )
    gestation_weeks = models.PositiveSmallIntegerField(null=True, blank=True, validators=between(12, 45))
    gestation_days = models.PositiveSmallIntegerField(null=True, blank=True, validators=between(0, 6))
    live_birth = models.BooleanField(null=True, blank=True)
    mode_of_birth = models.CharField(max_length=25, choices=ModeOfBirth.choices, null=True, blank=True)
    apgar_1_minute = models.PositiveSmallIntegerField(null=True, blank=True, validators=between(0, 10))
    apgar_5_minutes = models.PositiveSmallIntegerField(null=True, blank=True, validators=between(0, 10))
    apgar_10_minutes = models.PositiveSmallIntegerField(null=True, blank=True, validators=between(0, 10))
    note = models.TextField(null=True, blank=True, max_length=4000)

    class Meta:
        ordering = ["birth_time", "last_updated"]


class CareLocationEpisode(ListResource):
    """An episode of active care at a Care Location. The latest start time is the active one."""

    care_location = models.ForeignKey(CareLocation, on_delete=models.PROTECT, related_name="+")
    start_time = models.DateTimeField()

    class Meta:
        ordering = ["start_time", "last_updated"]


class NoteKind(models.TextChoices):
    RECORD_CREATED = "RECORD_CREATED", gettext_lazy("Record created")
    CARE_PULLED = "CARE_PULLED", gettext_lazy("Active care pulled")
    BREAK_GLASS = "BREAK_GLASS", gettext_lazy("Found by pregnancy keys (break glass)")
    STATUS_CHANGED = "STATUS_CHANGED", gettext_lazy("Status changed")


class Note(ListResource):
    """A system note: written by the services when something happens to the record, never by clients."""

    kind = models.CharField(max_length=20, choices=NoteKind.choices)
    text = models.TextField(max_length=4000)

    class Meta:
        ordering = ["last_updated"]
