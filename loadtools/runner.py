"""Many clients at once: one thread per client, each with its own keep-alive connection, repeating its
step until the time is up (or until the requests asked for have been sent). Closed loop, no think time:
each client sends its next request as soon as the last is answered."""

import itertools
import threading
import time
from collections.abc import Callable
from typing import Protocol

from .stats import Stats


class Client(Protocol):
    def step(self, stats: Stats) -> None: ...

    def close(self) -> None: ...


def run_clients(
    make_client: Callable[[int], Client],
    *,
    clients: int,
    duration: float | None = None,
    total: int | None = None,
    warmup: float = 0.0,
) -> tuple[Stats, float]:
    """Run `clients` clients for `duration` seconds or until `total` steps were taken, after `warmup`
    seconds that are not measured. Returns what was measured and the measured seconds."""
    if duration is None and total is None:
        raise ValueError("give a duration or a total")
    made = [make_client(index) for index in range(clients)]
    results = [Stats() for _ in made]
    steps = itertools.count()  # next() on it is atomic in CPython
    start = threading.Barrier(clients + 1)
    bounds: dict[str, float] = {}

    def run(index: int) -> None:
        client, stats = made[index], results[index]
        try:
            start.wait()
            throwaway = Stats()
            while time.monotonic() < bounds["measure_from"]:
                client.step(throwaway)
            while time.monotonic() < bounds["until"]:
                if total is not None and next(steps) >= total:
                    break
                client.step(stats)
        except Exception as error:  # a bug in the client, not the server: report it, do not hide it
            stats.note(f"client {index} stopped: {error!r}")
            raise
        finally:
            client.close()

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    now = time.monotonic()
    bounds["measure_from"] = now + warmup
    bounds["until"] = bounds["measure_from"] + (duration if duration is not None else 24 * 3600)
    start.wait()
    for thread in threads:
        thread.join()
    measured = time.monotonic() - bounds["measure_from"]
    merged = Stats()
    for stats in results:
        merged.merge(stats)
    return merged, measured
