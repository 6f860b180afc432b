"""RecordEvent: one append-only row per change. No clinical data.

It indexes the history endpoint (by `sequence`, the insert order) and feeds the spine's event feed and
webhooks (by `position`, the commit order). `sequence` numbers are taken when a transaction inserts its
event, so a transaction that started earlier can commit later with a smaller number: a feed that read
"after sequence N" would skip it. `position` is given at commit instead, by a database trigger
(`maternity/database/event_positions.py`), so positions appear strictly in order and a cursor never skips one.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy


class EventAction(models.TextChoices):
    CREATED = "CREATED", gettext_lazy("Created")
    UPDATED = "UPDATED", gettext_lazy("Updated")
    ENTERED_IN_ERROR = "ENTERED_IN_ERROR", gettext_lazy("Entered in error")
    STATUS_CHANGED = "STATUS_CHANGED", gettext_lazy("Status changed")
    RESTRICTED = "RESTRICTED", gettext_lazy("Restricted")
    RESTRICTION_LIFTED = "RESTRICTION_LIFTED", gettext_lazy("Restriction lifted")


class RecordEvent(models.Model):
    sequence = models.BigAutoField(primary_key=True)
    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    record = models.ForeignKey("maternity.Pregnancy", on_delete=models.CASCADE, related_name="events")
    resource_type = models.CharField(
        max_length=40, help_text=gettext_lazy('Wire name, e.g. "mother"; "record" for the root.')
    )
    resource_id = models.UUIDField()
    version = models.PositiveIntegerField()
    action = models.CharField(max_length=20, choices=EventAction.choices)
    occurred_at = models.DateTimeField()
    user_type = models.CharField(max_length=30)
    org_nr = models.CharField(max_length=40, blank=True)
    org_name = models.CharField(max_length=200, blank=True)
    actor_name = models.CharField(max_length=200, blank=True)
    source_system = models.CharField(max_length=512, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    client_event_id = models.CharField(
        max_length=128, blank=True, help_text=gettext_lazy("The caller's nhn-event-id.")
    )
    request_id = models.CharField(max_length=64, blank=True)
    position = models.BigIntegerField(
        null=True,
        unique=True,
        editable=False,
        help_text=gettext_lazy(
            "Commit order, set by the database as the transaction commits (never by Django)."
        ),
    )
    committed_at = models.DateTimeField(
        null=True, editable=False, help_text=gettext_lazy("Set with `position`.")
    )

    class Meta:
        ordering = ["sequence"]
        indexes = [
            models.Index(fields=["record", "sequence"], name="event_record_sequence"),
            models.Index(fields=["record", "position"], name="event_record_position"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.resource_type} v{self.version}"
