"""What the audit trail's hash chain costs per insert (maternity/audit/chain.py): the application's own
audit write (`access_log_write`, one compiled INSERT, committed on its own as after every request), timed
with the chain trigger on and off, side by side in one run, by one writer and by several at once.

"Off" is the same INSERT into the same table on a connection whose triggers are off
(`session_replication_role = replica`, a superuser's setting, for that connection only): everything else
(the partitions, the indexes, the commit) is the same. Those unchained entries would break the chain, so
they are deleted again at the end; the chained ones stay, as real entries of the benchmark. Rounds of the
two alternate, so a busy moment on the machine falls on both; the median round is reported.

With several writers the month's head row is the point where they meet: each writer holds its lock from
the trigger to its commit, so the writers of one month append one at a time, and the commit's flush is
inside that turn.
"""

import statistics
import threading
import time
from dataclasses import dataclass

from django.db import connection, connections

from maternity.models import AccessAction, AccessOutcome
from maternity.services.audit import access_log_write

MARK = "benchmark: audit insert without the chain"


@dataclass(frozen=True)
class InsertCost:
    writers: int
    chained_ms: float  # wall time per insert, per writer
    unchained_ms: float
    chained_per_s: float  # inserts per second, all writers together
    unchained_per_s: float

    @property
    def ratio(self) -> float:
        return self.chained_ms / self.unchained_ms if self.unchained_ms else float("nan")


def _insert(count: int, *, chained: bool, detail: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SET session_replication_role = {'origin' if chained else 'replica'}")
    try:
        for _ in range(count):
            access_log_write(
                action=AccessAction.AUDIT_READ, outcome=AccessOutcome.ALLOWED, detail=detail, status_code=200
            )
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = origin")


def _round(writers: int, inserts: int, *, chained: bool) -> float:
    """Seconds for `writers` threads (each its own connection) to write `inserts` entries each."""
    detail = "benchmark: audit insert with the chain" if chained else MARK
    if writers == 1:
        started = time.perf_counter()
        _insert(inserts, chained=chained, detail=detail)
        return time.perf_counter() - started
    barrier = threading.Barrier(writers + 1)

    def run() -> None:
        try:
            connection.ensure_connection()
            barrier.wait()
            _insert(inserts, chained=chained, detail=detail)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(writers)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def audit_insert_cost(*, writers: int, inserts: int, rounds: int = 3) -> InsertCost:
    """Time `rounds` alternating rounds of chained and unchained audit inserts; the median of each."""
    if connection.vendor != "postgresql":
        raise ValueError("The audit insert cost is measured on PostgreSQL.")
    _round(writers, max(1, inserts // 10), chained=True)  # warm: prepared statements, the head row
    _round(writers, max(1, inserts // 10), chained=False)
    timings: dict[bool, list[float]] = {True: [], False: []}
    try:
        for _ in range(rounds):
            for chained in (True, False):
                timings[chained].append(_round(writers, inserts, chained=chained))
    finally:
        remove_unchained()
    chained_s, unchained_s = statistics.median(timings[True]), statistics.median(timings[False])
    return InsertCost(
        writers=writers,
        chained_ms=chained_s * 1000 / inserts,
        unchained_ms=unchained_s * 1000 / inserts,
        chained_per_s=writers * inserts / chained_s,
        unchained_per_s=writers * inserts / unchained_s,
    )


def remove_unchained() -> None:
    """Delete the entries written without the chain (with the triggers off, as they were written)."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        try:
            cursor.execute("DELETE FROM maternity_accesslog WHERE chain IS NULL AND detail = %s", [MARK])
        finally:
            cursor.execute("SET session_replication_role = origin")
