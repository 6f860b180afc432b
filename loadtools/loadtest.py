"""The load test: many client systems at once reading and writing shared records, then the check that
nothing acknowledged was lost (`verify`). 409 version conflicts are expected and counted; a 5xx, a request
that got no answer, or a lost or duplicated write is a failure."""

import random
from dataclasses import dataclass

from .client import ApiClient, LoadData, token_fetch
from .runner import run_clients
from .scenarios import LOAD_MIX, LoadClient
from .stats import Stats, format_statuses
from .verify import Verification, feed_cursor_now, verify


@dataclass
class LoadResult:
    clients: int
    seconds: float
    stats: Stats
    verification: Verification

    @property
    def conflicts(self) -> int:
        return self.stats.statuses["put_resource"][409]

    @property
    def failures(self) -> list[str]:
        found = []
        if self.stats.server_errors():
            found.append(f"{self.stats.server_errors()} responses with a 5xx status")
        if self.stats.no_responses():
            found.append(f"{self.stats.no_responses()} requests without an answer")
        if not self.verification.ok:
            found.append(f"{len(self.verification.problems)} lost, duplicated or inconsistent writes")
        return found

    def report(self) -> list[str]:
        lines = [
            f"{self.clients} clients for {self.seconds:.1f} s; latency in ms",
            *self.stats.table(self.seconds, list(LOAD_MIX)),
        ]
        lines.append(f"status codes, all operations: {format_statuses(self.stats.total_statuses())}")
        lines.append(f"version conflicts (409 on PUT, expected under contention): {self.conflicts}")
        lines.append(f"check: {self.verification.summary()}")
        lines.extend(f"  {problem}" for problem in self.verification.problems[:20])
        if self.stats.errors:
            lines.append("unexpected answers (first few):")
            lines.extend(f"  {error}" for error in self.stats.errors[:10])
        lines.append("FAILED: " + "; ".join(self.failures) if self.failures else "OK: no 5xx, no lost update")
        return lines


def load_run(*, base_url: str, data: LoadData, clients: int, duration: float, seed: int = 0) -> LoadResult:
    token = token_fetch(base_url, data.client_id, data.client_secret)
    checker = ApiClient(base_url, token, timeout=120)
    start = feed_cursor_now(checker)
    made: list[LoadClient] = []

    def make(index: int) -> LoadClient:
        client = LoadClient(
            api=ApiClient(base_url, token),
            records=data.records,
            name=f"c{index}",
            rng=random.Random(seed * 100_003 + index),
            cursor=start,
        )
        made.append(client)
        return client

    stats, seconds = run_clients(make, clients=clients, duration=duration)
    acks = [ack for client in made for ack in client.acks]
    try:
        verification = verify(checker, data.records, acks, start)
    finally:
        checker.close()
    return LoadResult(clients, seconds, stats, verification)
