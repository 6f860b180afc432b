"""Events appear in commit order: never before their transaction commits, and never skipped when a
transaction that took an earlier sequence number commits later (PostgreSQL, real concurrent commits)."""

import random
import threading
import time

import pytest
from django.db import connection, connections, transaction

from conftest import new_nin
from maternity import services
from maternity.actors import Actor
from maternity.models import Mother, RecordEvent, UserType
from maternity.reads.event_feed import events_page
from maternity.rules.identifiers import parse_national_id

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent PostgreSQL transactions"),
    pytest.mark.django_db(transaction=True),
]


def actor_at(location) -> Actor:
    return Actor(user_type=UserType.HEALTH_CARE_PROFESSIONAL, care_location=location, name="Kari Jordmor")


def rename(record_id, actor: Actor, name: str) -> None:
    mother = Mother.objects.get(record_id=record_id)
    services.resource_update(
        record_id=record_id, resource_type="mother", version=mother.version, data={"name": name}, actor=actor
    )


def new_record(actor: Actor):
    return services.record_create(
        national_id=parse_national_id(new_nin()), actor=actor, resources={"mother": {"name": "Start"}}
    )


class HeldOpen(threading.Thread):
    """Writes a change in its own transaction and keeps the transaction open until released."""

    def __init__(self, record_id, actor):
        super().__init__(daemon=True)
        self.record_id, self.actor = record_id, actor
        self.written, self.release = threading.Event(), threading.Event()

    def run(self):
        try:
            with transaction.atomic():
                rename(self.record_id, self.actor, "Written first, committed last")
                self.written.set()
                self.release.wait(30)
        finally:
            connections.close_all()


def test_an_event_that_commits_late_is_not_skipped_and_not_shown_before_it_commits(location_a):
    actor = actor_at(location_a)
    slow_record, fast_record = new_record(actor), new_record(actor)
    cursor = events_page(actor=actor, after=0, limit=1000).through

    slow = HeldOpen(slow_record.pk, actor)
    slow.start()
    assert slow.written.wait(10)
    rename(fast_record.pk, actor, "Written second, committed first")  # commits at once

    page = events_page(actor=actor, after=cursor, limit=1000)
    assert [e.record_id for e in page.events] == [fast_record.pk]  # the open transaction's event: not yet

    slow.release.set()
    slow.join(10)
    later = events_page(actor=actor, after=page.through, limit=1000)
    assert [e.record_id for e in later.events] == [slow_record.pk]  # not skipped

    slow_event, fast_event = later.events[0], page.events[0]
    assert slow_event.sequence < fast_event.sequence  # it took its number first...
    assert slow_event.position > fast_event.position  # ...and is delivered in the order it committed


def test_a_poller_sees_every_event_of_many_concurrent_writers_exactly_once(location_a):
    """Twelve writers commit at random moments while a poller keeps reading with its cursor."""
    actor = actor_at(location_a)
    records = [new_record(actor) for _ in range(12)]
    cursor = events_page(actor=actor, after=0, limit=1000).through
    done, seen = threading.Event(), []

    def write(record_id, seed: int):
        rng = random.Random(seed)
        try:
            for change in range(5):
                with transaction.atomic():
                    rename(record_id, actor, f"Change {change}")
                    time.sleep(rng.uniform(0, 0.03))  # commit later than writers that started after
        finally:
            connections.close_all()

    def poll():
        nonlocal cursor
        try:
            while True:
                finished = done.is_set()
                page = events_page(actor=actor, after=cursor, limit=7)
                seen.extend(e.event_id for e in page.events)
                cursor = page.through
                if finished and not page.more:
                    return
        finally:
            connections.close_all()

    writers = [threading.Thread(target=write, args=(r.pk, i)) for i, r in enumerate(records)]
    poller = threading.Thread(target=poll)
    poller.start()
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(60)
    done.set()
    poller.join(60)

    written = list(
        RecordEvent.objects.filter(record__in=records, resource_type="mother", action="UPDATED").order_by(
            "position"
        )
    )
    assert len(written) == 60
    assert seen == [e.event_id for e in written]  # every one, once, in commit order
    sequences = [e.sequence for e in written]
    assert sequences != sorted(sequences)  # commits really did come out of sequence order
