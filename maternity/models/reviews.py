"""The access review queue (Normen: self-authorised access is reviewed afterwards).

One `AccessReview` per access a Care Location admin must look at afterwards:
- a break glass by her location's staff or client systems (written by the find, in its transaction);
- a restricted entry of her location's opened by someone else with a reason (written when it is opened);
- unusual access found afterwards: a find by keys with no care episode following it, or many finds by one
  person in a day (the thresholds are settings; `maternity/services/reviews.py` finds them).

`care_location` is whose queue it is in: the finder's location for a break glass, the restricting location
for a restricted entry opened. Who accessed is kept as references and as text snapshots, as in the audit
trail. She marks it reviewed with an outcome and a comment; every change is a version (who and when).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

from .audit import BreakGlassReason


class ReviewKind(models.TextChoices):
    BREAK_GLASS = "BREAK_GLASS", gettext_lazy("Break glass")
    RESTRICTED_OPENED = "RESTRICTED_OPENED", gettext_lazy("Restricted entry opened")
    FIND_WITHOUT_CARE = "FIND_WITHOUT_CARE", gettext_lazy("Found by keys, no care followed")
    MANY_FINDS = "MANY_FINDS", gettext_lazy("Many finds in one day")


class ReviewOutcome(models.TextChoices):
    JUSTIFIED = "JUSTIFIED", gettext_lazy("Justified")
    FOLLOW_UP = "FOLLOW_UP", gettext_lazy("Needs follow-up")
    NOT_JUSTIFIED = "NOT_JUSTIFIED", gettext_lazy("Not justified")


class AccessReview(models.Model):
    kind = models.CharField(max_length=20, choices=ReviewKind.choices)
    care_location = models.ForeignKey(
        "maternity.CareLocation",
        on_delete=models.PROTECT,
        related_name="access_reviews",
        help_text=gettext_lazy("Whose review queue it is in."),
    )
    occurred_at = models.DateTimeField(default=timezone.now)
    record = models.ForeignKey(
        "maternity.Pregnancy",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="access_reviews",
    )
    # Who accessed: references for filtering, snapshots that outlive them.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True)
    acting_user_name = models.CharField(max_length=200, blank=True)
    accessor_location = models.ForeignKey(
        "maternity.CareLocation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=gettext_lazy("The Care Location the person or client system acted for."),
    )
    accessor_org_name = models.CharField(max_length=200, blank=True)
    client_id = models.CharField(max_length=100, blank=True)
    reason_code = models.CharField(max_length=40, blank=True, choices=BreakGlassReason.choices)
    reason = models.TextField(blank=True)
    detail = models.TextField(blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    # What makes a found item one item however often the finding runs ("find-without-care:<entry id>",
    # "many-finds:<user id>:<date>"); blank for the ones written as they happen.
    key = models.CharField(max_length=100, blank=True)
    finds = models.PositiveIntegerField(
        null=True, blank=True, help_text=gettext_lazy("How many finds and look-ups (many finds in one day).")
    )

    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=20, blank=True, choices=ReviewOutcome.choices)
    comment = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            # A location's queue: the open ones first, newest first.
            models.Index(fields=["care_location", "reviewed_at", "occurred_at"], name="review_location_open"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["care_location", "key"], condition=~models.Q(key=""), name="review_found_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d %H:%M}"

    @property
    def reviewed(self) -> bool:
        return self.reviewed_at is not None
