"""The primary's postmaster killed under a mixed load: Patroni promotes the synchronous replica, the app
servers reconnect without a restart, requests in the gap fail cleanly (503, Retry-After), and every write
the server acknowledged is in the history exactly once afterwards (loadtools/verify.py, as in the load and
fault tests)."""

import json
import random
import threading
import time
from dataclasses import dataclass, field

import pytest
from django.db import connections

from loadtools.client import ApiClient, token_fetch
from loadtools.runner import run_clients
from loadtools.scenarios import Ack, LoadClient, resource_body
from loadtools.verify import feed_cursor_now, verify

pytestmark = [pytest.mark.cluster, pytest.mark.postgres]

CLIENTS = 8
BEFORE_SECONDS, AFTER_SECONDS = 6, 12
CLEAN = {200, 201, 409, 503}


@dataclass
class Probe:
    """One writer that PUTs its own record's clinicalTests every 100 ms and notes when each answer came:
    the clock for kill-to-first-write."""

    api: ApiClient
    record: object
    answers: list[tuple[float, float, int]] = field(default_factory=list)  # (began, answered, status)
    unclean: list[str] = field(default_factory=list)
    acks: list = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        version = None
        while not self.stop.is_set():
            began = time.monotonic()
            if version is None:
                response, _ = self.api.timed("GET", f"record/{self.record.record_id}", nin=self.record.nin)
                if response is not None and response.status_code == 200:
                    version = response.json()["clinicalTests"]["metadata"]["version"]
            else:
                marker = f"probe-w{len(self.answers)}"
                body = {
                    "metadata": {"version": version},
                    **resource_body("clinicalTests", marker, random.Random()),
                }
                response, _ = self.api.timed(
                    "PUT", f"record/{self.record.record_id}/clinicalTests", nin=self.record.nin, json=body
                )
                if response is not None and response.status_code == 200:
                    metadata = response.json()["metadata"]
                    version = metadata["version"]
                    self.acks.append(
                        Ack(self.record.record_id, "clinicalTests", metadata["id"], version, marker)
                    )
                elif response is not None and response.status_code == 409:
                    version = None
            status = 0 if response is None else response.status_code
            self.answers.append((began, time.monotonic(), status))
            if response is None or status not in CLEAN:
                self.unclean.append(f"{status}: {'' if response is None else response.text[:200]}")
            elif status == 503 and (
                response.json().get("errorCode") != "DHG-0006" or response.headers.get("Retry-After") != "5"
            ):
                self.unclean.append(f"503 without the database error or Retry-After: {response.text[:200]}")
            time.sleep(0.1)

    def first_write_after(self, moment: float) -> float | None:
        """When the first write that began after the first failure following `moment` was answered."""
        failed = [began for began, _, status in self.answers if began >= moment and status == 503]
        after = failed[0] if failed else moment
        for began, answered, status in self.answers:
            if began >= after and status == 200 and answered > moment:
                return answered
        return None


def test_killing_the_primary_under_load_loses_no_acknowledged_write(
    db_cluster, load_data, app_on_cluster, capsys
):
    url = app_on_cluster.url
    token = token_fetch(url, load_data.client_id, load_data.client_secret)
    checker = ApiClient(url, token, timeout=60)
    start = feed_cursor_now(checker)
    workers = app_on_cluster.worker_pids()
    old_primary = db_cluster.primary()
    made: list[LoadClient] = []

    def make(index: int) -> LoadClient:
        client = LoadClient(
            api=ApiClient(url, token, timeout=30),
            records=load_data.records[:3],
            name=f"c{index}",
            rng=random.Random(index),
            cursor=start,
        )
        made.append(client)
        return client

    probe = Probe(ApiClient(url, token, timeout=30), load_data.records[3])
    prober = threading.Thread(target=probe.run)
    results: dict = {}
    total = BEFORE_SECONDS + AFTER_SECONDS + 5
    load = threading.Thread(
        target=lambda: results.update(run=run_clients(make, clients=CLIENTS, duration=total))
    )
    load.start()
    prober.start()
    try:
        time.sleep(BEFORE_SECONDS)
        killed_at = time.monotonic()
        db_cluster.kill_postmaster(old_primary)
        db_cluster.wait_for(
            lambda: (p := db_cluster.primary()) is not None and p.name != old_primary.name,
            "a replica to be promoted",
            60,
        )
        promoted_at = time.monotonic()
        new_primary = db_cluster.primary()
    finally:
        connections.close_all()  # this test process's own connection went down with the old primary
        load.join(total + 120)
        probe.stop.set()
        prober.join(60)
    stats, _ = results["run"]

    first_write = probe.first_write_after(killed_at)
    statuses = stats.total_statuses()
    failed = (
        sum(1 for began, _, status in probe.answers if began >= killed_at and status == 503) + statuses[503]
    )
    assert first_write is not None, probe.answers[-20:]
    assert not probe.unclean, probe.unclean[:5]
    assert set(statuses) <= CLEAN, (dict(statuses), stats.errors[:5])  # no 500, no request left unanswered
    assert app_on_cluster.worker_pids() == workers  # the same workers, reconnected: no restart

    # The old primary is back as a replica (rewound) and both replicas have replayed everything, so the
    # checker, which wrote nothing and so reads a replica, sees every acknowledged write that exists.
    db_cluster.wait_for(
        lambda: len(db_cluster.replicas()) == 2 and db_cluster.replicas_caught_up(),
        "two replicas caught up",
        120,
    )
    acks = [ack for client in made for ack in client.acks] + probe.acks
    verification = verify(checker, load_data.records, acks, start)
    figures = {
        "killed": old_primary.name,
        "promoted": new_primary.name,
        "kill_to_promotion_seconds": round(promoted_at - killed_at, 2),
        "kill_to_first_write_seconds": round(first_write - killed_at, 2),
        "requests": sum(statuses.values()) + len(probe.answers),
        "answered_503": failed,
        "acknowledged_writes_checked": len(acks),
        "lost": verification.lost,
    }
    with capsys.disabled():
        print(f"\nfailover: {json.dumps(figures)}")
    assert verification.ok, verification.problems[:10]
    assert verification.found_once == len(acks) > 0
    assert figures["kill_to_first_write_seconds"] < 30
