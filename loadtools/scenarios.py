"""What the simulated client systems do, one step at a time.

Writes send the version they read (`metadata.version`) and learn the next one from the answer; a 409
(someone else wrote first) makes the client read the record again, as a real client would. Every
acknowledged write (2xx) is remembered with the marker text it wrote, so the run can check afterwards that
each one is in the record's history exactly once.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from .client import ApiClient, LoadRecord
from .stats import NO_RESPONSE, Stats

EVENTS = "/spine/v1/events"
SINGLETONS = ("mother", "clinicalTests", "medicalConditions")
MARKER_FIELD = {  # where each write puts its marker, to find that exact version in the history
    "mother": "cohabitingCoparentNote",
    "clinicalTests": "note",
    "medicalConditions": "note",
    "antenatalAppointments": "note",
}


def resource_body(resource_type: str, marker: str, rng: random.Random) -> dict:
    """A realistic full resource (PUT replaces the whole resource) carrying `marker`."""
    if resource_type == "mother":
        body = {
            "name": "Nora Hansen",
            "address": f"Havnegata {rng.randint(1, 60)}",
            "postNumber": "6900",
            "postName": "Fjordvik",
            "employedLast6Months": True,
            "employmentPercentage": rng.choice([60, 80, 100]),
            "occupationAndIndustry": "Sykepleier, helse",
            "language": {"code": "NO"},
            "countryOfBirth": {"code": "NOR"},
            "needsLanguageInterpreter": False,
            "cohabitingCoparent": True,
        }
    elif resource_type == "clinicalTests":
        body = {
            "hemoglobin": round(rng.uniform(10.8, 13.8), 1),
            "ferritin": round(rng.uniform(12, 80), 1),
            "hbv": False,
            "hiv": False,
            "syphilis": False,
            "bloodAntibodies": False,
            "rubellaAntigen": True,
            "groupBStreptococci": rng.choice([True, False]),
            "aboRh": {"aboType": "O", "rhesusDType": "POSTIVE"},
            "glucoseTolerance": {
                "fastingGlucoseLevel": 4.8,
                "post2hGlucoseLevel": 6.9,
                "testDate": "2026-05-02",
            },
        }
    elif resource_type == "medicalConditions":
        body = {
            "nothingParticular": False,
            "allergiesAsthma": True,
            "highBloodPressure": rng.choice([False, None]),
            "diabetes": False,
            "mentalHealth": None,
        }
    else:
        raise ValueError(resource_type)
    body[MARKER_FIELD[resource_type]] = marker
    return body


def appointment_body(marker: str, rng: random.Random) -> dict:
    week = rng.randint(12, 40)
    return {
        "appointmentDate": (date(2026, 5, 1) + timedelta(days=rng.randint(0, 200))).isoformat(),
        "pregnancyWeek": week,
        "daysAfterFullPregnancyWeek": rng.randint(0, 6),
        "motherWeight": round(rng.uniform(58, 90), 1),
        "bloodPressure": f"{rng.randint(106, 130)}/{rng.randint(64, 84)}",
        "proteinInUrineTestResult": "Neg",
        "edema": 0,
        "fetusesVitalSigns": [
            {"fosterId": 1, "fetalHeartRate": rng.randint(120, 160), "fetalPresentationLie": {"code": "1"}}
        ],
        "note": marker,
    }


@dataclass(frozen=True)
class Ack:
    """A write the server acknowledged: this version of this resource holds `marker`."""

    record_id: str
    resource_type: str
    resource_id: str
    version: int
    marker: str


@dataclass
class RecordClient:
    """The common part: a connection, the records it works on, the versions it last saw."""

    api: ApiClient
    records: list[LoadRecord]
    name: str
    rng: random.Random
    acks: list[Ack] = field(default_factory=list)
    known: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)  # (record, type) -> (id, ver)
    writes: int = 0

    def close(self) -> None:
        self.api.close()

    def read(self, stats: Stats, record: LoadRecord, operation: str = "get_record") -> None:
        response, ms = self.api.timed("GET", f"record/{record.record_id}", nin=record.nin)
        stats.record(operation, status_of(response), ms)
        if response is not None and response.status_code == 200:
            body = response.json()
            for name in SINGLETONS:
                if body.get(name):
                    metadata = body[name]["metadata"]
                    self.known[(record.record_id, name)] = (metadata["id"], metadata["version"])
        else:
            unexpected(stats, operation, response)

    def put(self, stats: Stats, record: LoadRecord, resource_type: str) -> None:
        key = (record.record_id, resource_type)
        if key not in self.known:
            self.read(stats, record, "get_record")
            if key not in self.known:
                return
        resource_id, version = self.known[key]
        marker = self.marker()
        body = {"metadata": {"version": version}, **resource_body(resource_type, marker, self.rng)}
        response, ms = self.api.timed(
            "PUT", f"record/{record.record_id}/{resource_type}", nin=record.nin, json=body
        )
        stats.record("put_resource", status_of(response), ms)
        if response is not None and response.status_code == 200:
            metadata = response.json()["metadata"]
            self.known[key] = (metadata["id"], metadata["version"])
            self.acks.append(
                Ack(record.record_id, resource_type, metadata["id"], metadata["version"], marker)
            )
        else:
            self.known.pop(key, None)  # 409: someone wrote first; read again before the next write
            if response is None or response.status_code != 409:
                unexpected(stats, "put_resource", response)

    def marker(self) -> str:
        self.writes += 1
        return f"{self.name}-w{self.writes}"


class HealthClient(RecordClient):
    def step(self, stats: Stats) -> None:
        response, ms = self.api.timed("GET", "/health/live")
        stats.record("health_live", status_of(response), ms)


class RecordPageClient(RecordClient):
    """A midwife opening record pages: the whole record as the app shows it, in her browser's language
    (`api` is a PageClient)."""

    def step(self, stats: Stats) -> None:
        record = self.rng.choice(self.records)
        response, ms = self.api.timed("GET", f"/records/{record.record_id}/")
        stats.record("record_page", status_of(response), ms)
        if response is None or response.status_code != 200:
            unexpected(stats, "record_page", response)


class DictionaryPageClient(RecordClient):
    """Anyone reading the public data dictionary (/data-set/): every resource type and field of the record,
    in her browser's language (`api` is a PageClient without a session)."""

    def step(self, stats: Stats) -> None:
        response, ms = self.api.timed("GET", "/data-set/")
        stats.record("dictionary_page", status_of(response), ms)
        if response is None or response.status_code != 200:
            unexpected(stats, "dictionary_page", response)


class ReadClient(RecordClient):
    def step(self, stats: Stats) -> None:
        self.read(stats, self.rng.choice(self.records))


class WriteClient(RecordClient):
    """PUTs clinicalTests on its own records only, so writers do not wait on each other's row locks."""

    def step(self, stats: Stats) -> None:
        self.put(stats, self.rng.choice(self.records), "clinicalTests")


class MixedClient(RecordClient):
    """Half reads, half writes (for memory over many requests)."""

    def step(self, stats: Stats) -> None:
        record = self.rng.choice(self.records)
        if self.rng.random() < 0.5:
            self.read(stats, record)
        else:
            self.put(stats, record, "clinicalTests")


LOAD_MIX = {
    "get_record": 35,
    "put_resource": 25,
    "post_appointment": 10,
    "get_history": 10,
    "poll_events": 20,
}


@dataclass
class LoadClient(RecordClient):
    """An integrating system under load: reads records, writes resources and appointments, reads history,
    polls the event feed, on records shared with every other client (so writes do conflict)."""

    cursor: str = ""

    def step(self, stats: Stats) -> None:
        operation = self.rng.choices(list(LOAD_MIX), weights=list(LOAD_MIX.values()))[0]
        record = self.rng.choice(self.records)
        if operation == "get_record":
            self.read(stats, record)
        elif operation == "put_resource":
            self.put(stats, record, self.rng.choice(SINGLETONS))
        elif operation == "post_appointment":
            self.post_appointment(stats, record)
        elif operation == "get_history":
            response, ms = self.api.timed(
                "GET", f"history/{record.record_id}", nin=record.nin, params={"limit": 100}
            )
            stats.record("get_history", status_of(response), ms)
            if response is None or response.status_code != 200:
                unexpected(stats, "get_history", response)
        else:
            response, ms = self.api.timed("GET", EVENTS, params=feed_params(self.cursor, 100))
            stats.record("poll_events", status_of(response), ms)
            if response is not None and response.status_code == 200:
                self.cursor = response.json()["next"]
            else:
                unexpected(stats, "poll_events", response)

    def post_appointment(self, stats: Stats, record: LoadRecord) -> None:
        marker = self.marker()
        response, ms = self.api.timed(
            "POST",
            f"record/{record.record_id}/antenatalAppointments",
            nin=record.nin,
            json=appointment_body(marker, self.rng),
        )
        stats.record("post_appointment", status_of(response), ms)
        if response is not None and response.status_code == 201:
            metadata = response.json()["metadata"]
            self.acks.append(
                Ack(record.record_id, "antenatalAppointments", metadata["id"], metadata["version"], marker)
            )
        else:
            unexpected(stats, "post_appointment", response)


def feed_params(cursor: str, limit: int) -> dict:
    """The event feed's query: after the cursor, or from the first event when there is none yet."""
    return {"after": cursor, "limit": limit} if cursor else {"limit": limit}


def status_of(response) -> int:
    return NO_RESPONSE if response is None else response.status_code


def unexpected(stats: Stats, operation: str, response) -> None:
    if response is None:
        stats.note(f"{operation}: no response")
    else:
        stats.note(f"{operation}: {response.status_code} {response.text[:200]}")
