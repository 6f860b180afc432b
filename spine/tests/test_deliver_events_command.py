"""`manage.py deliver_events` as operators run it: a separate process that logs its progress and, on
SIGTERM, finishes the batch in flight, records it, and exits cleanly (PostgreSQL)."""

import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from django.conf import settings
from django.db import connection

from maternity.models import RecordEvent
from spine.models import WebhookSubscription
from spine.webhooks.local_receiver import Receiver

from .test_webhook_delivery import subscribe, write_records

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker process shares the database"),
    pytest.mark.django_db(transaction=True),
]


class WorkerProcess:
    """`manage.py deliver_events` against the test database, its output collected as it comes."""

    def __init__(self):
        db = connection.settings_dict
        host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}@{host}:{port}/{db['NAME']}",
            "DJANGO_SECRET_KEY": settings.SECRET_KEY,
            "WEBHOOK_ALLOW_HTTP": "1",
            "WEBHOOK_ALLOW_PRIVATE_NETWORKS": "1",
        }
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "deliver_events", "--poll-interval", "0.1"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def stop(self, timeout: float = 20) -> int:
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout)
        finally:
            self.process.kill()
        self._reader.join(5)
        return code


def wait_until(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


def test_sigterm_finishes_the_batch_in_flight_then_exits_cleanly(client_a, location_a):
    with Receiver(delay=1.5) as receiver:  # slow, so the signal arrives while a batch is being sent
        subscription = subscribe(receiver, client_a.client, "/a")
        expected = write_records(location_a, 2)
        worker = WorkerProcess()
        wait_until(lambda: receiver.in_flight("/a") == 1)
        assert worker.stop() == 0, worker.output
    output = worker.output
    assert "SIGTERM received, finishing the batch in flight" in output
    assert f"sent {len(expected)} events to subscription {subscription.id}" in output
    assert f"stopped: {len(expected)} events sent" in output
    assert receiver.event_ids("/a") == expected  # the batch arrived once
    done = WebhookSubscription.objects.get(pk=subscription.pk)
    assert done.cursor >= RecordEvent.objects.latest("position").position  # and was recorded as sent
    assert done.pending_through is None


def test_a_running_worker_wakes_when_events_commit(client_a, location_a):
    with Receiver() as receiver:
        subscribe(receiver, client_a.client, "/a")
        worker = WorkerProcess()
        wait_until(lambda: " started" in worker.output)  # and now idle, waiting
        expected = write_records(location_a, 1)
        assert receiver.wait_for(len(expected), path="/a", timeout=10) == expected
        assert worker.stop() == 0, worker.output
