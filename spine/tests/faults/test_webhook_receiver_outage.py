"""A webhook receiver down for ten minutes gets everything afterwards: exactly once, in commit order, soon.

The real pieces: `manage.py deliver_events` as a process, changes written through gunicorn all the while,
and the tests' receiver (signatures verified, deduplicated on webhook-id). The receiver first refuses
connections, then answers 503, for FAULT_RECEIVER_DOWN_SECONDS in all (default 600; shorten it while
developing). Retries are capped at WEBHOOK_RETRY_MAX_SECONDS=30 in the worker's environment, so once the
receiver is back the backlog must arrive within that cap plus a minute.
"""

import os
import random
import threading
import time

import pytest
from django.utils import timezone

from loadtools.client import ApiClient, token_fetch
from loadtools.scenarios import SINGLETONS, LoadClient
from loadtools.stats import Stats
from maternity.models import RecordEvent
from spine.models import SubscriptionState, WebhookSubscription
from spine.services import spine_client_create, subscription_create
from spine.tests.test_deliver_events_command import WorkerProcess, wait_until
from spine.webhooks.local_receiver import Receiver

pytestmark = [pytest.mark.faults, pytest.mark.postgres]

OUTAGE_SECONDS = float(os.environ.get("FAULT_RECEIVER_DOWN_SECONDS", 600))
RETRY_MAX_SECONDS = 30
PATHS = ("/a", "/b")


class Writers:
    """Client systems writing changes through gunicorn, a few a second, until stopped."""

    def __init__(self, base_url: str, token: str, records, count: int = 2, pause: float = 0.5):
        self.stats, self.pause, self._stop = Stats(), pause, threading.Event()
        self.clients = [
            LoadClient(api=ApiClient(base_url, token), records=records, name=f"w{i}", rng=random.Random(i))
            for i in range(count)
        ]
        self.threads = [threading.Thread(target=self._run, args=(c,), daemon=True) for c in self.clients]

    def _run(self, client: LoadClient) -> None:
        stats = Stats()
        while not self._stop.is_set():
            record = client.rng.choice(client.records)
            if client.rng.random() < 0.7:
                client.put(stats, record, client.rng.choice(SINGLETONS))
            else:
                client.post_appointment(stats, record)
            self._stop.wait(self.pause)
        self.stats.merge(stats)
        client.close()

    def __enter__(self) -> "Writers":
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for thread in self.threads:
            thread.join(30)


def subscriptions() -> list[WebhookSubscription]:
    return list(WebhookSubscription.objects.order_by("url"))


def test_a_receiver_down_for_ten_minutes_gets_every_event_exactly_once_in_order(
    gunicorn, load_data, monkeypatch
):
    monkeypatch.setenv("WEBHOOK_RETRY_BASE_SECONDS", "2")
    monkeypatch.setenv("WEBHOOK_RETRY_MAX_SECONDS", str(RETRY_MAX_SECONDS))
    monkeypatch.setenv("WEBHOOK_TIMEOUT_SECONDS", "5")
    token = token_fetch(gunicorn.url, load_data.client_id, load_data.client_secret)
    with Receiver() as receiver:
        for path in PATHS:  # two client systems of the location, each with its own subscription
            client = spine_client_create(care_location=load_data.location, name=f"Subscriber {path}").client
            new = subscription_create(client=client, url=receiver.url(path))
            receiver.expect(path, new.secret)
        start = {s.url: s.cursor for s in subscriptions()}
        worker = WorkerProcess()
        try:
            with Writers(gunicorn.url, token, load_data.records) as writers:
                wait_until(lambda: len(receiver.event_ids("/a")) >= 3, timeout=60)  # delivering while up

                receiver.down()  # connection refused for the first half of the outage
                outage_began = timezone.now()
                outage_ends = time.monotonic() + OUTAGE_SECONDS
                time.sleep(OUTAGE_SECONDS / 2)
                receiver.status = 503
                receiver.up()  # then up but answering 503
                time.sleep(max(0.0, outage_ends - time.monotonic()))
                during = subscriptions()
                receiver.status = 200
                back = time.monotonic()
                written_during = RecordEvent.objects.filter(committed_at__gte=outage_began).count()
            written = writers.stats

            expected = {
                url: [
                    str(event_id)
                    for event_id in RecordEvent.objects.filter(position__gt=cursor)
                    .order_by("position")
                    .values_list("event_id", flat=True)
                ]
                for url, cursor in start.items()
            }
            for subscription in subscriptions():
                path = "/" + subscription.url.rsplit("/", 1)[1]
                received = receiver.wait_for(
                    len(expected[subscription.url]), path=path, timeout=RETRY_MAX_SECONDS + 60
                )
                assert received == expected[subscription.url]  # each event once, in commit order
            caught_up = time.monotonic() - back
        finally:
            code = worker.stop()

    assert code == 0, worker.output
    assert written.server_errors() == 0 and written.count("put_resource") > 0, written.errors
    assert written_during > OUTAGE_SECONDS / 2  # changes kept coming all through the outage
    for subscription in during:  # it was retrying, and failing, with the receiver's own errors
        assert subscription.failed_attempts > 0
        assert "Could not connect" in subscription.last_error or "HTTP 503" in subscription.last_error
    assert not [reason for reason in receiver.refused if reason.startswith("signature")]
    print(  # shown with -s: the figures docs/performance.md quotes
        f"\nreceiver down {OUTAGE_SECONDS:.0f} s; {written_during} changes written meanwhile; "
        f"{len(receiver.refused)} deliveries answered 503, then {len(receiver.arrivals)} messages accepted; "
        f"every event of {len(PATHS)} subscriptions arrived {caught_up:.1f} s after the receiver came back"
    )
    assert caught_up < RETRY_MAX_SECONDS + 60
    for subscription in subscriptions():
        assert subscription.state == SubscriptionState.ACTIVE
        assert (subscription.failed_attempts, subscription.failing_since) == (0, None)
