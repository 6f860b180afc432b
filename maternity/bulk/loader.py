"""Loading synthetic pregnancies in chunks: each chunk is built in Python and copied in one transaction,
so a chunk is all there or not at all, and two worker processes overlap building with copying.

Triggers are off while a chunk copies (`session_replication_role = replica`, which needs a superuser):
the rows are consistent by construction, so the foreign-key checks would only slow the load, the
events get their commit positions here, reserved from the same counter the commit trigger uses, and the
audit entries are linked into the audit trail's hash chains here, as its insert trigger would link them
(bulk/audit_links.py). Meant
for a database nobody else is writing to at the time (a benchmark or staging database).
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection, transaction

from maternity.database.event_positions import COUNTER_TABLE

from .audit_links import link_and_copy
from .pregnancies import Location, PregnancyWriter, make_tables

# Parents first, then what points at them (the order does not matter with triggers off, but reads well).
COPY_ORDER = (
    "person",
    "person_history",
    "record",
    "record_history",
    "grant",
    "carelocationepisode",
    "mother",
    "currentpregnancy",
    "previouspregnancies",
    "medicalconditions",
    "clinicaltests",
    "vitalmeasurementsbeforepregnancy",
    "rhesusdnegative",
    "antenatalappointment",
    "symphysisfundalheight",
    "birth",
    "note",
)
SECOND_PREGNANCY_SHARE = 1 / 8


@dataclass(frozen=True)
class Chunk:
    number: int
    size: int
    first_person_id: int
    national_ids: list[tuple[str, date]]  # (national ID, date of birth), at least `size` of them
    seed: int


@dataclass(frozen=True)
class Setup:
    locations: list[Location]
    permission_id: int
    now: datetime


def load_chunk(setup: Setup, chunk: Chunk) -> dict[str, int]:
    """Build and copy one chunk of pregnancies. Returns rows copied per table."""
    rng = random.Random(chunk.seed)
    tables = make_tables()
    writer = PregnancyWriter(tables, setup.locations, setup.permission_id, now=setup.now)
    writer.start_chunk()
    made, person = 0, 0
    while made < chunk.size:
        nin, born = chunk.national_ids[person]
        person_id = chunk.first_person_id + person
        person += 1
        if made + 1 < chunk.size and rng.random() < SECOND_PREGNANCY_SHARE:
            writer.add(rng, person_id=person_id, nin=nin, born=born, new_person=True, earlier=True)
            writer.add(rng, person_id=person_id, nin=nin, born=born, new_person=False, earlier=False)
            made += 2
        else:
            writer.add(rng, person_id=person_id, nin=nin, born=born, new_person=True, earlier=False)
            made += 1
    writer.write_current_rows()
    copied = {}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        for name in COPY_ORDER + tuple(sorted(set(tables) - set(COPY_ORDER) - {"event", "feed", "audit"})):
            copied[name] = tables[name].copy_to(cursor)
        # The audit trail's heads next (locked to the commit), then the event counter: in that order in
        # every worker, so two never wait for each other's.
        copied["audit"] = link_and_copy(cursor, writer.audit_entries, tables["audit"])
        # Positions last, so the counter row is locked only for the events' own copy and the commit.
        count = len(writer.events)
        cursor.execute(
            f"UPDATE {COUNTER_TABLE} SET position = position + %s WHERE id = 1 RETURNING position", [count]
        )
        last = cursor.fetchone()[0]
        writer.write_events(last - count)
        copied["event"] = tables["event"].copy_to(cursor)
        copied["feed"] = tables["feed"].copy_to(cursor)
    return copied


def reserve_person_ids(count: int) -> int:
    """The first of `count` consecutive Person ids that no insert through Django will take."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence('maternity_person', 'id')")
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(%s)", [sequence])
        first = cursor.fetchone()[0]
        cursor.execute("SELECT setval(%s, %s)", [sequence, first + count])
    return first


def months_covered(now: datetime) -> tuple:
    """The span of audit times the generator writes: earlier pregnancies go back about three years."""
    return (now - timedelta(days=1200)).date(), (now + timedelta(days=62)).date()
