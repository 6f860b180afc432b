"""What the test folders that run alone share (spine/tests/faults: `make test-faults`; dbcluster/tests:
`make test-cluster`): skipped unless their mark is asked for, and cleaned up when the run is stopped."""

import signal
from contextlib import contextmanager
from pathlib import Path

import pytest


def skip_unless_asked(config, items, *, folder: Path, mark: str, reason: str) -> None:
    """Mark every test under `folder` skipped, for `reason`, unless `-m` names `mark`."""
    asked = mark in (config.getoption("markexpr") or "")
    skip = pytest.mark.skip(reason=reason)
    for item in items:
        if folder in Path(item.path).parents and not asked:
            item.add_marker(skip)


@contextmanager
def cleaned_up_on_sigterm():
    """Within it, SIGTERM (a `timeout`, a CI cancel) raises KeyboardInterrupt, so pytest runs every teardown
    (a stopped server, a removed directory) before it exits."""
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")
