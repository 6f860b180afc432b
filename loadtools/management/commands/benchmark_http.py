"""Throughput and latency over real HTTP, through gunicorn, and the workers' memory.

Starts gunicorn (gthread workers, DEBUG off, production settings) against DATABASE_URL on a free loopback
port, makes a synthetic Care Location with a client system (a real token from /o/token/) and records with
realistic content, then for each call lets C keep-alive clients send requests as fast as they are answered:

- GET /health/live: the floor (Django and gunicorn, no database);
- GET record: the whole record document;
- PUT clinicalTests with the version last read; each client writes its own records, so writers do not
  queue on one record's lock (409 conflicts, if any, are reported apart);
- GET record again as NHN's clients call: a HelseID-style user token (JWT, checked against its issuer's
  keys, fetched over HTTP from loadtools/token_issuer.py's issuer) bound to the client's key, with a fresh
  DPoP proof per request: what signed tokens cost beside this server's own;
- the record page as a midwife opens it in her browser (signed in, a session cookie), in Bokmål and in
  English: what a page costs beside the API's document, and what the translation costs;
- the public data dictionary (/data-set/, every resource and field, no session) in Bokmål: the largest
  public page.

Prints requests/s and p50/p95/p99 per call, GET and PUT throughput relative to the floor, and each
worker's resident memory (VmRSS) at start, after the phases, and after N more mixed GET/PUT requests.
Every API request above writes one audit entry, so each call's figures include the audit trail's hash
chain; last, the audit insert itself is timed with the chain and without it, side by side, by one writer
and by C at once (loadtools/audit_cost.py).
Everything it made is removed afterwards.
"""

import json
import random
import resource
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings

from loadtools.audit_cost import audit_insert_cost
from loadtools.client import ApiClient, DpopApiClient, PageClient, load_data, page_session, token_fetch
from loadtools.runner import run_clients
from loadtools.scenarios import (
    DictionaryPageClient,
    HealthClient,
    MixedClient,
    ReadClient,
    RecordPageClient,
    WriteClient,
)
from loadtools.server import GunicornServer, cpu_seconds, database_url, rss_kb
from loadtools.stats import format_statuses, percentile
from loadtools.token_issuer import DpopKey, KeyServer
from spine.models import SpineClient
from spine.services import spine_client_set_token_client

SIGNED_TOKEN_CLIENT = "benchmark-epj"

CAVEAT = (
    "Caveat: the load generator (Python threads), gunicorn and PostgreSQL share this machine's CPUs; the "
    "figures are what the whole machine does, not what a server alone would."
)


class Command(BaseCommand):
    help = "Measure requests/s and p50/p95/p99 of /health/live, GET record and PUT resource through gunicorn."

    def add_arguments(self, parser):
        parser.add_argument("--concurrency", type=int, default=8, help="Concurrent clients (default 8).")
        parser.add_argument(
            "--duration", type=float, default=15, help="Measured seconds per call (default 15)."
        )
        parser.add_argument("--warmup", type=float, default=2, help="Unmeasured seconds before each call.")
        parser.add_argument("--records", type=int, default=50, help="Records to read and write (default 50).")
        parser.add_argument(
            "--memory-requests", type=int, default=10_000, help="Mixed GET/PUT requests before the last RSS."
        )
        parser.add_argument("--workers", type=int, default=2, help="Gunicorn worker processes (default 2).")
        parser.add_argument("--threads", type=int, default=4, help="Threads per worker (default 4).")
        parser.add_argument("--location", metavar="ORGNR", help="Use this Care Location's active records.")
        parser.add_argument(
            "--audit-inserts",
            type=int,
            default=500,
            help="Audit inserts per writer and round for the chain's cost (default 500; 0: skip it).",
        )

    def handle(
        self,
        *args,
        concurrency,
        duration,
        warmup,
        records,
        memory_requests,
        workers,
        threads,
        location,
        audit_inserts,
        **o,
    ):
        if connection.vendor != "postgresql":
            raise CommandError("This benchmark needs PostgreSQL (set DATABASE_URL).")
        records = max(records, concurrency)  # every writer has records of its own
        try:
            data = load_data(location, records=records)
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Database: PostgreSQL {connection.settings_dict['NAME']}; {len(data.records)} records; "
            f"gunicorn {workers} gthread workers x {threads} threads; {concurrency} keep-alive clients; "
            f"{duration:g} s per call after {warmup:g} s warm-up\n{CAVEAT}"
        )
        issuer = KeyServer()
        issuers = [issuer.settings(dpop_required=True)]
        try:
            with override_settings(SPINE_TOKEN_ISSUERS=issuers):
                spine_client_set_token_client(
                    client=SpineClient.objects.get(application__client_id=data.client_id),
                    issuer=issuer.issuer,
                    client_id=SIGNED_TOKEN_CLIENT,
                )
            server = GunicornServer(
                database_url=database_url(connection.settings_dict),
                workers=workers,
                threads=threads,
                env={"SPINE_TOKEN_ISSUERS": json.dumps(issuers)},
            )
            with server:
                self._run(server, data, concurrency, duration, warmup, memory_requests, issuer)
        finally:
            issuer.stop()
            data.remove()
        if audit_inserts > 0:
            self._audit_insert_cost(concurrency, audit_inserts)

    def _audit_insert_cost(self, concurrency: int, inserts: int) -> None:
        self.stdout.write(
            "\nThe audit insert (access_log_write, one entry committed on its own) with the hash chain and "
            "without it (the trigger off), median of 3 alternating rounds:\n"
            f"{'writers':>7s} {'chained ms':>11s} {'plain ms':>9s} {'ratio':>6s} {'chained/s':>10s} "
            f"{'plain/s':>8s}"
        )
        for writers in sorted({1, concurrency}):
            cost = audit_insert_cost(writers=writers, inserts=inserts)
            self.stdout.write(
                f"{cost.writers:7d} {cost.chained_ms:11.3f} {cost.unchained_ms:9.3f} {cost.ratio:5.2f}x "
                f"{cost.chained_per_s:10.0f} {cost.unchained_per_s:8.0f}"
            )

    def _run(self, server, data, concurrency, duration, warmup, memory_requests, issuer):
        pids = server.worker_pids()
        memory = {"at start (booted, no request yet)": {pid: rss_kb(pid) for pid in pids}}
        token = token_fetch(server.url, data.client_id, data.client_secret)
        dpop_key = DpopKey()
        signed = issuer.user_token(
            SIGNED_TOKEN_CLIENT, cnf={"jkt": dpop_key.thumbprint}, exp=int(time.time()) + 3600
        )

        cookie, remove_midwife = page_session(data.location, server.secret_key)
        apis = {
            "own token": lambda: ApiClient(server.url, token),
            "signed token": lambda: DpopApiClient(server.url, signed, dpop_key),
            "page nb": lambda: PageClient(server.url, cookie, "nb-NO,nb;q=0.9,en;q=0.5"),
            "page en": lambda: PageClient(server.url, cookie, "en-GB,en;q=0.9"),
            "public nb": lambda: PageClient(server.url, "", "nb-NO,nb;q=0.9,en;q=0.5"),
        }

        def clients(kind, share_records=True, api="own token"):
            def make(index):
                mine = data.records if share_records else data.records[index::concurrency]
                return kind(apis[api](), mine, f"b{index}", random.Random(index))

            return make

        rates, cpu_lines, server_ms = {}, [], {}
        self.stdout.write(
            f"\n{'call':22s} {'requests':>8s} {'req/s':>7s} {'p50 ms':>7s} {'p95 ms':>7s} {'p99 ms':>7s}  "
            "statuses"
        )
        for label, kind, operation, shared, api, key in [
            ("GET /health/live", HealthClient, "health_live", True, "own token", "health_live"),
            ("GET record", ReadClient, "get_record", True, "own token", "get_record"),
            ("PUT clinicalTests", WriteClient, "put_resource", False, "own token", "put_resource"),
            ("GET record, DPoP JWT", ReadClient, "get_record", True, "signed token", "get_record signed"),
            ("record page, Bokmål", RecordPageClient, "record_page", True, "page nb", "record_page nb"),
            ("record page, English", RecordPageClient, "record_page", True, "page en", "record_page en"),
            ("data dictionary, nb", DictionaryPageClient, "dictionary_page", True, "public nb", "dict nb"),
        ]:
            made = [
                clients(kind, shared, api)(index) for index in range(concurrency)
            ]  # warm-up, then measured
            run_clients(made.__getitem__, clients=concurrency, duration=warmup)
            meter = CpuMeter(server)
            stats, seconds = run_clients(made.__getitem__, clients=concurrency, duration=duration)
            used = meter.used()
            samples = stats.latencies_ms[operation]
            operation = key
            rates[operation] = len(samples) / seconds
            self.stdout.write(
                f"{label:22s} {len(samples):8d} {rates[operation]:7.1f} {percentile(samples, 0.5):7.1f} "
                f"{percentile(samples, 0.95):7.1f} {percentile(samples, 0.99):7.1f}  "
                f"{format_statuses(stats.total_statuses())}"
            )
            per_request = [seconds_used * 1000 / max(1, stats.count()) for seconds_used in used]
            server_ms[operation] = sum(per_request[:2])
            cpu_lines.append(
                f"{label:22s} {per_request[0]:8.2f} {per_request[1]:11.2f} {per_request[2]:15.2f} "
                f"{server_ms[operation]:11.2f} {server_ms[operation] / server_ms['health_live']:10.1f}x"
            )
            if operation == "put_resource":
                self.stdout.write(f"{'':22s} version conflicts (409): {stats.statuses['put_resource'][409]}")
            if stats.server_errors() or stats.no_responses():
                self.stdout.write(f"  unexpected: {stats.errors[:5]}")
        floor = rates["health_live"]
        self.stdout.write(
            f"\nThroughput relative to the floor: GET record / health {rates['get_record'] / floor:.2f}, "
            f"PUT / health {rates['put_resource'] / floor:.2f}, GET record with a DPoP-bound JWT / health "
            f"{rates['get_record signed'] / floor:.2f}, record page in Bokmål / health "
            f"{rates['record_page nb'] / floor:.2f}, in English {rates['record_page en'] / floor:.2f}"
        )
        self.stdout.write(
            "\nCPU time per request (ms), whoever else uses the machine; server = gunicorn + PostgreSQL, so "
            "two dedicated cores would serve about 2000 / server requests a second; vs floor = server CPU / "
            "the floor's:\n"
            f"{'call':22s} {'gunicorn':>8s} {'PostgreSQL':>11s} {'load generator':>15s} {'server':>11s} "
            f"{'vs floor':>11s}\n" + "\n".join(cpu_lines)
        )

        remove_midwife()
        memory["after the measured calls"] = {pid: rss_kb(pid) for pid in pids}
        stats, seconds = run_clients(
            clients(MixedClient, share_records=False), clients=concurrency, total=memory_requests
        )
        memory[f"after {stats.count():,} more mixed GET/PUT"] = {pid: rss_kb(pid) for pid in pids}
        if server.worker_pids() != pids:
            self.stdout.write(f"Workers changed during the run: {pids} -> {server.worker_pids()}")
        self.stdout.write(
            f"\nWorker memory (VmRSS, MB); the mixed requests ran at {stats.count() / seconds:.0f} req/s, "
            f"statuses {format_statuses(stats.total_statuses())}"
        )
        self.stdout.write(f"{'':40s}" + "".join(f"{f'pid {pid}':>12s}" for pid in pids))
        for label, sizes in memory.items():
            self.stdout.write(f"{label:40s}" + "".join(f"{sizes[pid] / 1024:12.1f}" for pid in pids))


class CpuMeter:
    """CPU time used since it was made by gunicorn's workers, by the PostgreSQL backends of this database
    (new ones: all of theirs; ones that closed meanwhile are missed), and by this process (the clients)."""

    def __init__(self, server: GunicornServer):
        self.server = server
        self.workers, self.backends, self.own = self._now()

    def used(self) -> tuple[float, float, float]:
        workers, backends, own = self._now()
        database = sum(cpu - self.backends.get(pid, 0.0) for pid, cpu in backends.items())
        return workers - self.workers, database, own - self.own

    def _now(self) -> tuple[float, dict[int, float], float]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
            )
            backends = {pid: cpu_seconds([pid]) for (pid,) in cursor.fetchall()}
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return cpu_seconds(self.server.worker_pids()), backends, usage.ru_utime + usage.ru_stime
