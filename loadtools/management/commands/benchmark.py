"""Latency of the hot calls against whatever `generate_records` put in the database.

    manage.py generate_records --pregnancies 10000
    manage.py benchmark --save bench-10k.json
    ... (grow the database to 1,000,000) ...
    manage.py benchmark --compare bench-10k.json

Each call goes through the whole Django stack in-process (middleware, authentication, views, services,
PostgreSQL, audit) without an HTTP server in front, on a different record each time, chosen at random
from the records of one synthetic Care Location. The first figure reads each of those records for the
first time in the run: at a million, on a machine with less memory than the database, that is mostly the
cost of bringing its pages in from disk. The reads of what a record holds besides its document (its
history, its access log) are timed the same way: each record's first time as a figure of its own
("..., first"). The other calls then work on those records, which are in memory,
as the records a location is working on are on a server sized for its working set, so that the sizes are
compared on what the code does rather than on what fits in this machine's memory. Every figure comes with
its SQL query count, which must not grow with the database.
"""

import json
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, TypedDict, cast

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from maternity.database.compiled_queries import readable
from maternity.models import CareLocation, MedicalConditions, Person, Pregnancy, PregnancyGroupPermission
from maternity.reads.caseload import PAGE_SIZE, caseload_size
from maternity.rules.identifiers import NO_FNR
from spine.event_cursors import cursor_for
from spine.models import SpineClient
from spine.services import spine_client_create, spine_client_rotate_secret

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

API = "/api/maternity-record/v1"
BENCH_CLIENT = "Benchmark client (synthetic)"
FEED_LAG = 5000  # the feed poll starts this many events behind the head: a client a little behind
FIRST_READ = "first GET of a record"


class SampleKeys(TypedDict):
    """What `_sample_records` sets on each record: her keys and her portal account, if any."""

    nin: str
    dob: date | None
    user_id: int | None


@dataclass
class Figure:
    name: str
    samples: list[float]
    queries: int
    sql: list[str]
    cpu: float | None = None  # ms per call: this process and its PostgreSQL backend, on the CPU

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _cpu_ns() -> tuple[int, int] | None:
    """(backend pid, CPU time so far of this process and of the PostgreSQL backend serving its connection,
    in ns): steadier than elapsed time on a shared machine, and blind to waiting for the disk. None when
    the backend is not on this machine, so its time cannot be read."""
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        [pid] = cursor.fetchone()
    try:
        with open(f"/proc/{pid}/schedstat") as file:
            backend = int(file.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pid, time.process_time_ns() + backend


def _cpu_per_call(before: tuple[int, int] | None, after: tuple[int, int] | None, calls: int) -> float | None:
    """Milliseconds of CPU per call between two readings of `_cpu_ns`, if both read the same backend."""
    if before is None or after is None or before[0] != after[0]:
        return None
    return (after[1] - before[1]) / calls / 1e6


class Command(BaseCommand):
    help = "Median and p95 latency of the hot calls on the generated data (see generate_records)."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=200, help="Requests per call measured.")
        parser.add_argument("--location", default="SYN-0001", help="The Care Location acting (org nr).")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--save", help="Write the figures to this JSON file.")
        parser.add_argument("--sql", action="store_true", help="Print each call's SQL (to EXPLAIN it).")
        parser.add_argument("--compare", help="Print each figure's ratio to the one saved in this file.")

    def handle(self, *args, requests, location, seed, save, compare, sql, **options):
        if connection.vendor != "postgresql":
            raise CommandError("benchmark measures PostgreSQL; set DATABASE_URL.")
        home = CareLocation.objects.filter(org_nr=location).first()
        if home is None:
            raise CommandError(f"No Care Location {location}: run generate_records first.")
        self.rng = random.Random(seed)
        self.requests = requests
        pregnancies = Pregnancy.objects.count()
        self.stdout.write(
            f"Database {connection.settings_dict['NAME']}: {pregnancies:,} pregnancies; "
            f"acting for {home}; {requests} requests per call"
        )
        # In-process requests come from 127.0.0.1; break glass is measured, not rate limited.
        unlimited = {name: (10**9, seconds) for name, (_, seconds) in settings.RATE_LIMITS.items() if seconds}
        with override_settings(ALLOWED_HOSTS=["127.0.0.1", "testserver"], RATE_LIMITS=unlimited):
            figures = self._run(home)
        self._print(figures, pregnancies, compare)
        if sql:
            for figure in figures:
                self.stdout.write(f"\n-- {figure.name}: {figure.queries} queries")
                for statement in figure.sql:
                    self.stdout.write(f"{statement};")
        if save:
            with open(save, "w") as file:
                json.dump(
                    {
                        "pregnancies": pregnancies,
                        "figures": {
                            f.name: {"median": f.median, "p95": f.p95, "queries": f.queries, "cpu": f.cpu}
                            for f in figures
                        },
                    },
                    file,
                    indent=2,
                )
            self.stdout.write(f"Saved to {save}")

    # --- the calls -------------------------------------------------------------------------------

    def _run(self, home: CareLocation) -> list[Figure]:
        http = Client(headers={"host": "127.0.0.1"})
        client, token = self._client_and_token(http, home)
        api_headers = {
            "Authorization": f"Bearer {token}",
            "nhn-source-system": "benchmark",
            "X-Acting-User-Name": "Bench Mark",
            "X-Acting-User-Id": "9000001",
        }
        # Break glass makes the finder a stakeholder: another location finds, so that the acting location's
        # records (and so its caseload and event feed) stay as generated, run after run.
        finder = (
            CareLocation.objects.exclude(pk=home.pk)
            .filter(org_nr__startswith="SYN-")
            .order_by("org_nr")
            .first()
        )
        if finder is None:
            raise CommandError(
                "Break glass needs a second synthetic Care Location: generate with --locations 2 or more."
            )
        _, finder_token = self._client_and_token(http, finder)
        mine = self._sample_records(group_id=home.group_id, count=self.requests)
        others = self._sample_records(group_id=None, count=self.requests, exclude_group=finder.group_id)
        figures = []

        def api(method: str, path: str, body=None, nin: str = "", content_type="application/json"):
            return getattr(http, method)(
                path,
                data=json.dumps(body) if body is not None else None,
                content_type=content_type,
                headers={**api_headers, "nhn-patient-nin": nin},
                secure=True,
            )

        def read(record):
            return api("get", f"{API}/record/{record.pk}", nin=record.nin)

        # Each sampled record read for the first time in this run, then every call on records that are in
        # memory (as the ones a location works on are, on a server with the memory for its working set).
        first_reads = list({record.pk: record for record in mine}.values())
        figures.append(self._measure(FIRST_READ, first_reads, read, 200, warm_up=False))
        figures.append(self._measure("GET record", mine, read, 200))
        versions = dict(MedicalConditions.objects.filter(record__in=mine).values_list("record_id", "version"))

        def put(record):
            version = versions[record.pk]
            versions[record.pk] = version + 1
            body = {"metadata": {"version": version}, "nothingParticular": bool(version % 2)}
            return api("put", f"{API}/record/{record.pk}/medicalConditions", body, nin=record.nin)

        figures.append(self._measure("PUT resource", mine, put, 200))

        def find(record):
            body = {
                "resourceType": "Parameters",
                "parameter": [
                    {"name": "national-id", "valueIdentifier": {"system": NO_FNR, "value": record.nin}},
                    {"name": "dob", "valueDate": str(record.dob)},
                    {"name": "edd", "valueDate": str(record.agreed_edd)},
                    {"name": "break-glass-reason-code", "valueCode": "LABOUR"},
                    {"name": "break-glass-reason", "valueString": "Benchmark: admitted in labour"},
                ],
            }
            return http.post(
                "/spine/fhir/Patient/$find-pregnancy",
                data=json.dumps(body),
                content_type="application/fhir+json",
                headers={
                    **api_headers,
                    "Authorization": f"Bearer {finder_token}",
                    "X-Acting-User-Id": "9000002",
                },
                secure=True,
            )

        figures.append(self._measure("find by keys (break glass)", others, find, 200))
        figures += self._first_then_warm(
            "record history", mine, lambda r: api("get", f"{API}/history/{r.pk}", nin=r.nin)
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT position FROM maternity_event_position_counter WHERE id = 1")
            head = cursor.fetchone()[0]

        def feed(_record):
            after = cursor_for(client, max(0, head - FEED_LAG - self.rng.randint(0, FEED_LAG)))
            return api("get", f"/spine/v1/events?after={after}&limit=100")

        figures.append(self._measure("event feed page", mine, feed, 200))

        midwife = get_user_model().objects.get(username=f"syn-midwife-{home.org_nr[4:]}")
        web = Client(headers={"host": "127.0.0.1"})
        web.force_login(midwife)
        figures.append(self._measure("caseload page", mine, lambda _r: web.get("/", secure=True), 200))
        # A page from the middle of the caseload (within a tenth of its pages either side): the pregnancies on
        # it are at the same point in pregnancy at every size (as many visits and measurements to show),
        # while at a million it is ~150 pages deep (page 2 of 3 at 10,000).
        pages = max(1, -(-caseload_size(home) // PAGE_SIZE))
        middle, spread = (pages + 1) // 2, pages // 10
        figures.append(
            self._measure(
                "caseload, middle page",
                mine,
                lambda _r: web.get(
                    f"/?page={self.rng.randint(middle - spread, middle + spread)}", secure=True
                ),
                200,
            )
        )
        figures += self._patient_access_log(mine)
        return figures

    @staticmethod
    def _client_and_token(http: Client, location: CareLocation) -> tuple[SpineClient, str]:
        client = SpineClient.objects.filter(care_location=location, name=BENCH_CLIENT).first()
        if client is None:
            new = spine_client_create(care_location=location, name=BENCH_CLIENT)
            client, secret = new.client, new.client_secret
        else:  # a new secret each run: only its hash is kept
            secret = spine_client_rotate_secret(client=client).client_secret
        token = http.post(
            "/o/token/",
            {"grant_type": "client_credentials", "client_id": client.client_id, "client_secret": secret},
            secure=True,
        ).json()["access_token"]
        return client, token

    def _patient_access_log(self, records) -> list[Figure]:
        """Her own access log in the portal, each sampled person signed in (untimed) in her own browser."""
        users = get_user_model().objects
        made, browsers = [], {}
        try:
            for record in {record.pk: record for record in records}.values():
                user = users.filter(pk=record.user_id).first()
                if user is None:
                    user = users.create_user(username=f"bench-patient-{record.person_id}")
                    Person.objects.filter(pk=record.person_id).update(user=user)
                    made.append(user.pk)
                browsers[record.pk] = browser = Client(headers={"host": "127.0.0.1"})
                # One server for all of them: a test client loads the middleware on its first request
                # (WhiteNoise reads the static files then, ~50 ms), which no real request pays.
                browser.handler = next(iter(browsers.values())).handler
                browser.force_login(user)

            def read(record):
                return browsers[record.pk].get(f"/portal/pregnancies/{record.pk}/access-log/", secure=True)

            return self._first_then_warm("patient's access log", records, read)
        finally:
            Person.objects.filter(user_id__in=made).update(user=None)
            users.filter(pk__in=made).delete()

    # --- measuring -------------------------------------------------------------------------------

    def _measure(self, name: str, records: list, send: Callable, status: int, *, warm_up=True) -> Figure:
        """Each record sent once, timed; the query count and SQL from one more (first, with `warm_up`, ten
        untimed sends; without, the counted one comes last, so that every timed send is a record's first)."""
        if warm_up:
            for record in records[:10]:
                self._check(name, send(record), status)
        samples = []
        cpu_before = _cpu_ns()
        for record in records:
            started = time.perf_counter()
            response = send(record)
            samples.append((time.perf_counter() - started) * 1000)
            self._check(name, response, status)
        cpu_after = _cpu_ns()
        cpu = _cpu_per_call(cpu_before, cpu_after, len(records))
        connection.queries_log.clear()  # a full log (DEBUG on) would count nothing
        with CaptureQueriesContext(connection) as queries:
            self._check(name, send(records[0]), status)
        query_count = len(queries)  # now: the log is emptied when the next request starts
        sql = [readable(query["sql"]) for query in queries.captured_queries]
        self.stdout.write(f"  measured {name}")
        return Figure(name, samples, query_count, sql, cpu)

    def _first_then_warm(self, name: str, records: list, send: Callable) -> list[Figure]:
        """A read of what belongs to one record (its history, its access log), which the first GET did not
        bring into memory: each record's first time timed as its own figure ("..., first"), then the call
        on records whose pages are in memory, as for GET record."""
        distinct = list({record.pk: record for record in records}.values())
        return [
            self._measure(f"{name}, first", distinct, send, 200, warm_up=False),
            self._measure(name, records, send, 200),
        ]

    @staticmethod
    def _check(name, response, status) -> None:
        if response.status_code != status:
            raise CommandError(f"{name}: {response.status_code} {response.content[:400]!r}")

    def _sample_records(
        self, *, group_id: int | None, count: int, exclude_group: int | None = None
    ) -> "list[WithAnnotations[Pregnancy, SampleKeys]]":
        """`count` random ACTIVE records the group is a stakeholder of (or, with `exclude_group`, is not).
        The same `--seed` draws the same records from the same data (PostgreSQL's `random()` is seeded for
        this session), so a second run reads records the first one brought into memory."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT setseed(%s)", [self.rng.random()])
        grants = PregnancyGroupPermission.objects
        if group_id is not None:
            ids = list(
                grants.filter(group_id=group_id, content_object__status="ACTIVE")
                .order_by("?")
                .values_list("content_object_id", flat=True)[:count]
            )
        else:
            if exclude_group is None:
                raise ValueError("Without a group to draw from, give the group whose records to leave out.")
            ids = list(
                Pregnancy.objects.filter(status="ACTIVE", agreed_edd__isnull=False)
                .exclude(pregnancygrouppermission__group_id=exclude_group)
                .order_by("?")
                .values_list("pk", flat=True)[: count * 2]
            )
        sampled = (
            Pregnancy.objects.filter(pk__in=ids)
            .select_related("person")
            .only("id", "agreed_edd", "person__identifier_value", "person__date_of_birth", "person__user_id")
        )
        # each with her keys and portal account beside it (set below)
        records = cast("list[WithAnnotations[Pregnancy, SampleKeys]]", list(sampled))
        if not records:
            raise CommandError("No suitable records: run generate_records first.")
        self.rng.shuffle(records)
        records = (records * (count // len(records) + 1))[: count * 2]  # a small database: records again
        for record in records:
            record.nin = record.person.identifier_value
            record.dob = record.person.date_of_birth
            record.user_id = record.person.user_id
        return records[:count]

    # --- output ----------------------------------------------------------------------------------

    def _print(self, figures: list[Figure], pregnancies: int, compare: str | None) -> None:
        before = {}
        if compare:
            with open(compare) as file:
                saved = json.load(file)
            before = saved["figures"]
            self.stdout.write(f"Compared with {compare} ({saved['pregnancies']:,} pregnancies):")
        header = f"{'call':<33} {'median ms':>10} {'p95 ms':>9} {'queries':>8} {'cpu ms':>7}"
        if before:
            header += f" {'median x':>9} {'p95 x':>7} {'queries then':>13} {'cpu x':>6}"
        self.stdout.write(header)
        for figure in figures:
            cpu = f"{figure.cpu:.2f}" if figure.cpu is not None else "-"
            line = f"{figure.name:<33} {figure.median:>10.1f} {figure.p95:>9.1f} {figure.queries:>8} {cpu:>7}"
            if figure.name in before:
                then = before[figure.name]
                cpu_then = then.get("cpu")
                cpu_ratio = f"{figure.cpu / cpu_then:.2f}" if figure.cpu and cpu_then else "-"
                line += (
                    f" {figure.median / then['median']:>9.2f} {figure.p95 / then['p95']:>7.2f}"
                    f" {then['queries']:>13} {cpu_ratio:>6}"
                )
            self.stdout.write(line)
