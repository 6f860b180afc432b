"""Webhook subscriptions: register (the signing secret is returned once), pause, resume, redeliver from a
cursor, delete. Each change locks the row first, so it waits for a batch in flight to finish instead of
racing the delivery worker."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maternity.database.event_positions import committed_through
from maternity.errors import Invalid, NotAllowed
from maternity.rules.wording import worded

from ..models import SpineClient, SubscriptionState, WebhookSubscription
from ..webhooks.signing_keys import new_signing_secret, seal
from ..webhooks.targets import receiver_url_check

MAX_DESCRIPTION = 200


@dataclass(frozen=True)
class NewSubscription:
    subscription: WebhookSubscription
    secret: str  # whsec_...: shown once, then only kept encrypted


@transaction.atomic
def subscription_create(
    *, client: SpineClient, url: object, description: object = "", after: int | None = None
) -> NewSubscription:
    """A new subscription that delivers the events after position `after` (default: from now on)."""
    url = receiver_url_check(url)
    if not isinstance(description, str) or len(description) > MAX_DESCRIPTION:
        message = worded(_("description must be text of at most %(max)s characters."), max=MAX_DESCRIPTION)
        raise Invalid(message, field="description")
    SpineClient.objects.select_for_update().filter(pk=client.pk).first()  # one count-then-create at a time
    if client.subscriptions.count() >= settings.WEBHOOK_MAX_PER_CLIENT:
        limit = settings.WEBHOOK_MAX_PER_CLIENT
        raise NotAllowed(
            worded(
                _("A client system may have at most %(limit)s subscriptions: delete one first."), limit=limit
            )
        )
    secret = new_signing_secret()
    subscription = WebhookSubscription.objects.create(
        client=client,
        url=url,
        description=description.strip(),
        sealed_secret=seal(secret),
        cursor=committed_through() if after is None else after,
    )
    return NewSubscription(subscription=subscription, secret=secret)


@transaction.atomic
def subscription_pause(*, subscription: WebhookSubscription) -> WebhookSubscription:
    """Nothing is sent while paused; events wait and are sent in order after resume."""
    subscription = _locked(subscription)
    subscription.state = SubscriptionState.PAUSED
    subscription.save(update_fields=["state", "updated_at"])
    return subscription


@transaction.atomic
def subscription_resume(*, subscription: WebhookSubscription) -> WebhookSubscription:
    """Active again, tried at once with the retry delay reset (also for a failing subscription)."""
    subscription = _locked(subscription)
    subscription.state = SubscriptionState.ACTIVE
    subscription.next_attempt_at = timezone.now()
    subscription.failed_attempts = 0
    subscription.save(update_fields=["state", "next_attempt_at", "failed_attempts", "updated_at"])
    return subscription


@transaction.atomic
def subscription_redeliver(*, subscription: WebhookSubscription, after: int) -> WebhookSubscription:
    """Send again every event after position `after`. The messages get new webhook-ids (a new epoch), so
    a receiver that deduplicates on webhook-id takes them; each event keeps its eventId."""
    if after < 0:
        raise Invalid(_("The position to redeliver from cannot be negative."), field="after")
    subscription = _locked(subscription)
    subscription.cursor = min(after, committed_through())
    subscription.pending_through = None
    subscription.epoch += 1
    subscription.next_attempt_at = timezone.now()
    subscription.failed_attempts = 0
    subscription.save()
    return subscription


@transaction.atomic
def subscription_delete(*, subscription: WebhookSubscription) -> None:
    _locked(subscription).delete()


def _locked(subscription: WebhookSubscription) -> WebhookSubscription:
    return WebhookSubscription.objects.select_for_update().select_related("client").get(pk=subscription.pk)
