"""Compare every record's stored document with one built afresh from the rows; repair on request.

    manage.py verify_documents [--repair] [--batch 500] [--workers 2]

Walks the records by id in batches (each batch: one read of the stored documents, one build of the batch,
whatever the database's size), prints progress, and lists the records whose document is missing, behind
the record's revision or different. Exits 1 when any is found (after repairing them, with --repair: run it
again to see a clean pass). Safe beside live traffic: a repair never writes over a newer document.

With --workers N (PostgreSQL) N processes walk their own ranges of the record ids side by side: building
documents is Python's work, so a million records fill in about half the time on two cores.
"""

import multiprocessing
import time
from functools import partial

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from maternity.management import document_workers
from maternity.models import Pregnancy
from maternity.reads.documents import documents_compare, record_id_ranges, record_ids_in_batches

RANGES_PER_WORKER = 64  # small enough that progress moves, and that no worker is left with the long tail


class Command(BaseCommand):
    help = "Verify (and with --repair, rebuild) the stored record documents against the rows."

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="Rewrite each document that differs.")
        parser.add_argument("--batch", type=int, default=500, help="Records per batch (default 500).")
        parser.add_argument("--show", type=int, default=20, help="How many differing record ids to list.")
        parser.add_argument(
            "--workers", type=int, default=1, help="Processes walking ranges side by side (PostgreSQL)."
        )

    def handle(self, *args, repair, batch, show, workers, **options):
        if batch < 1 or workers < 1:
            raise CommandError("--batch and --workers must be at least 1.")
        if workers > 1 and connection.vendor != "postgresql":
            raise CommandError("--workers needs PostgreSQL; SQLite takes one writer at a time.")
        total = Pregnancy.objects.count()
        started = time.monotonic()
        checked, counts, shown = 0, {"missing": 0, "behind": 0, "different": 0}, 0
        for done, problems in self._results(batch, repair, workers):
            for record_id, problem in problems.items():
                counts[problem] += 1
                if shown < show:
                    self.stdout.write(f"  {record_id}: {problem}")
                    shown += 1
            checked += done
            seconds = time.monotonic() - started
            self.stderr.write(
                f"\r{checked:,} of {total:,} records checked in {seconds:.0f} s "
                f"({checked / max(seconds, 1e-9):,.0f}/s)",
                ending="",
            )
        self.stderr.write("")
        found = sum(counts.values())
        seconds = time.monotonic() - started
        verb = "repaired" if repair else "found"
        self.stdout.write(
            f"{checked:,} records checked in {seconds:.1f} s: {counts['missing']:,} missing, "
            f"{counts['behind']:,} behind, {counts['different']:,} different"
            + (f" ({verb})" if found else "; every document matches its rows")
        )
        if found:
            raise SystemExit(1)

    @staticmethod
    def _results(batch: int, repair: bool, workers: int):
        """(records checked, problems) as the walk goes: per batch in this process, per range with workers."""
        if workers == 1:
            for ids in record_ids_in_batches(batch):
                yield len(ids), documents_compare(ids, repair=repair)
            return
        check = partial(document_workers.check_range, batch=batch, repair=repair)
        database = {"NAME": connection.settings_dict["NAME"]}  # under the tests: their test database
        spawn = multiprocessing.get_context("spawn")
        with spawn.Pool(workers, initializer=document_workers.setup, initargs=(database,)) as pool:
            yield from pool.imap_unordered(check, record_id_ranges(workers * RANGES_PER_WORKER))
