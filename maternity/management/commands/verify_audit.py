"""Verify the audit trail's hash chains (maternity/audit/verify.py; docs/security.md).

    manage.py verify_audit [--chain 2026-12 | 2026-12/3] [--since 2026-01] [--anchors FILE] [--batch 2000]

Prints one line per chain (a month has a few side by side): whole, with its count and last hash;
archived (partition detached); or BROKEN with the first broken link in plain words. Exits 1 when any
chain is broken, 0 otherwise. With --anchors, each chain is also checked against the heads saved in FILE
(when it exists), and FILE is then rewritten with the current heads if everything was whole: keep FILE (or
a copy of each run's) where the database's superuser cannot write. Run it nightly, like verify_documents.
"""

import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maternity.audit.verify import BATCH, Anchors, current_heads, verify_chains

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
CHAIN = re.compile(r"^\d{4}-(0[1-9]|1[0-2])(/\d)?$")


def _month(value: str) -> str:
    """A chain name, "YYYY-MM"; a date (YYYY-MM-DD) is taken as its month."""
    month = value[:7]
    if not MONTH.match(month) or (len(value) > 7 and not re.match(r"^-\d{2}", value[7:])):
        raise CommandError(f"{value!r} is not a month (YYYY-MM) or a date (YYYY-MM-DD).")
    return month


def _chain(value: str) -> str:
    if not CHAIN.match(value):
        raise CommandError(f"{value!r} is not a month (YYYY-MM) or a chain (YYYY-MM/n).")
    return value


class Command(BaseCommand):
    help = "Verify the audit trail's hash chains and report the first broken link of each."

    def add_arguments(self, parser):
        parser.add_argument("--chain", help="Only this month's chains (YYYY-MM), or one chain (YYYY-MM/n).")
        parser.add_argument("--since", help="Only chains of this month (YYYY-MM or a date) and later.")
        parser.add_argument("--anchors", help="A file of saved chain heads to check against, then update.")
        parser.add_argument("--batch", type=int, default=BATCH, help=f"Entries per read (default {BATCH}).")

    def handle(self, *args, chain, since, anchors, batch, **options):
        if batch < 1:
            raise CommandError("--batch must be at least 1.")
        path = Path(anchors) if anchors else None
        saved = None
        if path and path.exists():
            try:
                saved = Anchors.read(path)
            except (ValueError, KeyError, TypeError) as error:
                raise CommandError(f"Cannot read the anchors: {error}") from error
        reports = []
        for report in verify_chains(
            chain=_chain(chain) if chain else None,
            since=_month(since) if since else None,
            anchors=saved,
            batch=batch,
        ):
            reports.append(report)
            line = report.summary()
            if report.whole:
                self.stdout.write(line)
            else:
                self.stderr.write(line)
        broken = [report for report in reports if not report.whole]
        if broken:
            raise CommandError(
                f"The audit trail is broken in {len(broken)} of {len(reports)} chain(s): "
                + ", ".join(report.chain for report in broken),
                returncode=1,
            )
        if path:
            merged = Anchors({**(saved.heads if saved else {}), **current_heads(reports).heads})
            merged.write(path)
            self.stdout.write(f"Anchors saved to {path}.")
        self.stdout.write(self.style.SUCCESS(f"{len(reports)} chain(s) checked, none broken."))
