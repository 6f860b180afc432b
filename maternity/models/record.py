"""The pregnancy: root of one shared, versioned care record."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

from .care import CareLocation
from .person import Person
from .stamp import Stamped


class RecordStatus(models.TextChoices):
    ACTIVE = "ACTIVE", gettext_lazy("Active")
    DELIVERED = "DELIVERED", gettext_lazy("Delivered")
    TERMINATED = "TERMINATED", gettext_lazy("Terminated")
    ENTERED_IN_ERROR = "ENTERED_IN_ERROR", gettext_lazy("Entered in error")


class Pregnancy(Stamped):
    """The record root (`recordId`). `version` moves with changes to the root (status) only; every
    sub-resource has its own version. `revision` moves with every change anywhere (the ETag)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="pregnancies")
    status = models.CharField(max_length=20, choices=RecordStatus.choices, default=RecordStatus.ACTIVE)
    delivery_date = models.DateTimeField(null=True, blank=True)
    live_birth = models.BooleanField(null=True, blank=True)
    termination_date = models.DateTimeField(null=True, blank=True)
    agreed_edd = models.DateField(
        gettext_lazy("agreed EDD"),
        null=True,
        blank=True,
        help_text=gettext_lazy("Derived: corrected > ultrasound > LMP-based."),
    )
    created_at = models.DateTimeField()
    created_by_location = models.ForeignKey(CareLocation, on_delete=models.PROTECT, related_name="+")
    active_care_location = models.ForeignKey(
        CareLocation, on_delete=models.PROTECT, related_name="active_pregnancies"
    )
    version = models.PositiveIntegerField(default=1)
    record_last_updated = models.DateTimeField()
    revision = models.PositiveBigIntegerField(default=1)

    history = HistoricalRecords(excluded_fields=["record_last_updated", "revision"])

    class Meta:
        verbose_name_plural = gettext_lazy("pregnancies")
        permissions = [("access_pregnancy", "Is a stakeholder of the pregnancy")]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(status="ACTIVE"), name="one_active_pregnancy_per_person"
            ),
            models.CheckConstraint(
                condition=~Q(status="DELIVERED") | Q(delivery_date__isnull=False, live_birth__isnull=False),
                name="delivered_has_date_and_outcome",
            ),
            models.CheckConstraint(
                condition=~Q(status="TERMINATED") | Q(termination_date__isnull=False),
                name="terminated_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "agreed_edd"], name="pregnancy_person_edd"),
            # The caseload: a location's active records, due soonest first, a page at a time.
            models.Index(
                fields=["active_care_location", "status", "agreed_edd", "id"], name="pregnancy_caseload"
            ),
            models.Index(fields=["created_at", "id"], name="pregnancy_created"),
        ]

    def __str__(self) -> str:
        return f"Pregnancy {self.id} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status == RecordStatus.ACTIVE
