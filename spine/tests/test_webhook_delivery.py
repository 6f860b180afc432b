"""Webhook delivery to a real HTTP receiver on 127.0.0.1 that verifies every signature with the
standardwebhooks library: order, batches, retries, outages, exactly-once per event id, and one worker at a
time per subscription (PostgreSQL: real commits, real row locks, workers in threads)."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from conftest import new_nin
from maternity import services
from maternity.actors import Actor
from maternity.models import RecordEvent, UserType
from maternity.rules.identifiers import parse_national_id
from spine.models import SubscriptionState, WebhookSubscription
from spine.services import (
    subscription_create,
    subscription_pause,
    subscription_redeliver,
    subscription_resume,
)
from spine.webhooks.delivery import deliver_next
from spine.webhooks.local_receiver import Receiver
from spine.webhooks.worker import Worker

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL commits and row locks"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def quick_retries(settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 0.05
    settings.WEBHOOK_RETRY_MAX_SECONDS = 0.2
    settings.WEBHOOK_BATCH_SIZE = 5
    settings.WEBHOOK_TIMEOUT_SECONDS = 2


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


def subscribe(receiver: Receiver, client, path: str) -> WebhookSubscription:
    new = subscription_create(client=client, url=receiver.url(path))
    receiver.expect(path, new.secret)
    return new.subscription


def write_records(location, count: int) -> list[str]:
    """`count` new records with a mother each; the event ids they made, in commit order."""
    actor = Actor(user_type=UserType.HEALTH_CARE_PROFESSIONAL, care_location=location, name="Kari Jordmor")
    records = [
        services.record_create(
            national_id=parse_national_id(new_nin()), actor=actor, resources={"mother": {"name": f"P{i}"}}
        )
        for i in range(count)
    ]
    events = RecordEvent.objects.filter(record__in=records).order_by("position")
    return [str(event_id) for event_id in events.values_list("event_id", flat=True)]


def deliver_until_idle() -> Worker:
    worker = Worker(name="test", poll_interval=0.02)
    worker.run(max_idle=0.3)
    return worker


class Background:
    """Workers running in threads until stopped."""

    def __init__(self, count: int = 1):
        self.workers = [Worker(name=f"worker-{i}", poll_interval=0.02) for i in range(count)]
        self.threads = [threading.Thread(target=self._run, args=(w,), daemon=True) for w in self.workers]

    def _run(self, worker: Worker):
        try:
            worker.run()
        finally:
            connections.close_all()

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        for worker in self.workers:
            worker.stop()
        for thread in self.threads:
            thread.join(10)


def test_a_subscriber_receives_every_event_signed_in_order_in_batches(receiver, client_a, location_a):
    subscription = subscribe(receiver, client_a.client, "/a")
    expected = write_records(location_a, 4)
    deliver_until_idle()

    assert receiver.refused == []  # every signature verified
    assert receiver.event_ids("/a") == expected
    assert all(1 <= len(arrival.events) <= 5 for arrival in receiver.arrivals)
    assert len(receiver.arrivals) == len({a.webhook_id for a in receiver.arrivals})  # no repeats
    subscription.refresh_from_db()
    assert subscription.delivered_events == len(expected)
    assert subscription.last_success_at is not None
    assert subscription.pending_through is None


def test_a_subscription_made_now_gets_only_later_events(receiver, client_a, location_a):
    write_records(location_a, 2)
    subscribe(receiver, client_a.client, "/a")
    later = write_records(location_a, 1)
    deliver_until_idle()
    assert receiver.event_ids("/a") == later


def test_a_non_stakeholders_subscription_receives_nothing_about_the_record(
    receiver, client_a, client_b, location_a
):
    subscribe(receiver, client_a.client, "/a")
    theirs = subscribe(receiver, client_b.client, "/b")
    expected = write_records(location_a, 2)
    deliver_until_idle()
    assert receiver.event_ids("/a") == expected
    assert [a for a in receiver.arrivals if a.path == "/b"] == []
    theirs.refresh_from_db()
    assert theirs.cursor >= RecordEvent.objects.latest("position").position  # moved past, sent nothing


def test_a_receiver_down_for_a_while_gets_everything_exactly_once_when_back(receiver, client_a, location_a):
    subscription = subscribe(receiver, client_a.client, "/a")
    receiver.down()
    expected = write_records(location_a, 3)
    with Background():
        _wait(lambda: WebhookSubscription.objects.get(pk=subscription.pk).failed_attempts >= 3)
        failing = WebhookSubscription.objects.get(pk=subscription.pk)
        assert "Could not connect" in failing.last_error
        assert failing.cursor == subscription.cursor  # nothing skipped while it was down
        receiver.up()
        received = receiver.wait_for(len(expected), path="/a")
    assert received == expected  # each event once, in order
    assert len(receiver.arrivals) == len({a.webhook_id for a in receiver.arrivals})
    recovered = WebhookSubscription.objects.get(pk=subscription.pk)
    assert (recovered.failed_attempts, recovered.failing_since) == (0, None)


def test_a_lost_acknowledgement_is_resent_under_the_same_webhook_id(receiver, client_a, location_a):
    subscribe(receiver, client_a.client, "/a")
    receiver.fail_after_processing = 1  # processes the first message, then answers 500
    expected = write_records(location_a, 1)
    deliver_until_idle()
    first, again = receiver.arrivals[0], receiver.arrivals[1]
    assert again.webhook_id == first.webhook_id and again.duplicate
    assert [e["eventId"] for e in again.events] == [e["eventId"] for e in first.events]
    assert receiver.event_ids("/a") == expected  # a receiver deduplicating on webhook-id: exactly once


def test_retries_wait_longer_each_time_with_jitter(receiver, client_a, location_a, settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS, settings.WEBHOOK_RETRY_MAX_SECONDS = 1, 1000
    subscription = subscribe(receiver, client_a.client, "/a")
    receiver.status = 503
    write_records(location_a, 1)
    delays = []
    for attempt in range(1, 6):
        step = deliver_next(now=timezone.now() + timedelta(days=1))  # do not wait for the retry
        assert not step.ok and "HTTP 503" in step.error
        subscription.refresh_from_db()
        assert subscription.failed_attempts == attempt
        delays.append((subscription.next_attempt_at - subscription.last_attempt_at).total_seconds())
    for attempt, delay in enumerate(delays, start=1):
        ceiling = 2 ** (attempt - 1)
        assert ceiling / 2 <= delay <= ceiling
    assert receiver.arrivals == []  # a 503 is not accepted


def test_after_the_allowed_outage_a_subscription_is_failing_and_recovers_by_itself(
    receiver, client_a, location_a, settings
):
    settings.WEBHOOK_FAILING_AFTER_SECONDS = 0.2
    subscription = subscribe(receiver, client_a.client, "/a")
    receiver.status = 500
    expected = write_records(location_a, 2)
    later = timezone.now() + timedelta(days=1)
    deliver_next(now=later)
    assert WebhookSubscription.objects.get(pk=subscription.pk).state == SubscriptionState.ACTIVE
    time.sleep(0.25)
    step = deliver_next(now=later)
    assert step.became_failing
    failing = WebhookSubscription.objects.get(pk=subscription.pk)
    assert failing.state == SubscriptionState.FAILING
    assert "HTTP 500" in failing.last_error

    receiver.status = 200
    WebhookSubscription.objects.filter(pk=subscription.pk).update(next_attempt_at=timezone.now())
    deliver_until_idle()
    assert WebhookSubscription.objects.get(pk=subscription.pk).state == SubscriptionState.ACTIVE
    assert receiver.event_ids("/a") == expected


def test_two_workers_never_deliver_one_subscriptions_batch_at_the_same_time(
    receiver, client_a, client_c, location_a, location_c
):
    receiver.delay = 0.03
    subscribe(receiver, client_a.client, "/a")
    subscribe(receiver, client_c.client, "/c")
    expected_a = write_records(location_a, 8)
    expected_c = write_records(location_c, 8)
    with Background(count=2) as workers:
        receiver.wait_for(len(expected_a), path="/a")
        receiver.wait_for(len(expected_c), path="/c")
    assert receiver.max_in_flight == {"/a": 1, "/c": 1}  # one batch of a subscription at a time
    assert len(receiver.arrivals) == len({a.webhook_id for a in receiver.arrivals})  # none sent twice
    assert receiver.event_ids("/a") == expected_a and receiver.event_ids("/c") == expected_c
    assert sum(worker.sent for worker in workers.workers) == len(expected_a) + len(expected_c)


def test_a_paused_subscription_waits_and_then_gets_everything_in_order(receiver, client_a, location_a):
    subscription = subscribe(receiver, client_a.client, "/a")
    subscription_pause(subscription=subscription)
    expected = write_records(location_a, 2)
    deliver_until_idle()
    assert receiver.arrivals == []
    subscription_resume(subscription=subscription)
    deliver_until_idle()
    assert receiver.event_ids("/a") == expected


def test_redelivery_sends_the_events_again_under_new_webhook_ids(receiver, client_a, location_a):
    subscription = subscribe(receiver, client_a.client, "/a")
    start = subscription.cursor
    expected = write_records(location_a, 1)
    deliver_until_idle()
    first_ids = {a.webhook_id for a in receiver.arrivals}
    subscription_redeliver(subscription=subscription, after=start)
    deliver_until_idle()
    again = [a for a in receiver.arrivals if a.webhook_id not in first_ids]
    assert [e["eventId"] for a in again for e in a.events] == expected
    assert not any(a.duplicate for a in again)


def test_a_deactivated_client_gets_nothing(receiver, client_a, location_a):
    subscribe(receiver, client_a.client, "/a")
    client_a.client.active = False
    client_a.client.save()
    write_records(location_a, 1)
    deliver_until_idle()
    assert receiver.arrivals == []


def test_a_receiver_that_now_resolves_to_a_private_address_is_not_called(
    receiver, client_a, location_a, settings
):
    subscription = subscribe(receiver, client_a.client, "/a")
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    write_records(location_a, 1)
    step = deliver_next()
    assert not step.ok and "not a public address" in step.error
    assert receiver.arrivals == []
    assert WebhookSubscription.objects.get(pk=subscription.pk).cursor == subscription.cursor


def test_a_redirect_is_a_failure_not_followed(receiver, client_a, location_a):
    subscribe(receiver, client_a.client, "/a")
    receiver.status = 302
    write_records(location_a, 1)
    step = deliver_next()
    assert not step.ok and step.error.startswith("HTTP 302")


def _wait(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


def test_a_secret_that_cannot_be_decrypted_is_a_failure_retried_later_not_a_crash(
    receiver, client_a, location_a, settings
):
    subscription = subscribe(receiver, client_a.client, "/a")
    settings.WEBHOOK_SECRET_KEYS = ["a-new-key-without-the-old-one"]
    write_records(location_a, 1)
    step = deliver_next()
    assert not step.ok and "cannot be decrypted" in step.error
    assert receiver.arrivals == []
    failed = WebhookSubscription.objects.get(pk=subscription.pk)
    assert failed.failed_attempts == 1 and failed.next_attempt_at > failed.last_attempt_at
