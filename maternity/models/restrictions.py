"""Restricted entries (issue 23): parts of a record that only the location that restricted them sees.

A `Restriction` hides one entry of a record (a list item, or a whole singleton) from the record's other
stakeholders, from the restricting location's client systems unless their filter names its category, and,
where the professional chooses, from the pregnant person's portal. Lifting it (when, by whom) is how it is
undone; every change is a version with who and when (simple-history). Written only by
`maternity/services/restrictions.py`, through the write gate, so the record's revision moves and the
stored document's restrictions (`RecordDocument.restrictions`) follow in the same transaction.

A `RestrictedOpening` is the logged emergency override: a professional of another stakeholder location
opened one restricted entry, giving a reason; it lets her see it until `until`, and is kept.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

from .audit import BreakGlassReason
from .stamp import Stamped


class RestrictionCategory(models.TextChoices):
    EARLIER_TERMINATION = "EARLIER_TERMINATION", gettext_lazy("Earlier termination of pregnancy")
    MENTAL_HEALTH = "MENTAL_HEALTH", gettext_lazy("Mental health")
    SAFEGUARDING = "SAFEGUARDING", gettext_lazy("Safeguarding")
    OTHER = "OTHER", gettext_lazy("Other sensitive information")


class Restriction(Stamped):
    """One restricted entry. `resource_id` is the list item's id; null for a singleton (the restriction
    covers the singleton whatever its versions). The stamp (`updated_by_*`, `last_updated`) says who made
    this version: the restriction, then its lifting."""

    record = models.ForeignKey("maternity.Pregnancy", on_delete=models.CASCADE, related_name="restrictions")
    resource_type = models.CharField(max_length=40, help_text=gettext_lazy("Wire name, e.g. medication."))
    resource_id = models.UUIDField(null=True, blank=True, help_text=gettext_lazy("Null for a singleton."))
    category = models.CharField(max_length=30, choices=RestrictionCategory.choices)
    hidden_from_patient = models.BooleanField(
        gettext_lazy("hidden from the pregnant person"),
        default=False,
        help_text=gettext_lazy("The professional's choice: absent from her portal while restricted."),
    )
    care_location = models.ForeignKey(
        "maternity.CareLocation",
        on_delete=models.PROTECT,
        related_name="restrictions",
        help_text=gettext_lazy(
            "The restricting Care Location: its staff see the entry, and only it lifts it."
        ),
    )
    restricted_at = models.DateTimeField()
    restricted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    restricted_by_name = models.CharField(max_length=200, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lifted_by_name = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["restricted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record", "resource_type", "resource_id"],
                condition=Q(lifted_at__isnull=True, resource_id__isnull=False),
                name="restriction_one_per_item",
            ),
            models.UniqueConstraint(
                fields=["record", "resource_type"],
                condition=Q(lifted_at__isnull=True, resource_id__isnull=True),
                name="restriction_one_per_singleton",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource_type} {self.resource_id or ''} restricted ({self.category})".replace(
            "  ", " "
        )

    @property
    def lifted(self) -> bool:
        return self.lifted_at is not None


class RestrictedOpening(models.Model):
    """A professional of another stakeholder location opened one restricted entry with a reason (the
    logged emergency override). She sees it until `until` (setting RESTRICTED_OPENING_MINUTES)."""

    restriction = models.ForeignKey(Restriction, on_delete=models.CASCADE, related_name="openings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    name = models.CharField(max_length=200, blank=True)
    care_location = models.ForeignKey(
        "maternity.CareLocation", on_delete=models.PROTECT, related_name="+", null=True
    )
    reason_code = models.CharField(max_length=40, choices=BreakGlassReason.choices)
    reason = models.TextField()
    opened_at = models.DateTimeField()
    until = models.DateTimeField()
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["user", "until"], name="opening_user_until")]

    def __str__(self) -> str:
        return f"Opening of {self.restriction_id} until {self.until:%Y-%m-%d %H:%M}"
