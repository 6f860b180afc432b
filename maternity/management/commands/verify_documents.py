"""Compare every record's stored document with one built afresh from the rows; repair on request.

    manage.py verify_documents [--repair] [--batch 500]

Walks the records by id in batches (each batch: one read of the stored documents, one build of the batch,
whatever the database's size), prints progress, and lists the records whose document is missing, behind
the record's revision or different. Exits 1 when any is found (after repairing them, with --repair: run it
again to see a clean pass). Safe beside live traffic: a repair never writes over a newer document.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from maternity.documents import documents_compare, record_ids_in_batches
from maternity.models import Pregnancy


class Command(BaseCommand):
    help = "Verify (and with --repair, rebuild) the stored record documents against the rows."

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="Rewrite each document that differs.")
        parser.add_argument("--batch", type=int, default=500, help="Records per batch (default 500).")
        parser.add_argument("--show", type=int, default=20, help="How many differing record ids to list.")

    def handle(self, *args, repair, batch, show, **options):
        if batch < 1:
            raise CommandError("--batch must be at least 1.")
        total = Pregnancy.objects.count()
        started = time.monotonic()
        checked, missing, behind, different, shown = 0, 0, 0, 0, 0
        for ids in record_ids_in_batches(batch):
            for record_id, problem in documents_compare(ids, repair=repair).items():
                missing += problem == "missing"
                behind += problem == "behind"
                different += problem == "different"
                if shown < show:
                    self.stdout.write(f"  {record_id}: {problem}")
                    shown += 1
            checked += len(ids)
            seconds = time.monotonic() - started
            self.stderr.write(
                f"\r{checked:,} of {total:,} records checked in {seconds:.0f} s "
                f"({checked / max(seconds, 1e-9):,.0f}/s)",
                ending="",
            )
        self.stderr.write("")
        found = missing + behind + different
        seconds = time.monotonic() - started
        verb = "repaired" if repair else "found"
        self.stdout.write(
            f"{checked:,} records checked in {seconds:.1f} s: {missing:,} missing, {behind:,} behind, "
            f"{different:,} different" + (f" ({verb})" if found else "; every document matches its rows")
        )
        if found:
            raise SystemExit(1)
