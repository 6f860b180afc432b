"""Postnatal visits after the birth, until discharge (an extension to NHN's record): the mother's (blood
pressure, bleeding, wound, mood by the Edinburgh Postnatal Depression Scale) and each baby's (weight,
feeding, jaundice), the baby named by its `births` item's id. Scores and flags are computed by
`maternity.rules.postnatal`."""

from django.db import models
from django.utils.translation import gettext_lazy

from .base import ListResource
from .labour import Feeding
from .validators import between, blood_pressure


class Bleeding(models.TextChoices):
    AS_EXPECTED = "AS_EXPECTED", gettext_lazy("As expected")
    HEAVY = "HEAVY", gettext_lazy("Heavier than expected")
    OFFENSIVE = "OFFENSIVE", gettext_lazy("Offensive or with clots")


class Wound(models.TextChoices):
    NONE = "NONE", gettext_lazy("No wound")
    HEALING = "HEALING", gettext_lazy("Healing well")
    INFLAMED = "INFLAMED", gettext_lazy("Red or inflamed")
    INFECTED = "INFECTED", gettext_lazy("Signs of infection")
    BREAKDOWN = "BREAKDOWN", gettext_lazy("Wound breakdown")


class Jaundice(models.TextChoices):
    NONE = "NONE", gettext_lazy("None")
    VISIBLE = "VISIBLE", gettext_lazy("Visible")
    TREATED = "TREATED", gettext_lazy("Needs or has treatment")


class PostnatalMotherVisit(ListResource):
    visit_date = models.DateField()
    blood_pressure = models.CharField(max_length=7, null=True, blank=True, validators=[blood_pressure])
    bleeding = models.CharField(max_length=15, choices=Bleeding.choices, null=True, blank=True)
    wound = models.CharField(max_length=15, choices=Wound.choices, null=True, blank=True)
    # the ten EPDS answers, each scored 0-3 in the order of the questionnaire; [] when not asked
    epds_answers = models.JSONField(default=list, blank=True)  # validated by the API layer
    discharged = models.BooleanField(null=True, blank=True)  # discharged from postnatal care at this visit
    note = models.TextField(null=True, blank=True, max_length=4000)

    class Meta:
        ordering = ["visit_date", "last_updated"]
        indexes = [models.Index(fields=["record", "visit_date"], name="pn_mother_record_date")]


class PostnatalBabyVisit(ListResource):
    visit_date = models.DateField()
    birth_id = models.UUIDField()  # the baby: its `births` item
    weight = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=between(300, 8000), help_text="g"
    )
    feeding = models.CharField(max_length=10, choices=Feeding.choices, null=True, blank=True)
    jaundice = models.CharField(max_length=10, choices=Jaundice.choices, null=True, blank=True)
    discharged = models.BooleanField(null=True, blank=True)
    note = models.TextField(null=True, blank=True, max_length=4000)

    class Meta:
        ordering = ["visit_date", "last_updated"]
        indexes = [models.Index(fields=["record", "visit_date"], name="pn_baby_record_date")]
