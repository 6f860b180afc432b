"""The delivery worker's loop (`manage.py deliver_events`): work due subscriptions until told to stop.

Wakes at once when events commit (PostgreSQL LISTEN on the channel the commit trigger notifies), else
polls every `poll_interval` seconds (retries fall due with time, not with commits). LISTEN needs a session
of its own: behind PgBouncer in transaction mode it connects to DATABASE_DIRECT_URL, and without that the
worker only polls (maternity/database/direct.py). `stop()` (SIGTERM, SIGINT) lets the batch in flight
finish and record its result, then returns. A lost database connection is logged and retried; the worker
does not die with it.
"""

import logging
import select
import threading
import time

from django.db import close_old_connections, connection
from django.db.utils import DatabaseError, InterfaceError

from maternity.database.direct import direct_connection_params, session_available
from maternity.database.event_positions import NOTIFY_CHANNEL

from .delivery import deliver_next

log = logging.getLogger("spine.webhooks")

REPORT_EVERY = 60.0  # seconds between progress lines while busy
SLICE = 0.25  # the longest a wait goes without checking for stop


class Worker:
    def __init__(self, *, name: str = "worker", poll_interval: float = 1.0):
        self.name = name
        self.poll_interval = poll_interval
        self._stop = threading.Event()
        self._listener = None
        self.sent = self.steps = self.failures = 0

    def stop(self) -> None:
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def run(self, *, max_idle: float | None = None) -> None:
        """Deliver until stopped (or, for tests and benchmarks, until idle for `max_idle` seconds)."""
        log.info("%s started", self.name)
        if not session_available():
            log.warning(
                "%s: DATABASE_POOL_MODE is transaction and DATABASE_DIRECT_URL is not set: polling every "
                "%s s instead of LISTENing for events (set DATABASE_DIRECT_URL: the primary, not pooled)",
                self.name,
                self.poll_interval,
            )
        idle_since, last_report, reported = time.monotonic(), time.monotonic(), 0
        try:
            while not self.stopping:
                worked = self._step()
                now = time.monotonic()
                if worked:
                    idle_since = now
                elif max_idle is not None and now - idle_since >= max_idle:
                    break
                else:
                    self._wait(self.poll_interval)
                if now - last_report >= REPORT_EVERY and self.sent != reported:
                    log.info("%s: %d events sent in %d messages so far", self.name, self.sent, self.steps)
                    last_report, reported = now, self.sent
        finally:
            self._unlisten()
            log.info("%s stopped: %d events sent, %d failed attempts", self.name, self.sent, self.failures)

    def _step(self) -> bool:
        close_old_connections()
        try:
            step = deliver_next()
        except (DatabaseError, InterfaceError) as error:
            log.warning("%s: database unavailable (%s); retrying", self.name, str(error).strip()[:200])
            connection.close()
            self._unlisten()
            self._wait(self.poll_interval)
            return False
        except Exception:  # a bug must not stop every delivery: log it, pause, go on
            log.exception("%s: delivery step failed", self.name)
            self._wait(self.poll_interval)
            return False
        if step is None:
            return False
        if step.ok:
            if step.sent:
                self.steps += 1
                self.sent += step.sent
                log.info("%s: sent %d events to subscription %s", self.name, step.sent, step.subscription_id)
        else:
            self.failures += 1
            log.warning("%s: subscription %s: %s", self.name, step.subscription_id, step.error)
            if step.became_failing:
                log.error(
                    "%s: subscription %s is now FAILING: its receiver has failed for longer than the "
                    "allowed outage",
                    self.name,
                    step.subscription_id,
                )
        return True

    def _wait(self, seconds: float) -> None:
        """Sleep up to `seconds`, waking early when events commit or when told to stop."""
        deadline = time.monotonic() + seconds
        listener = self._listen()
        while not self.stopping:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            if listener is None:
                self._stop.wait(min(left, SLICE))
                continue
            try:
                ready, _, _ = select.select([listener], [], [], min(left, SLICE))
                if ready:
                    listener.poll()
                    if listener.notifies:
                        listener.notifies.clear()
                        return
            except Exception:  # the listening connection broke: poll without it until it is back
                self._unlisten()
                listener = None

    def _listen(self):
        if self._listener is not None or connection.vendor != "postgresql" or not session_available():
            # Not on SQLite; never through a transaction pooler, whose server connections serve other clients.
            return self._listener
        try:
            import psycopg2

            listener = psycopg2.connect(**direct_connection_params())
            listener.autocommit = True
            with listener.cursor() as cursor:
                cursor.execute(f"LISTEN {NOTIFY_CHANNEL}")
            self._listener = listener
        except Exception as error:
            log.warning("%s: cannot LISTEN for events (%s); polling instead", self.name, error)
        return self._listener

    def _unlisten(self) -> None:
        if self._listener is not None:
            try:
                self._listener.close()
            finally:
                self._listener = None
