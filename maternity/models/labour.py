"""Labour and birth for the whole pregnancy (an extension to NHN's record, which keeps one `births` item
per baby): how labour began and went, its stages, blood loss, perineal trauma, analgesia, and for each
baby (by its `births` item's id) what NHN's birth has no place for: resuscitation and feeding. Written
with the births and the status change in one step (`maternity.services.delivery`)."""

from django.db import models
from django.utils.translation import gettext_lazy

from .base import SingletonResource
from .validators import between


class LabourOnset(models.TextChoices):
    SPONTANEOUS = "SPONTANEOUS", gettext_lazy("Spontaneous")
    INDUCED = "INDUCED", gettext_lazy("Induced")
    NO_LABOUR = "NO_LABOUR", gettext_lazy("No labour (caesarean before labour)")


class PerinealTrauma(models.TextChoices):
    INTACT = "INTACT", gettext_lazy("Intact")
    FIRST_DEGREE = "FIRST_DEGREE", gettext_lazy("First-degree tear")
    SECOND_DEGREE = "SECOND_DEGREE", gettext_lazy("Second-degree tear")
    THIRD_DEGREE = "THIRD_DEGREE", gettext_lazy("Third-degree tear")
    FOURTH_DEGREE = "FOURTH_DEGREE", gettext_lazy("Fourth-degree tear")
    EPISIOTOMY = "EPISIOTOMY", gettext_lazy("Episiotomy")
    NOT_APPLICABLE = "NOT_APPLICABLE", gettext_lazy("Not applicable (caesarean)")


class Analgesia(models.TextChoices):
    NONE = "NONE", gettext_lazy("None")
    WATER = "WATER", gettext_lazy("Water")
    TENS = "TENS", "TENS"
    NITROUS_OXIDE = "NITROUS_OXIDE", gettext_lazy("Nitrous oxide (gas and air)")
    OPIOID = "OPIOID", gettext_lazy("Opioid")
    EPIDURAL = "EPIDURAL", gettext_lazy("Epidural")
    SPINAL = "SPINAL", gettext_lazy("Spinal")
    PUDENDAL = "PUDENDAL", gettext_lazy("Pudendal or local block")
    GENERAL = "GENERAL", gettext_lazy("General anaesthetic")


class Feeding(models.TextChoices):
    BREAST = "BREAST", gettext_lazy("Breast milk only")
    MIXED = "MIXED", gettext_lazy("Breast milk and formula")
    FORMULA = "FORMULA", gettext_lazy("Formula only")


class Labour(SingletonResource):
    onset = models.CharField(max_length=15, choices=LabourOnset.choices, null=True, blank=True)
    induction_reason = models.CharField(max_length=200, null=True, blank=True)
    augmentation = models.BooleanField(null=True, blank=True)
    first_stage_minutes = models.PositiveIntegerField(null=True, blank=True, validators=between(0, 4320))
    second_stage_minutes = models.PositiveIntegerField(null=True, blank=True, validators=between(0, 1440))
    third_stage_minutes = models.PositiveIntegerField(null=True, blank=True, validators=between(0, 1440))
    blood_loss_ml = models.PositiveIntegerField(null=True, blank=True, validators=between(0, 20000))
    perineal_trauma = models.CharField(max_length=15, choices=PerinealTrauma.choices, null=True, blank=True)
    analgesia = models.JSONField(default=list, blank=True)  # Analgesia codes; validated by the API layer
    # [{"birthId": "<births item id>", "resuscitation": bool | None, "feeding": Feeding | None}]
    newborns = models.JSONField(default=list, blank=True)  # validated by the API layer
    note = models.TextField(null=True, blank=True, max_length=4000)
