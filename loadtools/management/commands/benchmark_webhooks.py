"""Webhook delivery throughput and commit-to-receipt latency, with 1 and 2 delivery workers.

For each worker count: synthetic Care Locations each with a client system subscribed to a local receiver
(127.0.0.1, signatures verified with the standardwebhooks library); `deliver_events` worker processes;
writer threads committing N record changes as fast as they can. Prints events delivered per second (from
the first write to the last receipt) and the latency from each event's commit to its receipt (median,
p95, p99). PostgreSQL only. Everything it makes is removed afterwards.
"""

import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from django.test.utils import override_settings

from loadtools.receiver_process import ReceiverProcess
from loadtools.synthetic import free_nins, remove_location
from maternity import services
from maternity.actors import Actor
from maternity.models import Mother, RecordEvent, UserType
from maternity.rules.identifiers import parse_national_id
from spine.services import (
    spine_client_create,
    subscription_create,
    subscription_pause,
    subscription_resume,
)


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


class Command(BaseCommand):
    help = "Measure webhook delivery: events/s and commit-to-receipt latency with 1 and 2 workers."

    def add_arguments(self, parser):
        parser.add_argument("--changes", type=int, default=1000, help="Record changes to write per run.")
        parser.add_argument("--workers", default="1,2", help="Worker counts to measure (default 1,2).")
        parser.add_argument("--subscriptions", type=int, default=4, help="Subscribing client systems.")
        parser.add_argument("--writers", type=int, default=4, help="Threads writing changes.")
        parser.add_argument("--batch-size", type=int, default=100, help="Events per webhook message.")

    def handle(self, *args, changes, workers, subscriptions, writers, batch_size, **options):
        if connection.vendor != "postgresql":
            raise CommandError("This benchmark needs PostgreSQL (set DATABASE_URL).")
        counts = [int(count) for count in workers.split(",")]
        self.stdout.write(
            f"Database: PostgreSQL {connection.settings_dict['NAME']}; {changes} changes by {writers} "
            f"writers to {subscriptions} subscriptions, batches of up to {batch_size}"
        )
        for count in counts:
            self._run(count, changes=changes, subscriptions=subscriptions, writers=writers, batch=batch_size)

    def _run(self, worker_count: int, *, changes: int, subscriptions: int, writers: int, batch: int):
        run = uuid.uuid4().hex[:6]
        locations = [
            services.care_location_create(name=f"Bench {run} {i} (synthetic)", org_nr=f"BW-{run}-{i}")
            for i in range(subscriptions)
        ]
        processes, receiver = [], ReceiverProcess()
        try:
            records = self._records(locations, per_location=writers)
            subscribed = []
            with override_settings(WEBHOOK_ALLOW_HTTP=True, WEBHOOK_ALLOW_PRIVATE_NETWORKS=True):
                for location in locations:
                    client = spine_client_create(care_location=location, name="Bench client").client
                    new = subscription_create(client=client, url=receiver.url(f"/{location.pk}"))
                    receiver.secrets[f"/{location.pk}"] = new.secret
                    subscribed.append(new.subscription)
            receiver.start()
            processes = [self._start_worker(batch) for _ in range(worker_count)]
            time.sleep(3)  # the workers start (Django) and wait for events
            self.stdout.write(f"\n{worker_count} worker{'s' if worker_count > 1 else ''}")

            # Live: workers deliver while the writers commit. Latency is commit to receipt.
            started = time.time()
            self._write(records, changes=changes, writers=writers)
            written = time.time()
            live = self._events_since(records, started)
            receiver.wait_for(len(live), timeout=max(120.0, changes / 10))
            self._report("live", receiver, live, started, written)

            # Backlog: the same number of changes wait (subscriptions paused), then all are released at
            # once; this is the rate at which the workers catch up after an outage.
            for subscription in subscribed:
                subscription_pause(subscription=subscription)
            before = time.time()
            self._write(records, changes=changes, writers=writers)
            backlog = self._events_since(records, before)
            released = time.time()
            for subscription in subscribed:
                subscription_resume(subscription=subscription)
            receiver.wait_for(len(live) + len(backlog), timeout=max(120.0, changes / 10))
            self._report("backlog", receiver, backlog, released, None)
        finally:
            receiver.stop()
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(30)
            for location in locations:
                remove_location(location)

    def _records(self, locations, *, per_location: int):
        """Records to change: `per_location` for each location, one per writer, so writers do not queue
        on one record's lock (that would measure lock waits, not delivery)."""
        nins = iter(free_nins(len(locations) * per_location))
        by_writer: list[list[tuple[uuid.UUID, Actor]]] = [[] for _ in range(per_location)]
        for location in locations:
            actor = _actor(location)
            for writer in range(per_location):
                national_id = parse_national_id(next(nins))
                record = services.record_create(
                    national_id=national_id, actor=actor, resources={"mother": {"name": "A"}}
                )
                by_writer[writer].append((record.pk, actor))
        return by_writer

    def _write(self, records, *, changes: int, writers: int):
        def write(mine, count):
            try:
                for n in range(count):
                    record_id, actor = mine[n % len(mine)]
                    version = Mother.objects.values_list("version", flat=True).get(record_id=record_id)
                    services.resource_update(
                        record_id=record_id,
                        resource_type="mother",
                        version=version,
                        data={"name": f"Change {n}"},
                        actor=actor,
                    )
            finally:
                connections.close_all()

        share = [changes // writers + (1 if i < changes % writers else 0) for i in range(writers)]
        threads = [threading.Thread(target=write, args=(records[i], share[i])) for i in range(writers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def _start_worker(self, batch: int) -> subprocess.Popen:
        db = connection.settings_dict
        env = {
            **os.environ,
            "DATABASE_URL": (
                f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
            ),
            "DJANGO_SECRET_KEY": settings.SECRET_KEY,
            "WEBHOOK_ALLOW_HTTP": "1",
            "WEBHOOK_ALLOW_PRIVATE_NETWORKS": "1",
            "WEBHOOK_BATCH_SIZE": str(batch),
            "DJANGO_LOG_LEVEL": "WARNING",
        }
        process = subprocess.Popen(
            [sys.executable, "manage.py", "deliver_events", "--poll-interval", "0.5"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return process

    def _events_since(self, records, moment: float) -> dict[str, datetime]:
        record_ids = [record_id for mine in records for record_id, _ in mine]
        events = RecordEvent.objects.filter(record__in=record_ids, committed_at__gte=_aware(moment))
        rows = events.values_list("event_id", "committed_at")
        return {str(event_id): at for event_id, at in rows if at is not None}  # (each is: committed since)

    def _report(self, phase: str, receiver: ReceiverProcess, events: dict, started: float, written):
        received: dict[str, float] = {}
        messages = 0
        for arrival in receiver.accepted():
            mine = [event["eventId"] for event in arrival.events if event["eventId"] in events]
            messages += bool(mine)
            for event_id in mine:
                received.setdefault(event_id, arrival.received_at)
        latencies = [(received[event_id] - at.timestamp()) * 1000 for event_id, at in events.items()]
        finished = max(received.values())
        resent = len(receiver.arrivals) - len(receiver.accepted())
        lines = [f"  {phase}: {len(events)} events in {messages} messages ({resent} resent so far)"]
        if written is not None:
            lines.append(f"    written    {len(events) / (written - started):8.0f} events/s (commits)")
        what = "first write to last receipt" if written is not None else "release to last receipt"
        lines.append(f"    delivered  {len(events) / (finished - started):8.0f} events/s ({what})")
        if written is not None:  # (after a pause, time since commit measures the pause)
            lines.append(
                f"    commit to receipt: median {statistics.median(latencies):.1f} ms, "
                f"p95 {percentile(latencies, 0.95):.1f} ms, p99 {percentile(latencies, 0.99):.1f} ms"
            )
        self.stdout.write("\n".join(lines))


def _actor(location) -> Actor:
    professional = UserType.HEALTH_CARE_PROFESSIONAL
    return Actor(user_type=professional, care_location=location, name="Bench", source_system="bench")


def _aware(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)
