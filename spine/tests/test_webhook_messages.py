"""A webhook message as a receiver sees it: Standard Webhooks headers, a signature the library verifies,
an id that stays the same on retries and changes on redelivery; and how retry delays grow."""

import random
from datetime import UTC, datetime

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from maternity.models import RecordEvent
from spine.event_cursors import position_from
from spine.services import subscription_create, subscription_redeliver
from spine.webhooks.backoff import retry_delay
from spine.webhooks.messages import signed_message

from .helpers import commit_positions
from .test_event_feed import actor_at, new_record


@pytest.fixture
def subscribed(client_a):
    return subscription_create(client=client_a.client, url="http://127.0.0.1:9/hook")


@pytest.mark.django_db
def test_a_message_is_signed_so_the_standard_library_verifies_it(subscribed, location_a):
    new_record(actor_at(location_a), mother={"name": "Åse"})
    commit_positions()
    events = list(RecordEvent.objects.order_by("position"))
    now = datetime.now(UTC)
    message = signed_message(subscribed.subscription, events, through=events[-1].position, now=now)

    payload = Webhook(subscribed.secret).verify(message.body, message.headers)
    assert payload["type"] == "record.changed"
    assert [e["eventId"] for e in payload["data"]["events"]] == [str(e.event_id) for e in events]
    assert payload["data"]["subscriptionId"] == str(subscribed.subscription.id)
    assert position_from(subscribed.subscription.client, payload["data"]["cursor"]) == events[-1].position
    assert message.headers["webhook-timestamp"] == str(int(now.timestamp()))
    with pytest.raises(WebhookVerificationError):
        Webhook(subscribed.secret).verify(message.body.replace("record.changed", "x"), message.headers)


@pytest.mark.django_db
def test_the_webhook_id_is_the_same_for_a_retry_and_new_for_a_redelivery(subscribed, location_a):
    new_record(actor_at(location_a))
    events = list(RecordEvent.objects.order_by("position"))
    subscription, through = subscribed.subscription, events[-1].position
    first = signed_message(subscription, events, through=through, now=datetime.now(UTC))
    retry = signed_message(subscription, events, through=through, now=datetime.now(UTC))
    assert retry.id == first.id == first.headers["webhook-id"]
    redelivered = subscription_redeliver(subscription=subscription, after=subscription.cursor)
    assert signed_message(redelivered, events, through=through, now=datetime.now(UTC)).id != first.id


def test_retry_delays_double_with_jitter_up_to_the_cap(settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS, settings.WEBHOOK_RETRY_MAX_SECONDS = 5, 3600
    rng = random.Random(7)
    for failures, ceiling in [(1, 5), (2, 10), (3, 20), (8, 640), (11, 3600), (500, 3600)]:
        delays = [retry_delay(failures, rng=rng) for _ in range(200)]
        assert all(ceiling / 2 <= delay <= ceiling for delay in delays)
        assert len({round(delay, 6) for delay in delays}) > 150  # spread out, not all at once
