"""Fill a PostgreSQL database with realistic synthetic pregnancies for scale tests and benchmarks.

    manage.py generate_records --pregnancies 1000000 [--locations 100] [--workers 2] [--chunk 2000]

Adds to what is there (run it again to grow). See maternity/bulk/ for the shape of the data.
"""

import argparse
import multiprocessing
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from django.utils import timezone

from maternity.bulk.deferred_indexes import build_indexes, drop_secondary_indexes
from maternity.bulk.loader import Chunk, Setup, load_chunk, months_covered, reserve_person_ids
from maternity.bulk.people import free_national_ids
from maternity.bulk.pregnancies import Location, make_tables
from maternity.database import caseload_sizes
from maternity.models import CareLocation, CareLocationKind
from maternity.reads.access import ACCESS_CODENAME
from maternity.services import care_location_create, practitioner_create

_setup: Setup | None = None


class Command(BaseCommand):
    help = "Generate synthetic pregnancies with their history, events, grants and audit trail (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--pregnancies", type=int, required=True)
        parser.add_argument(
            "--locations", type=int, default=100, help="Synthetic Care Locations to spread over."
        )
        parser.add_argument(
            "--workers", type=int, default=2, help="Processes building and copying chunks; 0: in this one."
        )
        parser.add_argument("--chunk", type=int, default=2000, help="Pregnancies per transaction.")
        parser.add_argument(
            "--defer-indexes",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="Drop secondary indexes for the load, build them after (default: from 50,000 pregnancies).",
        )
        parser.add_argument("--seed", type=int, default=None, help="Same seed, same data (on the same day).")

    def handle(self, *args, pregnancies, locations, workers, chunk, seed, defer_indexes, **options):
        if connection.vendor != "postgresql":
            raise CommandError("generate_records needs PostgreSQL (it loads with COPY).")
        if pregnancies < 1 or locations < 1 or workers < 0 or chunk < 2:
            raise CommandError("--pregnancies and --locations must be at least 1, --workers 0, --chunk 2.")
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if not cursor.fetchone()[0]:
                raise CommandError(
                    "generate_records needs a superuser connection (it copies with triggers off)."
                )

        started = time.monotonic()
        now = timezone.now()
        setup = Setup(locations=self._locations(locations), permission_id=self._permission_id(), now=now)
        self._ensure_audit_partitions(now)
        national_ids = list(free_national_ids(pregnancies))
        first_person = reserve_person_ids(pregnancies)
        base_seed = seed if seed is not None else int(now.timestamp())
        chunks = [
            Chunk(
                number=n,
                size=min(chunk, pregnancies - start),
                first_person_id=first_person + start,
                national_ids=national_ids[start : start + chunk],
                seed=base_seed * 100_003 + n,
            )
            for n, start in enumerate(range(0, pregnancies, chunk))
        ]
        self.stdout.write(
            f"Generating {pregnancies:,} pregnancies over {locations} Care Locations in {len(chunks)} chunks "
            f"with {workers} worker(s); set up in {time.monotonic() - started:.1f} s."
        )
        if defer_indexes is None:
            defer_indexes = pregnancies >= 50_000
        deferred = []
        if defer_indexes:
            deferred = drop_secondary_indexes([table.name for table in make_tables().values()])
            self.stdout.write(
                f"Dropped {len(deferred)} secondary indexes for the load; if it is killed, build them:"
            )
            for _, definition in deferred:
                self.stdout.write(f"  {definition};")
        try:
            totals = self._load(setup, chunks, workers, pregnancies, started)
        finally:
            if deferred:
                connections.close_all()
                built = time.monotonic()
                build_indexes(deferred, progress=lambda name: self.stdout.write(f"  building {name}"))
                self.stdout.write(f"Built {len(deferred)} indexes in {time.monotonic() - built:.0f} s.")
        caseload_sizes.recount()  # the copy ran with triggers off
        self.stdout.write("Vacuuming and analysing the tables...")
        with connection.cursor() as cursor:
            # VACUUM sets the visibility map (index-only scans) and hint bits, as autovacuum would have done
            # by now in a live database; it cannot run inside a transaction (the tests), ANALYZE can.
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            size = cursor.fetchone()[0]
        elapsed = time.monotonic() - started
        rows = sum(totals.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Done: {pregnancies:,} pregnancies, {rows:,} rows in {elapsed:.0f} s "
                f"({pregnancies / elapsed:,.0f} pregnancies/s, {rows / elapsed:,.0f} rows/s); "
                f"database {size}."
            )
        )
        for name, count in sorted(totals.items(), key=lambda item: -item[1]):
            self.stdout.write(f"  {name:<34} {count:>12,}")

    def _load(self, setup: Setup, chunks: list[Chunk], workers: int, total: int, started: float) -> dict:
        totals: dict[str, int] = {}
        done = 0
        for chunk_size, copied in self._results(setup, chunks, workers):
            done += chunk_size
            for name, count in copied.items():
                totals[name] = totals.get(name, 0) + count
            elapsed = time.monotonic() - started
            eta = elapsed / done * (total - done)
            self.stdout.write(
                f"  {done:>10,} / {total:,} pregnancies  {sum(totals.values()):>13,} rows  "
                f"{elapsed:7.0f} s elapsed  ~{eta:5.0f} s to go"
            )
            self.stdout.flush()
        return totals

    @staticmethod
    def _results(setup: Setup, chunks: list[Chunk], workers: int):
        if workers == 0:
            for chunk in chunks:
                yield chunk.size, load_chunk(setup, chunk)
            return
        connections.close_all()  # the workers open their own
        context = multiprocessing.get_context("fork")
        with context.Pool(workers, initializer=_init_worker, initargs=(setup,)) as pool:
            yield from pool.imap_unordered(_load_one, chunks)

    def _locations(self, count: int) -> list[Location]:
        """The synthetic Care Locations SYN-001..SYN-<count>, each with one midwife, made when missing."""
        found = []
        users = get_user_model().objects
        for n in range(1, count + 1):
            org_nr = f"SYN-{n:04d}"
            location = CareLocation.objects.filter(org_nr=org_nr).first()
            username = f"syn-midwife-{n:04d}"
            if location is None:
                location = care_location_create(
                    name=f"Synthetic Maternity Unit {n}", org_nr=org_nr, kind=CareLocationKind.HOSPITAL_WARD
                )
            user = users.filter(username=username).first() or practitioner_create(
                username=username,
                display_name=f"Midwife Synthetic{n}",
                care_locations=[location],
                hpr_nr=f"{9_000_000 + n}",
            )
            found.append(
                Location(
                    id=location.pk,
                    group_id=location.group_id,
                    org_nr=org_nr,
                    name=location.name,
                    user_id=user.pk,
                    username=username,
                    midwife=f"Midwife Synthetic{n}",
                    hpr_nr=f"{9_000_000 + n}",
                )
            )
        return found

    @staticmethod
    def _permission_id() -> int:
        return Permission.objects.get(codename=ACCESS_CODENAME, content_type__app_label="maternity").pk

    def _ensure_audit_partitions(self, now) -> None:
        try:
            from maternity.database.audit_partitions import ensure_months
        except ImportError:  # the audit table is not partitioned
            return
        first, last = months_covered(now)
        ensure_months(first, last)


def _init_worker(setup: Setup) -> None:
    global _setup
    _setup = setup


def _load_one(chunk: Chunk) -> tuple[int, dict[str, int]]:
    if _setup is None:
        raise RuntimeError("The worker has no setup: the pool starts it with _init_worker.")
    return chunk.size, load_chunk(_setup, chunk)
