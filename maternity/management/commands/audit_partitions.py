"""Keep the audit trail's monthly partitions ready (PostgreSQL). Run it daily (cron or a systemd timer):

    manage.py audit_partitions            # this month and the next 3, and any month found in the default
    manage.py audit_partitions --list     # each partition with its rows (PostgreSQL's estimate) and size
    manage.py audit_partitions --analyze  # weekly: also statistics for the whole table

It never drops or detaches a partition: see docs/data-growth.md for archiving old months.
"""

from datetime import UTC

from django.core.management.base import BaseCommand
from django.utils import timezone

from maternity.database.audit_partitions import (
    DEFAULT_PARTITION,
    Upkeep,
    add_months,
    analyze_table,
    ensure_months,
    is_partitioned,
    month_of,
    months_in_default,
    partitions,
)


class Command(BaseCommand):
    help = (
        "Create the audit trail's monthly partitions for this month and the next --ahead months, and move "
        "entries out of the default partition into their month. Run daily. --list shows the partitions."
    )

    def add_arguments(self, parser):
        parser.add_argument("--ahead", type=int, default=3, help="Months to prepare past this one (3).")
        parser.add_argument(
            "--list", dest="show", action="store_true", help="List the partitions; change nothing."
        )
        parser.add_argument("--exact", action="store_true", help="With --list: count rows, not estimate.")
        parser.add_argument(
            "--analyze",
            action="store_true",
            help="Also ANALYZE the whole table (weekly; autovacuum never analyzes a partitioned table).",
        )

    def handle(self, *args, ahead, show, exact, analyze: bool, **options):
        if not is_partitioned():
            self.stdout.write("The audit trail is not partitioned on this database: nothing to do.")
            return
        if show:
            self._list(exact)
            return
        this_month = month_of(timezone.now().astimezone(UTC))
        upkeep = ensure_months(this_month, add_months(this_month, ahead))
        for month in months_in_default():
            more = ensure_months(month, month)
            upkeep = Upkeep(created=upkeep.created + more.created, moved=upkeep.moved + more.moved)
        for name in upkeep.created:
            self.stdout.write(f"Created {name}.")
        if upkeep.moved:
            entries = "entry" if upkeep.moved == 1 else "entries"
            self.stdout.write(f"Moved {upkeep.moved} {entries} from {DEFAULT_PARTITION} into their months.")
        months = [p.name for p in partitions() if p.name != DEFAULT_PARTITION]
        self.stdout.write(
            f"{len(months)} monthly partitions, {months[0]} to {months[-1]}."
            if months
            else "No monthly partitions."
        )
        if analyze:
            analyze_table()
            self.stdout.write("Analyzed the whole table.")

    def _list(self, exact: bool) -> None:
        found = partitions(exact=exact)
        width = max(len(p.name) for p in found)
        self.stdout.write(f"{'partition':<{width}}  {'rows' if exact else '~rows':>12}  {'size':>10}  bounds")
        for p in found:
            rows = "?" if p.rows is None else f"{p.rows:,}"
            self.stdout.write(f"{p.name:<{width}}  {rows:>12}  {p.size:>10}  {p.bounds}")
