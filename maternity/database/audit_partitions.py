"""The audit trail's monthly partitions on PostgreSQL (migration 0006; docs/data-growth.md).

`maternity_accesslog` is partitioned by range of `at`: one partition per UTC month, named
`maternity_accesslog_YYYY_MM`, and `maternity_accesslog_default` for an entry whose month has no partition
yet, so no entry is ever refused. `manage.py audit_partitions`, run daily, keeps the coming months ready and
moves whatever reached the default partition into its month; a bulk load calls `ensure_months` first.

A month's partition is made as a plain table and then attached, which locks the parent table only lightly
(SHARE UPDATE EXCLUSIVE: inserts go on; reads wait only while the empty default partition is checked).
When the default partition holds entries of that month, it is detached for the move and attached again, all
in one transaction: that locks the whole table for the move. Either way a lock that cannot be had within
`lock_timeout` makes the upkeep give up (and try again the next day) rather than hold up every request.

Nothing here drops or detaches a month: the audit trail is kept for many years (archiving is a manual step,
see docs/data-growth.md). On other databases (SQLite for the demonstration) the table is not partitioned
and these functions do nothing.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from maternity.models import AccessLog

from .audit_chain import KEEP_LINKS

TABLE = AccessLog._meta.db_table
DEFAULT_PARTITION = f"{TABLE}_default"


@dataclass(frozen=True)
class Partition:
    name: str
    bounds: str  # as PostgreSQL says it: FOR VALUES FROM (...) TO (...), or DEFAULT
    rows: int | None  # PostgreSQL's estimate unless counted; None before it has one
    size: str


@dataclass
class Upkeep:
    created: list[str] = field(default_factory=list)
    moved: int = 0  # entries moved out of the default partition


def month_of(day: date) -> date:
    """The first day of the month of `day` (a date, or a datetime taken as it stands)."""
    return date(day.year, day.month, 1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    """The months from `first`'s to `last`'s, both included."""
    month, last = month_of(first), month_of(last)
    months = []
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def partition_name(month: date) -> str:
    return f"{TABLE}_{month:%Y_%m}"


def is_partitioned(*, using: str = DEFAULT_DB_ALIAS) -> bool:
    connection = connections[using]
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [TABLE])
        row = cursor.fetchone()
    return row is not None and row[0] == "p"


def partitions(*, exact: bool = False, using: str = DEFAULT_DB_ALIAS) -> list[Partition]:
    """Every partition attached to the audit trail, oldest month first, the default one last. `exact`
    counts the rows (reads every partition) instead of taking PostgreSQL's estimate."""
    if not is_partitioned(using=using):
        return []
    with connections[using].cursor() as cursor:
        cursor.execute(
            """
            SELECT child.relname, pg_get_expr(child.relpartbound, child.oid), child.reltuples::bigint,
                   pg_size_pretty(pg_total_relation_size(child.oid))
            FROM pg_inherits JOIN pg_class child ON child.oid = pg_inherits.inhrelid
            WHERE pg_inherits.inhparent = %s::regclass
            ORDER BY child.relname = %s, child.relname
            """,
            [TABLE, DEFAULT_PARTITION],
        )
        found = cursor.fetchall()
        result = []
        for name, bounds, estimate, size in found:
            rows = estimate if estimate >= 0 else None
            if exact:
                cursor.execute(f'SELECT count(*) FROM "{name}"')
                (rows,) = cursor.fetchone()
            result.append(Partition(name=name, bounds=bounds, rows=rows, size=size))
    return result


def months_in_default(*, using: str = DEFAULT_DB_ALIAS) -> list[date]:
    """The months of the entries sitting in the default partition (it reads the whole of it, which the
    daily upkeep keeps empty)."""
    if not is_partitioned(using=using):
        return []
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT date_trunc('month', at AT TIME ZONE 'UTC')::date FROM {DEFAULT_PARTITION} "
            "ORDER BY 1"
        )
        return [month for (month,) in cursor.fetchall()]


def ensure_months(
    first: date, last: date, *, using: str = DEFAULT_DB_ALIAS, lock_timeout: str = "5s"
) -> Upkeep:
    """Make sure every month from `first`'s to `last`'s has its partition; entries of those months found
    in the default partition are moved into theirs. Idempotent; one transaction."""
    upkeep = Upkeep()
    if not is_partitioned(using=using):
        return upkeep
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        # Both end with the transaction (set_config's `true` is SET LOCAL; the lock is the _xact_ one), so
        # this works through PgBouncer in transaction mode too: nothing is left on a pooled connection.
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [lock_timeout])
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"{TABLE} partitions"])  # one at a time
        existing = {partition.name for partition in partitions(using=using)}
        missing = [month for month in months_between(first, last) if partition_name(month) not in existing]
        if not missing:
            return upkeep
        crowded = [month for month in missing if _default_holds(cursor, month)]
        if crowded:
            cursor.execute(f"ALTER TABLE {TABLE} DETACH PARTITION {DEFAULT_PARTITION}")
        for month in missing:
            name = partition_name(month)
            cursor.execute(f"CREATE TABLE {name} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
            cursor.execute(f"ALTER TABLE {TABLE} ATTACH PARTITION {name} {_range(month)}")
            upkeep.created.append(name)
        if crowded:
            for month in crowded:
                upkeep.moved += _move_out_of_default(cursor, month)
            cursor.execute(f"ALTER TABLE {TABLE} ATTACH PARTITION {DEFAULT_PARTITION} DEFAULT")
    return upkeep


def analyze_table(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Statistics for the table as a whole (it also refreshes each partition's). Autovacuum analyzes the
    partitions but never the partitioned table itself, whose statistics the planner uses too (joins,
    estimates across partitions): run weekly, and after a bulk load. Minutes on a large table."""
    if is_partitioned(using=using):
        with connections[using].cursor() as cursor:
            cursor.execute(f"ANALYZE {TABLE}")


def _start(month: date) -> str:
    return f"'{month:%Y-%m-%d} 00:00:00+00'"


def _range(month: date) -> str:
    return f"FOR VALUES FROM ({_start(month)}) TO ({_start(add_months(month, 1))})"


def _default_holds(cursor, month: date) -> bool:
    cursor.execute(
        f"SELECT EXISTS (SELECT FROM {DEFAULT_PARTITION} WHERE at >= {_start(month)} "
        f"AND at < {_start(add_months(month, 1))})"
    )
    return cursor.fetchone()[0]


def _move_out_of_default(cursor, month: date) -> int:
    """Move the month's entries from the (detached) default partition into the table, so they land in
    their new partition. Detached, the default partition has no append-only trigger (it belongs to the
    parent table); it gets it back when attached again, in the same transaction. The entries keep their
    hash-chain links (maternity/database/audit_chain.py): the insert trigger leaves them as they are while
    `KEEP_LINKS` is on, for this transaction only."""
    columns = ", ".join(f'"{column.column}"' for column in AccessLog._meta.concrete_fields)
    cursor.execute("SELECT set_config(%s, 'on', true)", [KEEP_LINKS])
    cursor.execute(
        f"WITH moved AS (DELETE FROM {DEFAULT_PARTITION} WHERE at >= {_start(month)} "
        f"AND at < {_start(add_months(month, 1))} RETURNING {columns}) "
        f"INSERT INTO {TABLE} ({columns}) SELECT {columns} FROM moved"
    )
    moved = cursor.rowcount
    cursor.execute("SELECT set_config(%s, 'off', true)", [KEEP_LINKS])
    return moved
