"""Care Locations and the practitioners who work at them."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from simple_history.models import HistoricalRecords

if TYPE_CHECKING:
    from datetime import datetime

    from django.contrib.auth.models import User


class CareLocationKind(models.TextChoices):
    HOSPITAL_WARD = "HOSPITAL_WARD", "Hospital maternity ward"
    MIDWIFE_LED_UNIT = "MIDWIFE_LED_UNIT", "Midwife-led unit"
    COMMUNITY_TEAM = "COMMUNITY_TEAM", "Community midwifery team"
    GP_PRACTICE = "GP_PRACTICE", "GP practice"
    HEALTH_CENTRE = "HEALTH_CENTRE", "Maternity health centre"
    OTHER = "OTHER", "Other"


class CareLocation(models.Model):
    """A place that cares for pregnant people. Its staff and client systems are members of `group`. Every
    change to its details (name, organisation number, kind, active) is a version with who and when; who
    administers it is not (the admin's own log keeps that)."""

    name = models.CharField(max_length=200)
    org_nr = models.CharField("organisation number", max_length=40, unique=True)
    kind = models.CharField(max_length=30, choices=CareLocationKind.choices, default=CareLocationKind.OTHER)
    active = models.BooleanField(default=True)
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="care_location")
    admins = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="administered_locations",
        help_text="Care Location admins: manage this location in the admin.",
    )

    history = HistoricalRecords()

    if TYPE_CHECKING:  # set on an instance before a save, for django-simple-history's history row
        _history_user: User | None
        _history_date: datetime
        _change_reason: str

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.org_nr})"


class Practitioner(models.Model):
    """The professional identity of a user: HPR (or other professional register) number and role."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practitioner"
    )
    hpr_nr = models.CharField("professional number", max_length=40, blank=True, db_index=True)
    role_code = models.CharField(
        max_length=10, blank=True, help_text="HPR role, e.g. JO (midwife), LE (doctor)"
    )
    display_name = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.display_name
