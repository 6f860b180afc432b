"""What a run measured: latency samples and status codes per operation, and how to print them."""

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

NO_RESPONSE = 0  # the status recorded when a request got no HTTP answer (refused, reset, timed out)


def percentile(samples: list[float], share: float) -> float:
    """Nearest-rank percentile (share 0-1) of the samples; 0 for none."""
    if not samples:
        return 0.0
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


@dataclass
class Stats:
    """One client thread's record of its requests; merge the threads' at the end (no locks while running)."""

    latencies_ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    errors: list[str] = field(default_factory=list)  # first few unexpected answers, for the report

    def record(self, operation: str, status: int, ms: float) -> None:
        self.latencies_ms[operation].append(ms)
        self.statuses[operation][status] += 1

    def note(self, message: str) -> None:
        if len(self.errors) < 20:
            self.errors.append(message)

    def merge(self, other: "Stats") -> "Stats":
        for operation, samples in other.latencies_ms.items():
            self.latencies_ms[operation].extend(samples)
        for operation, counts in other.statuses.items():
            self.statuses[operation].update(counts)
        self.errors.extend(other.errors[: max(0, 20 - len(self.errors))])
        return self

    # -- totals --------------------------------------------------------------------------------------
    def count(self, operation: str | None = None) -> int:
        return sum(self.total_statuses(operation).values())

    def total_statuses(self, operation: str | None = None) -> Counter:
        if operation is not None:
            return Counter(self.statuses.get(operation, {}))
        total: Counter = Counter()
        for counts in self.statuses.values():
            total.update(counts)
        return total

    def all_latencies(self) -> list[float]:
        return [ms for samples in self.latencies_ms.values() for ms in samples]

    def server_errors(self) -> int:
        return sum(n for status, n in self.total_statuses().items() if status >= 500)

    def no_responses(self) -> int:
        return self.total_statuses()[NO_RESPONSE]

    # -- printing ------------------------------------------------------------------------------------
    def table(self, seconds: float, operations: list[str] | None = None) -> list[str]:
        """One line per operation and one for all: requests, requests/s, p50/p95/p99/max (ms), statuses."""
        names = operations or sorted(self.latencies_ms)
        lines = [
            f"{'operation':16s} {'requests':>8s} {'req/s':>7s} {'p50':>7s} {'p95':>7s} {'p99':>7s} "
            f"{'max':>7s}  statuses"
        ]
        rows = [(name, self.latencies_ms.get(name, []), self.total_statuses(name)) for name in names]
        rows.append(("all", self.all_latencies(), self.total_statuses()))
        for name, samples, counts in rows:
            lines.append(
                f"{name:16s} {len(samples):8d} {len(samples) / seconds:7.1f} {percentile(samples, 0.5):7.1f} "
                f"{percentile(samples, 0.95):7.1f} {percentile(samples, 0.99):7.1f} "
                f"{max(samples, default=0):7.1f}  {format_statuses(counts)}"
            )
        return lines


def format_statuses(counts: Counter) -> str:
    return " ".join(
        f"{'no-response' if status == NO_RESPONSE else status}:{n}" for status, n in sorted(counts.items())
    )


def median(samples: list[float]) -> float:
    return statistics.median(samples) if samples else 0.0
