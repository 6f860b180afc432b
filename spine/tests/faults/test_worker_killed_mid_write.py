"""A gunicorn worker killed (SIGKILL) in the middle of a write leaves no partial change.

"The middle" is made exact: events take their feed position at COMMIT, from a one-row counter that a
deferred trigger locks (maternity/database/event_positions.py). While this test holds that row locked, a PUT's
transaction does all its writes (resource, history row, record revision, RecordEvent) and then waits at
COMMIT. The worker is killed there. PostgreSQL notices its client is gone within
DATABASE_CLIENT_CHECK_MS (client_connection_check_interval, set in settings) and rolls the transaction
back; without that setting the orphaned backend would wait for the lock and then commit a change nobody
was told about. Only then is the lock released, and nothing may have changed.
"""

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from loadtools.client import ApiClient, token_fetch
from maternity.database.event_positions import COUNTER_TABLE
from maternity.models import AccessLog, ClinicalTests, Pregnancy, RecordEvent

from .postgres import raw_connection

pytestmark = [pytest.mark.faults, pytest.mark.postgres]


def waiting_at_commit(watcher, holder_pid: int, timeout: float = 20) -> tuple[int, int]:
    """(backend pid, client port) of the transaction blocked at COMMIT behind the holder's lock."""
    deadline = time.monotonic() + timeout
    with watcher.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT pid, client_port FROM pg_stat_activity WHERE query = 'COMMIT' AND state = 'active' "
                "AND %s = ANY(pg_blocking_pids(pid))",
                [holder_pid],
            )
            row = cursor.fetchone()
            if row:
                return row
            time.sleep(0.02)
    raise AssertionError("no write reached COMMIT behind the counter lock")


def backend_gone(watcher, pid: int, timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    with watcher.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
            if cursor.fetchone() is None:
                return True
            time.sleep(0.05)
    return False


def process_with_local_port(pids: list[int], port: int) -> int:
    """Which of these processes owns the TCP socket bound to local port `port` (its database connection)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:[") and target[8:-1] in inodes:
                return pid
    raise AssertionError(f"no worker owns the connection from port {port}")


def snapshot(record_id: str, resource_id) -> dict:
    record = Pregnancy.objects.get(pk=record_id)
    return {
        "version": ClinicalTests.objects.get(pk=resource_id).version,
        "history rows": ClinicalTests.history.filter(id=resource_id).count(),
        "events": RecordEvent.objects.filter(record_id=record_id).count(),
        "record revision": record.revision,
        "record last updated": record.record_last_updated,
        "audit entries": AccessLog.objects.count(),
    }


def test_a_worker_killed_while_committing_a_write_leaves_no_partial_change(gunicorn, load_data):
    record = load_data.records[0]
    api = ApiClient(gunicorn.url, token_fetch(gunicorn.url, load_data.client_id, load_data.client_secret))
    tests = api.request("GET", f"record/{record.record_id}", nin=record.nin).json()["clinicalTests"]
    resource_id, version = tests["metadata"]["id"], tests["metadata"]["version"]
    body = {"metadata": {"version": version}, "hemoglobin": 11.9, "note": "Written by a worker about to die"}
    before = snapshot(record.record_id, resource_id)
    workers = gunicorn.worker_pids()

    holder, watcher = raw_connection(), raw_connection()
    watcher.autocommit = True
    answers = []
    try:
        with holder.cursor() as cursor:  # every commit that numbers events now waits for us
            cursor.execute(f"SELECT position FROM {COUNTER_TABLE} WHERE id = 1 FOR UPDATE")
            holder_pid = holder.get_backend_pid()

        def put():
            answers.append(
                api.timed("PUT", f"record/{record.record_id}/clinicalTests", nin=record.nin, json=body)[0]
            )

        writer = threading.Thread(target=put, daemon=True)
        writer.start()
        backend, client_port = waiting_at_commit(watcher, holder_pid)
        victim = process_with_local_port(workers, client_port)
        os.kill(victim, signal.SIGKILL)
        killed_at = time.monotonic()
        writer.join(20)
        assert answers == [None]  # the client got no answer: it does not know the outcome

        assert backend_gone(watcher, backend), (
            "the killed worker's transaction is still waiting at COMMIT: without "
            "client_connection_check_interval it would commit once the lock is released"
        )
        noticed = time.monotonic() - killed_at
        print(f"\nPostgreSQL rolled the killed worker's transaction back {noticed:.1f} s after the kill")
    finally:
        holder.rollback()
        holder.close()
        watcher.close()

    assert snapshot(record.record_id, resource_id) == before  # no half write, and no whole one either

    replaced = gunicorn.wait_for_workers(len(workers), without={victim})
    assert victim not in replaced and set(workers) - {victim} <= set(replaced)  # one new worker, others kept

    retried = api.request("PUT", f"record/{record.record_id}/clinicalTests", nin=record.nin, json=body)
    assert retried.status_code == 200, retried.text
    assert retried.json()["metadata"]["version"] == version + 1
    after = snapshot(record.record_id, resource_id)
    assert after["version"] == before["version"] + 1
    assert after["history rows"] == before["history rows"] + 1
    assert after["events"] == before["events"] + 1
    assert after["audit entries"] == before["audit entries"] + 1
