"""Median and p95 latency of the hot record API calls, against the configured database.

Requests go through the whole Django stack (middleware, token authentication, views, serializers,
services, PostgreSQL) in-process, without an HTTP server in front. The benchmark builds its own
record, in a Care Location of its own, and removes everything it made when it is done.
"""

import statistics
import time
import uuid
from datetime import date, timedelta

from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from loadtools.synthetic import free_nins, remove_location
from maternity import services
from maternity.rules.resources import RESOURCE_TYPES
from spine.services import spine_client_create

API = "/api/maternity-record/v1"


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


class Command(BaseCommand):
    help = "Measure GET record and PUT resource latency (median, p95) with a realistic record."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=300, help="Requests per measured call.")
        parser.add_argument("--appointments", type=int, default=40)
        parser.add_argument(
            "--history", type=int, default=200, help="Earlier versions of the mother resource."
        )

    def handle(self, *args, requests, appointments, history, **options):
        self.stdout.write(f"Database: {connection.vendor} {connection.settings_dict.get('NAME')}")
        location = services.care_location_create(
            name="Benchmark location (synthetic)", org_nr=f"BENCH-{uuid.uuid4().hex[:8]}"
        )
        try:
            # In-process requests come from 127.0.0.1, whatever hosts the deployment allows.
            with override_settings(ALLOWED_HOSTS=["127.0.0.1"]):
                self._run(location, requests, appointments, history)
        finally:
            remove_location(location)

    def _run(self, location, requests, appointments, history):
        new = spine_client_create(care_location=location, name="Benchmark client")
        http = Client(headers={"host": "127.0.0.1"})
        token = http.post(
            "/o/token/",
            {
                "grant_type": "client_credentials",
                "client_id": new.client_id,
                "client_secret": new.client_secret,
            },
            secure=True,
        ).json()["access_token"]
        nin = free_nins(1)[0]
        headers = {
            "Authorization": f"Bearer {token}",
            "nhn-source-system": "benchmark",
            "nhn-patient-nin": nin,
            "X-Acting-User-Name": "Bench Mark",
            "X-Acting-User-Id": "1",
        }

        def call(method, path, body=None):
            return getattr(http, method)(
                f"{API}/{path}", data=body, content_type="application/json", headers=headers, secure=True
            )

        created = call(
            "post",
            "record",
            {"mother": {"name": "Bench 0"}, "currentPregnancy": {"dateLastPeriod": "2026-05-01"}},
        )
        record_id = created.json()["metadata"]["recordId"]
        for version in range(1, history + 1):
            call(
                "put",
                f"record/{record_id}/mother",
                {"metadata": {"version": version}, "name": f"Bench {version}"},
            )
        for index in range(appointments):
            day = date(2026, 5, 1) + timedelta(days=56 + 7 * index)
            call(
                "post",
                f"record/{record_id}/antenatalAppointments",
                {"appointmentDate": day.isoformat(), "bloodPressure": "118/76", "motherWeight": 70.5},
            )
        self.stdout.write(
            f"Record: {appointments} appointments, {history + 1} versions of mother, "
            f"{len(RESOURCE_TYPES)} resource types"
        )

        with CaptureQueriesContext(connection) as queries:
            assert call("get", f"record/{record_id}").status_code == 200
        self.stdout.write(f"GET record: {len(queries)} SQL queries")

        get_ms = self._measure(requests, lambda: call("get", f"record/{record_id}"), 200)
        version = {"value": history + 1}

        def put():
            response = call(
                "put",
                f"record/{record_id}/mother",
                {"metadata": {"version": version["value"]}, "name": "Bench"},
            )
            version["value"] += 1
            return response

        put_ms = self._measure(requests, put, 200)
        for name, samples in (("GET record", get_ms), ("PUT resource", put_ms)):
            self.stdout.write(
                f"{name:13s} n={len(samples)}  median {statistics.median(samples):6.2f} ms  "
                f"p95 {percentile(samples, 0.95):6.2f} ms  max {max(samples):6.2f} ms"
            )

    def _measure(self, count, send, expected_status) -> list[float]:
        for _ in range(min(20, count)):  # warm up
            send()
        samples = []
        for _ in range(count):
            start = time.perf_counter()
            response = send()
            samples.append((time.perf_counter() - start) * 1000)
            if response.status_code != expected_status:
                raise RuntimeError(f"Unexpected {response.status_code}: {response.content[:300]!r}")
        return samples
