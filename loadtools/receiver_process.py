"""The webhook receiver (`spine.webhooks.local_receiver.Receiver`) in a process of its own, for the webhook
benchmark: the writers' work in the benchmark's process must not delay receipts (they would share one
interpreter lock)."""

import multiprocessing
import queue
import socket
import threading
import time

from spine.webhooks.local_receiver import Arrival, Receiver


class ReceiverProcess:
    """The receiver in a process of its own, started with `start()`, its arrivals read in this one."""

    def __init__(self, secrets: dict[str, str] | None = None):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.secrets = dict(secrets or {})
        self.arrivals: list[Arrival] = []
        context = multiprocessing.get_context("spawn")  # a fresh interpreter: no inherited connections
        self._queue = context.Queue()
        args = (self.port, self.secrets, self._queue)
        self._process = context.Process(target=_serve, args=args, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> None:
        self._process.start()
        assert self._queue.get(timeout=30) == "ready"

    def stop(self) -> None:
        self._process.terminate()
        self._process.join(10)

    def accepted(self) -> list[Arrival]:
        self._drain()
        return [a for a in self.arrivals if not a.duplicate]

    def wait_for(self, count: int, *, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while sum(len(a.events) for a in self.accepted()) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"not all {count} events arrived within {timeout} s")
            time.sleep(0.05)

    def _drain(self) -> None:
        while True:
            try:
                self.arrivals.append(self._queue.get_nowait())
            except queue.Empty:
                return


def _serve(port: int, secrets: dict[str, str], arrivals) -> None:
    receiver = Receiver(secrets=secrets, on_arrival=arrivals.put)
    receiver._port = port
    receiver.up()
    arrivals.put("ready")
    threading.Event().wait()
