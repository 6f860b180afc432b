"""PostgreSQL stopped and started again under load (our private cluster, never the machine's).

While it is down every request is answered at once with a clean 503 (the API's JSON error, Retry-After;
/health/ready 503, /health/live 200): no 500, no hang. Once it is back, the same gunicorn workers serve
again without a restart (a dead persistent connection is not reused), and no acknowledged write is lost,
even when PostgreSQL stopped as in a crash (`immediate`).
"""

import random
import threading
import time

import pytest
from django.db import connections

from loadtools.client import ApiClient, token_fetch
from loadtools.runner import run_clients
from loadtools.scenarios import LoadClient, ReadClient
from loadtools.stats import Stats
from loadtools.verify import feed_cursor_now, verify

from .postgres import raw_connection

pytestmark = [pytest.mark.faults, pytest.mark.postgres]

CLIENTS = 10
UP_SECONDS, DOWN_SECONDS, AFTER_SECONDS = 5, 8, 10


class Phases:
    """Tags each request with its phase (up, down, after) when it began and ended in that phase, else
    `between` (it overlapped a stop or a start)."""

    def __init__(self):
        self.current = "up"

    def client(self, inner: LoadClient):
        phases = self

        class Tagged:
            def step(self, stats: Stats) -> None:
                inner.step(_Tagging(stats, phases))

            def close(self) -> None:
                inner.close()

        return Tagged()


class _Tagging:
    def __init__(self, stats: Stats, phases: Phases):
        self.stats, self.phases, self.began = stats, phases, phases.current

    def _phase(self) -> str:
        return self.began if self.phases.current == self.began else "between"

    def record(self, operation: str, status: int, ms: float) -> None:
        self.stats.record(f"{self._phase()}:{operation}", status, ms)

    def note(self, message: str) -> None:
        self.stats.note(f"{self._phase()}: {message}")


def statuses(stats: Stats, phase: str) -> dict[int, int]:
    found = {}
    for operation, counts in stats.statuses.items():
        if operation.startswith(f"{phase}:"):
            for status, n in counts.items():
                found[status] = found.get(status, 0) + n
    return found


def slowest(stats: Stats, phase: str) -> float:
    return max(
        (max(s) for op, s in stats.latencies_ms.items() if op.startswith(f"{phase}:") and s), default=0
    )


def assert_clean_503(response, *, error_code: str | None = "DHG-0006") -> None:
    assert response.status_code == 503, response.text
    assert response.headers["Content-Type"].startswith("application/json"), response.headers
    if error_code:
        assert response.json()["errorCode"] == error_code
        assert response.headers["Retry-After"] == "5"


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_requests_fail_cleanly_while_postgres_is_down_and_succeed_after_without_a_worker_restart(
    mode, private_postgres, gunicorn, load_data
):
    token = token_fetch(gunicorn.url, load_data.client_id, load_data.client_secret)
    checker = ApiClient(gunicorn.url, token, timeout=60)
    start = feed_cursor_now(checker)
    workers = gunicorn.worker_pids()
    phases, made = Phases(), []

    def make(index: int):
        client = LoadClient(
            api=ApiClient(gunicorn.url, token, timeout=20),
            records=load_data.records,
            name=f"c{index}",
            rng=random.Random(index),
            cursor=start,
        )
        made.append(client)
        return phases.client(client)

    results = {}
    total = UP_SECONDS + DOWN_SECONDS + AFTER_SECONDS + 15  # (+ stop and start)
    load = threading.Thread(
        target=lambda: results.update(run=run_clients(make, clients=CLIENTS, duration=total))
    )
    load.start()
    record = load_data.records[0]
    try:
        time.sleep(UP_SECONDS)
        phases.current = "between"
        private_postgres.stop(mode)
        phases.current = "down"

        probe = ApiClient(gunicorn.url, token, timeout=20)
        down_until = time.monotonic() + DOWN_SECONDS
        probes = 0
        while time.monotonic() < down_until:
            started = time.monotonic()
            assert_clean_503(probe.request("GET", f"record/{record.record_id}", nin=record.nin))
            assert_clean_503(
                probe.request(
                    "PUT",
                    f"record/{record.record_id}/mother",
                    nin=record.nin,
                    json={"metadata": {"version": 1}},
                )
            )
            assert_clean_503(probe.request("GET", "/spine/v1/events"))
            ready = probe.request("GET", "/health/ready")
            assert ready.status_code == 503 and ready.json() == {
                "status": "unavailable",
                "database": "unavailable",
            }
            assert probe.request("GET", "/health/live").status_code == 200
            assert time.monotonic() - started < 5, "requests hang while the database is down"
            probes += 1
            time.sleep(0.2)
        assert probes >= 5

        phases.current = "between"
        private_postgres.start()
        phases.current = "after"
        connections.close_all()  # this test process's own connections died with the server too
    finally:
        if not private_postgres.running:
            private_postgres.start()
            connections.close_all()
        load.join(total + 60)
    stats, _ = results["run"]

    up, down, after = statuses(stats, "up"), statuses(stats, "down"), statuses(stats, "after")
    between = statuses(stats, "between")
    summary = f"up {up}, between {between}, down {down}, after {after}; {stats.errors}"
    print(f"\n{mode}: {summary.split(';')[0]}; slowest answer while down {slowest(stats, 'down'):.0f} ms")
    assert set(up) <= {200, 201, 409} and sum(up.values()) > 20, summary
    assert set(down) == {503}, summary  # every request answered, every one a clean 503
    assert slowest(stats, "down") < 5000, "a request hung while the database was down"
    assert set(after) <= {200, 201, 409} and sum(after.values()) > 20, summary
    assert set(between) <= {200, 201, 409, 503}, summary  # no 500, no request left without an answer

    assert gunicorn.worker_pids() == workers  # the same workers, reconnected: no restart
    assert checker.request("GET", "/health/ready").status_code == 200

    acks = [ack for client in made for ack in client.acks]
    verification = verify(checker, load_data.records, acks, start)
    assert verification.ok, verification.problems[:10]
    assert verification.found_once == len(acks) > 0


def test_connections_left_idle_across_a_restart_are_not_reused(private_postgres, gunicorn, load_data):
    """Persistent connections (CONN_MAX_AGE) that died while nobody was asking: the first requests after
    the restart must not try them (CONN_HEALTH_CHECKS), or each would fail once."""
    token = token_fetch(gunicorn.url, load_data.client_id, load_data.client_secret)

    def reads(seconds: float | None = None, total: int | None = None) -> Stats:
        def make(index: int):
            return ReadClient(
                ApiClient(gunicorn.url, token), load_data.records, f"r{index}", random.Random(index)
            )

        return run_clients(make, clients=16, duration=seconds, total=total)[0]

    reads(seconds=3)  # every worker thread now holds a connection
    watcher = raw_connection()
    try:
        with watcher.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' "
                "AND state = 'idle' AND pid <> pg_backend_pid()"
            )
            held = cursor.fetchone()[0]
    finally:
        watcher.close()
    assert held >= 4  # (and the test process's own)

    private_postgres.stop("fast")
    private_postgres.start()  # at once: no request saw it down
    connections.close_all()

    first = reads(total=16)
    assert first.total_statuses() == {200: 16}, first.errors
    later = reads(seconds=2)
    assert set(later.total_statuses()) == {200}, later.errors
