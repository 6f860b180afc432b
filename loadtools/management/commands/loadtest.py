"""Many client systems at once against gunicorn, reading and writing shared records; then the check that
every acknowledged write is in the history exactly once. Exits non-zero on a 5xx, a request without an
answer, or a lost update.

Starts gunicorn (as `benchmark_http` does) against DATABASE_URL on a free loopback port, unless --url
names a server already running on this machine (it must use the same database). Makes its own Care
Location, client system and records and removes them afterwards (--keep leaves them; --location uses an
existing Care Location's active records instead).
"""

import contextlib
import threading

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from loadtools.client import load_data
from loadtools.loadtest import load_run
from loadtools.server import GunicornServer, database_url, loopback_url


class Command(BaseCommand):
    help = "Load test over HTTP: N clients for T seconds; fails on a 5xx or a lost update."

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=100, help="Concurrent clients (default 100).")
        parser.add_argument("--duration", type=float, default=60, help="Seconds of load (default 60).")
        parser.add_argument("--records", type=int, default=50, help="Records the clients share (default 50).")
        parser.add_argument("--workers", type=int, default=2, help="Gunicorn worker processes (default 2).")
        parser.add_argument("--threads", type=int, default=4, help="Threads per worker (default 4).")
        parser.add_argument(
            "--no-reuse-port",
            dest="reuse_port",
            action="store_false",
            help="One listening socket shared by the workers (gunicorn's default) instead of --reuse-port.",
        )
        parser.add_argument("--url", help="A running server to load instead (loopback only).")
        parser.add_argument("--location", metavar="ORGNR", help="Use this Care Location's active records.")
        parser.add_argument("--keep", action="store_true", help="Keep the synthetic location and records.")
        parser.add_argument("--seed", type=int, default=0)

    def handle(
        self,
        *args,
        clients,
        duration,
        records,
        workers,
        threads,
        reuse_port,
        url,
        location,
        keep,
        seed,
        **options,
    ):
        if connection.vendor != "postgresql":
            raise CommandError("The load test needs PostgreSQL (set DATABASE_URL).")
        try:
            base_url = loopback_url(url) if url else None
            data = load_data(location, records=records)
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Database: PostgreSQL {connection.settings_dict['NAME']}; {len(data.records)} records at "
            f"{data.location.name}. Load generator, server and database share this machine's CPUs."
        )
        try:
            with contextlib.ExitStack() as stack:
                if base_url is None:
                    self.stdout.write(
                        f"gunicorn: {workers} gthread workers x {threads} threads"
                        + (", --reuse-port" if reuse_port else ", one shared listening socket")
                    )
                    server = GunicornServer(
                        database_url=database_url(connection.settings_dict),
                        workers=workers,
                        threads=threads,
                        reuse_port=reuse_port,
                    )
                    base_url = stack.enter_context(server).url
                    stack.enter_context(ConnectionsWatch(server, self.stdout))
                result = load_run(base_url=base_url, data=data, clients=clients, duration=duration, seed=seed)
        finally:
            if not keep:
                data.remove()
        self.stdout.write("\n".join(result.report()))
        if result.failures:
            raise CommandError("; ".join(result.failures))


class ConnectionsWatch:
    """Notes, every second of the run, how many client connections each worker holds; prints the most."""

    def __init__(self, server: GunicornServer, out):
        self.server, self.out = server, out
        self.most: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(5)
        counts = ", ".join(str(self.most[pid]) for pid in sorted(self.most))
        self.out.write(f"client connections per worker (the most seen): {counts}")

    def _watch(self):
        while not self._stop.wait(1.0):
            for pid, count in self.server.client_connections().items():
                self.most[pid] = max(self.most.get(pid, 0), count)
