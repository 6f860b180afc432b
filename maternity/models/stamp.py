"""Who made a version: the NHN `lastUpdatedBy` block plus the source system, as columns.

Every versioned model carries these columns, so every historical row says who made that version even
after the user account is gone.
"""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from datetime import datetime

    from django.contrib.auth.models import User


class UserType(models.TextChoices):
    HEALTH_CARE_PROFESSIONAL = "HEALTH_CARE_PROFESSIONAL", gettext_lazy("Health care professional")
    PATIENT = "PATIENT", gettext_lazy("Patient")
    SYSTEM = "SYSTEM", gettext_lazy("System")


class Stamped(models.Model):
    last_updated = models.DateTimeField()
    updated_by_user_type = models.CharField(max_length=30, choices=UserType.choices)
    updated_by_org_nr = models.CharField(max_length=40, blank=True)
    updated_by_org_name = models.CharField(max_length=200, blank=True)
    updated_by_hpr_nr = models.CharField(max_length=40, blank=True)
    updated_by_hpr_role = models.CharField(max_length=10, blank=True)
    updated_by_name = models.CharField(max_length=200, blank=True)
    updated_by_source_system = models.CharField(max_length=512, blank=True)
    updated_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    if TYPE_CHECKING:  # set on an instance before a save, for django-simple-history's history row
        _history_user: User | None
        _history_date: datetime
        _change_reason: str

    class Meta:
        abstract = True
