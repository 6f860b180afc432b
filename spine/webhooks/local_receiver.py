"""A real webhook receiver for tests and the webhook benchmark: an HTTP server on 127.0.0.1 in a thread.

It verifies every message's signature with the `standardwebhooks` library, as an integrating system
would, deduplicates on `webhook-id`, and records what arrived and when. Its behaviour can be switched
while it runs: answer with an error (`status`), be slow (`delay`), process a message but then fail
(`fail_after_processing`, a lost acknowledgement), or stop listening altogether (`down()` / `up()`).
"""

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook, WebhookVerificationError


@dataclass
class Arrival:
    webhook_id: str
    path: str
    events: list[dict]
    cursor: str
    received_at: float  # time.time()
    duplicate: bool


@dataclass
class Receiver:
    status: int = 200
    delay: float = 0.0
    fail_after_processing: int = 0  # process the next N messages, then answer 500 anyway
    secrets: dict[str, str] = field(default_factory=dict)  # path -> whsec_ secret
    arrivals: list[Arrival] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # reasons for 4xx/5xx answers
    max_in_flight: dict[str, int] = field(default_factory=dict)  # path -> most concurrent requests seen
    on_arrival: Callable[[Arrival], None] | None = None

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._in_flight: dict[str, int] = {}
        self._seen: set[str] = set()
        self._server: ThreadingHTTPServer | None = None
        self._port = 0

    # -- running -------------------------------------------------------------------------------------
    def __enter__(self) -> "Receiver":
        self.up()
        return self

    def __exit__(self, *exc) -> None:
        self.down()

    def up(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                receiver._handle(self)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self._port), Handler)
        self._server.daemon_threads = True
        self._port = self._server.server_address[1]  # the same port when it comes back up
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def down(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self._port}{path}"

    def expect(self, path: str, secret: str) -> None:
        self.secrets[path] = secret

    # -- what arrived ---------------------------------------------------------------------------------
    def accepted(self, path: str | None = None) -> list[Arrival]:
        """First arrivals of each webhook-id (what a deduplicating receiver processes)."""
        return [a for a in self.arrivals if not a.duplicate and (path is None or a.path == path)]

    def in_flight(self, path: str) -> int:
        with self._lock:
            return self._in_flight.get(path, 0)

    def event_ids(self, path: str | None = None) -> list[str]:
        return [event["eventId"] for arrival in self.accepted(path) for event in arrival.events]

    def wait_for(self, count: int, *, path: str | None = None, timeout: float = 20.0) -> list[str]:
        """Wait until `count` distinct events were accepted; the accepted event ids, in arrival order."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ids = self.event_ids(path)
            if len(ids) >= count:
                return ids
            time.sleep(0.02)
        raise AssertionError(f"{len(self.event_ids(path))} of {count} events arrived within {timeout} s")

    # -- handling one request ---------------------------------------------------------------------------
    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        path = request.path
        with self._lock:
            self._in_flight[path] = self._in_flight.get(path, 0) + 1
            self.max_in_flight[path] = max(self.max_in_flight.get(path, 0), self._in_flight[path])
        try:
            body = request.rfile.read(int(request.headers.get("content-length", 0)))
            received_at = time.time()
            if self.delay:
                time.sleep(self.delay)
            if self.status >= 300:
                return self._answer(request, self.status, f"status {self.status}")
            secret = self.secrets.get(path)
            if secret is None:
                return self._answer(request, 404, f"no subscription at {path}")
            try:
                payload = Webhook(secret).verify(body, dict(request.headers))
            except WebhookVerificationError as error:
                return self._answer(request, 401, f"signature: {error}")
            webhook_id = request.headers["webhook-id"]
            with self._lock:
                arrival = Arrival(
                    webhook_id=webhook_id,
                    path=path,
                    events=payload["data"]["events"],
                    cursor=payload["data"]["cursor"],
                    received_at=received_at,
                    duplicate=webhook_id in self._seen,
                )
                self._seen.add(webhook_id)
                self.arrivals.append(arrival)
                if self.on_arrival is not None:
                    self.on_arrival(arrival)
                lose_ack = self.fail_after_processing > 0
                if lose_ack:
                    self.fail_after_processing -= 1
            self._answer(request, 500 if lose_ack else 204, "acknowledgement lost" if lose_ack else "")
        finally:
            with self._lock:
                self._in_flight[path] -= 1

    def _answer(self, request: BaseHTTPRequestHandler, status: int, reason: str) -> None:
        if status >= 300:
            self.refused.append(reason)
        body = json.dumps({"error": reason}).encode() if reason else b""
        request.send_response(status)
        request.send_header("content-length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)
