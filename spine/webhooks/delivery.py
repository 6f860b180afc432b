"""One delivery step: claim a due subscription, send its next batch, record what happened.

Claiming is `SELECT ... FOR UPDATE SKIP LOCKED` on the subscription row, held until the step's
transaction ends, so however many workers run, one subscription is worked by one of them at a time and
its batches go out one after another, in order. A worker that dies mid-step drops its connection, the
lock goes with it, and another worker takes the subscription (sending that batch again: at least once).

A batch is pinned (`pending_through`) when it is first tried, so every retry sends the same range under
the same webhook-id. The cursor moves only after the receiver answered 2xx: nothing is ever skipped.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from maternity.database.event_positions import committed_through
from maternity.reads.event_feed import events_page, visible_events

from ..models import SubscriptionState, WebhookSubscription
from .backoff import retry_delay
from .messages import signed_message
from .transport import post

log = logging.getLogger("spine.webhooks")

MAX_ERROR = 1000


@dataclass(frozen=True)
class Step:
    subscription_id: object
    sent: int  # events in the message (0: nothing to send, the cursor just moved on)
    ok: bool
    error: str = ""
    became_failing: bool = False


def deliver_next(*, now=None) -> Step | None:
    """Work one due subscription one step. None when no subscription is due (or all are taken)."""
    with transaction.atomic():
        subscription = _claim(now or timezone.now())
        if subscription is None:
            return None
        return _work(subscription)


def _claim(now) -> WebhookSubscription | None:
    """The due subscription that has waited longest, skipping rows other workers hold."""
    return (
        WebhookSubscription.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("client__care_location", "client__service_user", "client__application")
        .filter(
            state__in=[SubscriptionState.ACTIVE, SubscriptionState.FAILING],
            next_attempt_at__lte=now,
            client__active=True,
            client__care_location__active=True,
        )
        .filter(Q(pending_through__isnull=False) | Q(cursor__lt=committed_through()))
        .order_by("next_attempt_at")
        .first()
    )


def _work(subscription: WebhookSubscription) -> Step:
    client = subscription.client
    actor, types = client.actor(), client.record_filter or None  # empty filter: every type
    if subscription.pending_through is None:
        page = events_page(
            actor=actor, after=subscription.cursor, limit=settings.WEBHOOK_BATCH_SIZE, resource_types=types
        )
        events, through = page.events, page.through
    else:
        through = subscription.pending_through
        events = list(visible_events(actor, types, after=subscription.cursor, through=through))
    if not events:  # nothing this client may see: move past it without a message
        subscription.cursor, subscription.pending_through = through, None
        subscription.save(update_fields=["cursor", "pending_through", "updated_at"])
        return Step(subscription.id, sent=0, ok=True)

    subscription.pending_through = through
    now = timezone.now()
    try:
        message = signed_message(subscription, events, through=through, now=now)
    except RuntimeError as error:  # the signing secret cannot be decrypted (keys changed): retry later
        log.error("subscription %s: %s", subscription.id, error)
        subscription.last_attempt_at = now
        return _failed(subscription, len(events), now, f"Not sent: {error}")
    result = post(subscription.url, message)
    subscription.last_attempt_at = now
    if result.ok:
        return _succeeded(subscription, len(events), now)
    return _failed(subscription, len(events), now, result.error)


def _succeeded(subscription: WebhookSubscription, sent: int, now) -> Step:
    assert subscription.pending_through is not None  # the batch just sent (`_work`)
    subscription.cursor, subscription.pending_through = subscription.pending_through, None
    subscription.delivered_events += sent
    subscription.last_success_at = now
    subscription.failed_attempts = 0
    subscription.failing_since = None
    subscription.next_attempt_at = now
    if subscription.state == SubscriptionState.FAILING:
        subscription.state = SubscriptionState.ACTIVE
        log.info("subscription %s recovered: the receiver answers again", subscription.id)
    subscription.save()
    return Step(subscription.id, sent=sent, ok=True)


def _failed(subscription: WebhookSubscription, sent: int, now, error: str) -> Step:
    subscription.failed_attempts += 1
    subscription.failing_since = subscription.failing_since or now
    subscription.last_error = f"{now:%Y-%m-%d %H:%M:%S} UTC: {error}"[:MAX_ERROR]
    delay = retry_delay(subscription.failed_attempts)
    subscription.next_attempt_at = now + timedelta(seconds=delay)
    outage = now - subscription.failing_since
    became_failing = subscription.state == SubscriptionState.ACTIVE and outage >= timedelta(
        seconds=settings.WEBHOOK_FAILING_AFTER_SECONDS
    )
    if became_failing:
        subscription.state = SubscriptionState.FAILING
    subscription.save()
    return Step(subscription.id, sent=sent, ok=False, error=error, became_failing=became_failing)
