"""Webhook subscriptions: a client system's URL, and a server-side cursor over its event feed.

A subscription is the event feed (`maternity.reads.event_feed`) read for the client by a delivery worker
(`manage.py deliver_events`) and posted to its URL, signed per Standard Webhooks. Only the delivery
service and the subscription services change these rows.
"""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy

from .clients import SpineClient


class SubscriptionState(models.TextChoices):
    ACTIVE = "ACTIVE", gettext_lazy("Active")
    PAUSED = "PAUSED", gettext_lazy("Paused")  # by the client or an admin: nothing is sent, events wait
    FAILING = (
        "FAILING",
        gettext_lazy("Failing"),
    )  # the receiver has been failing for longer than the outage limit


class WebhookSubscription(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(SpineClient, on_delete=models.CASCADE, related_name="subscriptions")
    url = models.URLField(max_length=2000)
    description = models.CharField(max_length=200, blank=True)
    sealed_secret = models.TextField(
        editable=False,
        help_text=gettext_lazy(
            "The whsec_ signing secret, encrypted (spine/webhooks/signing_keys.py). Shown once."
        ),
    )
    state = models.CharField(
        max_length=10, choices=SubscriptionState.choices, default=SubscriptionState.ACTIVE
    )

    cursor = models.BigIntegerField(
        default=0, help_text=gettext_lazy("Delivered through this event position.")
    )
    pending_through = models.BigIntegerField(
        null=True,
        blank=True,
        help_text=gettext_lazy("The batch being delivered ends here: retried as it is, same id."),
    )
    epoch = models.PositiveIntegerField(
        default=0,
        help_text=gettext_lazy("Counts redeliveries, so a redelivered message has a new webhook-id."),
    )

    next_attempt_at = models.DateTimeField(default=timezone.now)
    failed_attempts = models.PositiveIntegerField(default=0, help_text=gettext_lazy("Failures in a row."))
    failing_since = models.DateTimeField(
        null=True, blank=True, help_text=gettext_lazy("First failure of this outage.")
    )
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    delivered_events = models.BigIntegerField(default=0)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="subscription_due")]

    def __str__(self) -> str:
        return f"{self.client.name} → {self.url}"
