"""One synthetic pregnancy's rows, as the services would have written them over its course.

The course: booked at 8-12 weeks by a Care Location (record, care episode, mother, current pregnancy,
previous pregnancies, medical conditions, clinical tests, vital measurements), a dating scan that
corrects the EDD, antenatal appointments on the usual schedule up to today or the birth, SFH
measurements from 24 weeks, a second look at the blood tests at 28 weeks, sometimes another location
pulling active care, and for the pregnancies that have ended a status change, a note and a birth. Every
change is a version (a historical row) with its RecordEvent and its audit entry; professionals also read
the record between visits.

Statuses: about 75% ACTIVE with gestations spread evenly from 6 to 42 weeks today, 22% DELIVERED within
the last year and 3% TERMINATED. About one person in eight also has an earlier, delivered pregnancy.
"""

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import Model
from django.utils import timezone

from maternity import models as m
from maternity.rules.identifiers import NO_FNR

from .copy_rows import Table, encode
from .people import FIRST_NAMES, LAST_NAMES, STREETS, TOWNS

# One audit entry per request: a visit's appointment (with its SFH in the same sitting is not counted
# again), and the booking's resources come with the record's CREATE.
AUDITED_WRITES = frozenset({"antenatalAppointments", "births"})
SCHEDULE_WEEKS = (10, 16, 20, 24, 28, 31, 34, 36, 38, 40, 41)


@dataclass(frozen=True)
class Location:
    """A Care Location and the midwife whose changes the generated versions carry."""

    id: int
    group_id: int
    org_nr: str
    name: str
    user_id: int
    username: str
    midwife: str
    hpr_nr: str

    def stamp(self) -> dict:
        return {
            "updated_by_user_type": "HEALTH_CARE_PROFESSIONAL",
            "updated_by_org_nr": self.org_nr,
            "updated_by_org_name": self.name,
            "updated_by_hpr_nr": self.hpr_nr,
            "updated_by_hpr_role": "JO",
            "updated_by_name": self.midwife,
            "updated_by_source_system": "generate_records",
            "updated_by_user_id": self.user_id,
        }


def make_tables() -> dict[str, Table]:
    tables = {
        "person": Table(m.Person, omit=("user_id",), serial_given=True),
        "person_history": Table(m.Person.history.model),
        "record": Table(m.Pregnancy),
        "record_history": Table(m.Pregnancy.history.model),
        "grant": Table(m.PregnancyGroupPermission),
        "event": Table(m.RecordEvent),
        "feed": Table(m.FeedEntry),
        "audit": Table(m.AccessLog),
    }
    for model in RESOURCE_MODELS.values():
        tables[_model_name(model)] = Table(model)
        tables[_model_name(model) + "_history"] = Table(model.history.model)
    return tables


def _model_name(model: type[Model]) -> str:
    name = model._meta.model_name
    assert name is not None  # Django sets it on every model class
    return name


RESOURCE_MODELS = {
    "mother": m.Mother,
    "currentPregnancy": m.CurrentPregnancy,
    "previousPregnancies": m.PreviousPregnancies,
    "medicalConditions": m.MedicalConditions,
    "clinicalTests": m.ClinicalTests,
    "vitalMeasurementsBeforePregnancy": m.VitalMeasurementsBeforePregnancy,
    "rhesusDNegative": m.RhesusDNegative,
    "antenatalAppointments": m.AntenatalAppointment,
    "symphysisFundalHeights": m.SymphysisFundalHeight,
    "births": m.Birth,
    "bookings": m.Booking,
    "careLocations": m.CareLocationEpisode,
    "notes": m.Note,
}


class PregnancyWriter:
    """Adds the rows of pregnancies to `tables`. Times are UTC; `today` is the day the data is made for, in
    the deployment's time zone (between midnight there and midnight UTC the two differ)."""

    # Of the pregnancy being added (`add`)
    record: dict[str, Any]
    root_version: int

    def __init__(
        self, tables: dict[str, Table], locations: list[Location], permission_id: int, *, now: datetime
    ):
        self.tables = tables
        self.locations = locations
        self.permission_id = permission_id
        self.now = now
        self.today = timezone.localtime(now).date()  # the day here, as the app counts it (not UTC's)
        self.stamps = {
            location.id: {k: encode(v) for k, v in location.stamp().items()} for location in locations
        }

    # --- one pregnancy ---------------------------------------------------------------------------

    def add(
        self, rng: random.Random, *, person_id: int, nin: str, born: date, new_person: bool, earlier: bool
    ):
        """A pregnancy of the person. `earlier`: an earlier pregnancy of someone who is pregnant again, so
        it is DELIVERED about two years ago."""
        if new_person:
            self._person(person_id, nin, born)
        home = rng.choice(self.locations)
        course = self._course(rng, earlier)
        record_id = self._uuid(rng)
        self.record = {"id": record_id, "person": person_id, "events": 0}
        self.record_rng = rng
        booked = course["booked"]

        root = {
            "id": record_id,
            "person_id": person_id,
            "status": "ACTIVE",
            "created_at": booked,
            "created_by_location_id": home.id,
            "active_care_location_id": home.id,
            "agreed_edd": course["edd"],
        }
        self._root_version(root, home, booked, "+", "CREATED")
        self._grant(record_id, home, booked, "CREATED")
        self._audit("CREATE", home, booked, resource_type="record")
        self._create("careLocations", {"care_location_id": home.id, "start_time": booked}, home, booked)

        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        post_number, post_name = rng.choice(TOWNS)
        mother = {
            "name": name,
            "address": f"{rng.choice(STREETS)} {rng.randint(1, 120)}",
            "post_number": post_number,
            "post_name": post_name,
            "employed_last_6_months": rng.random() < 0.8,
            "language": "NO" if rng.random() < 0.85 else rng.choice(("EN", "AR", "PL", "SO")),
            "country_of_birth": "NO" if rng.random() < 0.8 else rng.choice(("PL", "SE", "SO", "SY")),
        }
        mother_id = self._create("mother", mother, home, booked)
        lmp, scan_edd = course["lmp"], course["scan_edd"]
        current = {
            "date_last_period": lmp,
            "due_date": lmp + timedelta(days=280),
            "number_of_fetuses": 2 if rng.random() < 0.015 else 1,
            "had_assisted_conception": rng.random() < 0.05,
        }
        current_id = self._create("currentPregnancy", current, home, booked)
        parity = rng.choice((0, 0, 0, 1, 1, 1, 2, 2, 3))
        self._create(
            "previousPregnancies",
            {"number_of_previous_pregnancies": parity, "number_of_previous_live_births": parity},
            home,
            booked,
        )
        self._create("medicalConditions", {"nothing_particular": rng.random() < 0.7}, home, booked)
        rh_negative = rng.random() < 0.15
        tests = {
            "hemoglobin": round(rng.gauss(12.5, 1.0), 1),
            "abo_type": rng.choice(("A", "A", "O", "O", "B", "AB")),
            "rhesus_d_type": "NEGATIVE" if rh_negative else "POSITIVE",
            "hiv": False,
            "syphilis": False,
            "hbv": False,
        }
        tests_id = self._create("clinicalTests", tests, home, booked)
        height = round(rng.gauss(167, 6), 1)
        weight = round(rng.gauss(68, 11), 1)
        self._create(
            "vitalMeasurementsBeforePregnancy",
            {"height": height, "pre_pregnancy_weight": weight, "bmi": round(weight / (height / 100) ** 2, 1)},
            home,
            booked,
        )
        rhesus_id = None
        if rh_negative:
            rhesus_id = self._create("rhesusDNegative", {"consent_fetal_rhesus_typing": True}, home, booked)

        end = course["end"]
        care = home
        if scan_edd and lmp + timedelta(weeks=12) < end:
            at = self._at(rng, lmp + timedelta(weeks=12, days=rng.randint(0, 6)))
            self._update(
                "currentPregnancy",
                current_id,
                {**current, "due_date_based_on_ultrasound": scan_edd},
                2,
                care,
                at,
            )
            current["due_date_based_on_ultrasound"] = scan_edd
        pull_week = rng.randint(20, 36) if rng.random() < 0.25 else None
        weight_now = weight
        for week in SCHEDULE_WEEKS:
            day = lmp + timedelta(weeks=week, days=rng.randint(0, 4))
            if day <= booked.date() or day >= end:
                continue
            if pull_week and week >= pull_week:
                care = self._pull(rng, root, care, self._at(rng, day))
                pull_week = None
            at = self._at(rng, day)
            if rng.random() < 0.3:
                self._audit("READ", care, at - timedelta(days=rng.randint(1, 6)))
            weight_now = round(weight_now + rng.uniform(0.5, 2.5), 1)
            systolic, diastolic = int(rng.gauss(118, 12)), int(rng.gauss(75, 8))
            visit = {
                "appointment_date": day,
                "pregnancy_week": week,
                "days_after_full_pregnancy_week": (day - lmp).days % 7,
                "mother_weight": weight_now,
                "blood_pressure": f"{systolic}/{diastolic}",
                "systolic_derived": systolic,
                "diastolic_derived": diastolic,
                "protein_in_urine_test_result": "Neg"
                if rng.random() < 0.93
                else rng.choice(("Spor", "1+", "2+")),
            }
            if week >= 20:
                visit["fetuses_vital_signs"] = [
                    {
                        "fosterId": 1,
                        "fetalHeartRate": rng.randint(120, 160),
                        "fetalPresentationLie": "1" if week >= 32 else "9",  # cephalic; 9: not examined
                    }
                ]
            visit_id = self._create("antenatalAppointments", visit, care, at)
            if rng.random() < 0.15:  # a correction to the visit later that day
                visit = {**visit, "note": "Corrected the weight."}
                self._update(
                    "antenatalAppointments",
                    visit_id,
                    visit,
                    2,
                    care,
                    self._before_now(at + timedelta(hours=2)),
                )
            if week >= 24:
                sfh = max(5, min(60, round(week + rng.gauss(0, 1.6))))
                self._create(
                    "symphysisFundalHeights",
                    {"pregnancy_week": week, "measurement": sfh, "measurement_date": day},
                    care,
                    at,
                )
            if week == 28:
                tests = {**tests, "hemoglobin_at_3rd_trimester": round(rng.gauss(11.8, 1.0), 1)}
                self._update("clinicalTests", tests_id, tests, 2, care, at)
                if rhesus_id:
                    self._update(
                        "rhesusDNegative",
                        rhesus_id,
                        {"consent_fetal_rhesus_typing": True, "prophylaxis_at_week_28": True},
                        2,
                        care,
                        at,
                    )
            if week == 20 and rng.random() < 0.4:  # she moved house
                mother = {**mother, "address": f"{rng.choice(STREETS)} {rng.randint(1, 120)}"}
                self._update("mother", mother_id, mother, 2, care, at)

        if course["status"] != "ACTIVE":
            self._end(rng, root, course, care)
        else:
            self._next_appointment(rng, lmp, care)
        record = self.tables["record"]
        record.add(
            {
                **root,
                "last_updated": self.last_at,
                "version": self.root_version,
                "record_last_updated": self.last_at,
                "revision": self.record["events"],
            },
            self.stamps[self.last_stamp.id],
        )

    # --- the course of a pregnancy ---------------------------------------------------------------

    def _course(self, rng: random.Random, earlier: bool) -> dict:
        roll = rng.random()
        if earlier:
            status = "DELIVERED"
            lmp = self.today - timedelta(days=rng.randint(600, 1100))
        elif roll < 0.75:
            status = "ACTIVE"
            lmp = self.today - timedelta(days=rng.randint(6 * 7, 42 * 7 - 1))
        elif roll < 0.97:
            status = "DELIVERED"
            lmp = self.today - timedelta(days=rng.randint(42 * 7, 42 * 7 + 365))
        else:
            status = "TERMINATED"
            lmp = self.today - timedelta(days=rng.randint(21 * 7, 40 * 7))
        booked_day = lmp + timedelta(days=rng.randint(8 * 7, 12 * 7))
        if status == "ACTIVE":
            booked_day = min(booked_day, self.today - timedelta(days=1))
            end = self.today + timedelta(days=1)
        elif status == "DELIVERED":
            end = lmp + timedelta(days=rng.randint(37 * 7, 41 * 7 + 6))
        else:
            end = lmp + timedelta(days=rng.randint(12 * 7, 20 * 7))
            booked_day = min(booked_day, end - timedelta(days=7))
        scan_edd = lmp + timedelta(days=280 + rng.randint(-6, 6)) if rng.random() < 0.8 else None
        edd = scan_edd if scan_edd and lmp + timedelta(weeks=12) < end else lmp + timedelta(days=280)
        return {
            "status": status,
            "lmp": lmp,
            "scan_edd": scan_edd,
            "edd": edd,
            "booked": self._at(rng, booked_day),
            "end": end,
        }

    def _next_appointment(self, rng: random.Random, lmp: date, care: Location) -> None:
        """The next visit on the schedule, booked at the last one (a weekday, on the half hour)."""
        for week in SCHEDULE_WEEKS:
            day = lmp + timedelta(weeks=week, days=rng.randint(0, 4))
            if day.weekday() >= 5:
                day += timedelta(days=7 - day.weekday())
            if day > self.today:
                starts = datetime.combine(day, time(rng.randint(8, 14), rng.choice((0, 30))), UTC)
                self._create(
                    "bookings",
                    {
                        "starts_at": starts,
                        "duration_minutes": 30,
                        "kind": m.VisitKind.ANTENATAL,
                        "place": care.name,
                        "with_whom": care.midwife,
                        "planned_week": week,
                    },
                    care,
                    self.last_at,
                )
                return

    def _pull(self, rng: random.Random, root: dict, previous: Location, at: datetime) -> Location:
        location = rng.choice(self.locations)
        if location.id == previous.id:
            return previous
        self._create("careLocations", {"care_location_id": location.id, "start_time": at}, location, at)
        self._grant(root["id"], location, at, "ACTIVE_CARE")
        root["active_care_location_id"] = location.id
        self._root_version(root, location, at, "~", "UPDATED")
        text = f"{location.name} took over active care from {previous.name}."
        self._create("notes", {"kind": "CARE_PULLED", "text": text}, location, at)
        self._audit("PULL_CARE", location, at, resource_type="record")
        return location

    def _end(self, rng: random.Random, root: dict, course: dict, care: Location) -> None:
        ended = self._at(rng, course["end"])
        at = self._before_now(ended + timedelta(hours=rng.randint(2, 30)))
        if course["status"] == "DELIVERED":
            live = rng.random() > 0.004
            root.update(status="DELIVERED", delivery_date=ended, live_birth=live)
            days = (course["end"] - course["lmp"]).days
            self._create(
                "births",
                {
                    "birth_time": ended,
                    "sex": rng.choice(("FEMALE", "MALE")),
                    "birth_weight": int(rng.gauss(3500, 450)),
                    "gestation_weeks": days // 7,
                    "gestation_days": days % 7,
                    "live_birth": live,
                    "mode_of_birth": rng.choice(
                        ("SPONTANEOUS_VAGINAL",) * 7
                        + ("VENTOUSE", "ELECTIVE_CAESAREAN", "EMERGENCY_CAESAREAN")
                    ),
                    "apgar_1_minute": rng.randint(7, 10),
                    "apgar_5_minutes": rng.randint(8, 10),
                },
                care,
                at,
            )
        else:
            root.update(status="TERMINATED", termination_date=ended)
        self._root_version(root, care, at, "~", "STATUS_CHANGED")
        text = f"Status changed from ACTIVE to {root['status']}."
        self._create("notes", {"kind": "STATUS_CHANGED", "text": text}, care, at)
        self._audit("STATUS_CHANGE", care, at, resource_type="record")

    # --- rows ------------------------------------------------------------------------------------

    def _person(self, person_id: int, nin: str, born: date) -> None:
        person = {
            "id": person_id,
            "identifier_system": NO_FNR,
            "identifier_value": nin,
            "date_of_birth": born,
            "has_given_consent": True,
        }
        self.tables["person"].add({**person, "created_at": self.now})
        self.tables["person_history"].add({**person, "history_date": self.now, "history_type": "+"})

    def _root_version(self, root: dict, by: Location, at: datetime, kind: str, action: str) -> None:
        self.root_version = 1 if kind == "+" else self.root_version + 1
        history = {**root, "last_updated": at, "version": self.root_version}
        self.tables["record_history"].add(self._history(history, at, kind, action, by), self.stamps[by.id])
        self._event("record", root["id"], self.root_version, action, by, at)

    def _create(self, resource_type: str, values: dict, by: Location, at: datetime) -> uuid.UUID:
        resource_id = self._uuid(self.record_rng)
        row = {**values, "id": resource_id, "record_id": self.record["id"], "last_updated": at}
        self.tables[self._table(resource_type) + "_history"].add(
            self._history(row, at, "+", "CREATED", by), self.stamps[by.id]
        )
        self._event(resource_type, resource_id, 1, "CREATED", by, at)
        if resource_type in AUDITED_WRITES:
            self._audit("WRITE", by, at, resource_type)
        self._pending_final(resource_type, row, by)
        return resource_id

    def _update(self, resource_type: str, resource_id, values: dict, version: int, by: Location, at) -> None:
        row = {
            **values,
            "id": resource_id,
            "record_id": self.record["id"],
            "last_updated": at,
            "version": version,
        }
        self.tables[self._table(resource_type) + "_history"].add(
            self._history(row, at, "~", "UPDATED", by), self.stamps[by.id]
        )
        self._event(resource_type, resource_id, version, "UPDATED", by, at)
        self._audit("WRITE", by, at, resource_type)
        self._pending_final(resource_type, row, by)

    def _history(self, row: dict, at: datetime, kind: str, action: str, by: Location) -> dict:
        return {
            **row,
            "history_date": at,
            "history_type": kind,
            "history_change_reason": action,
            "history_user_id": by.user_id,
        }

    def _event(self, resource_type: str, resource_id, version: int, action: str, by: Location, at) -> None:
        self.record["events"] += 1
        self.last_at, self.last_stamp = at, by
        self.events.append(
            (
                at,
                {
                    "event_id": self._uuid(self.record_rng),
                    "record_id": self.record["id"],
                    "resource_type": resource_type,
                    "resource_id": resource_id,
                    "version": version,
                    "action": action,
                    "occurred_at": at,
                    "user_type": "HEALTH_CARE_PROFESSIONAL",
                    "org_nr": by.org_nr,
                    "org_name": by.name,
                    "actor_name": by.midwife,
                    "source_system": "generate_records",
                    "user_id": by.user_id,
                },
            )
        )

    def _grant(self, record_id, location: Location, at: datetime, reason: str) -> None:
        self.stakeholders.setdefault(record_id, set()).add(location.group_id)
        self.tables["grant"].add(
            {
                "permission_id": self.permission_id,
                "group_id": location.group_id,
                "content_object_id": record_id,
                "granted_at": at,
                "reason": reason,
            }
        )

    def _audit(self, action: str, by: Location, at: datetime, resource_type: str = "") -> None:
        # Held until the copy, which links them into the audit trail's hash chains (bulk/audit_links.py)
        self.audit_entries.append(
            {
                "at": at,
                "action": action,
                "outcome": "ALLOWED",
                "status_code": 201 if action == "CREATE" else 200,
                "record_id": self.record["id"],
                "person_id": self.record["person"],
                "resource_type": resource_type,
                "user_type": "HEALTH_CARE_PROFESSIONAL",
                "user_id": by.user_id,
                "username": by.username,
                "care_location_id": by.id,
                "org_nr": by.org_nr,
                "org_name": by.name,
                "acting_user_name": by.midwife,
                "acting_user_id": by.hpr_nr,
                "source_system": "generate_records",
            }
        )

    # --- helpers ---------------------------------------------------------------------------------

    def start_chunk(self) -> None:
        self.events: list[tuple[datetime, dict]] = []
        self.audit_entries: list[dict] = []  # copied by bulk/audit_links.py, linked into the hash chains
        self.stakeholders: dict[object, set[int]] = {}  # record id: the groups granted on it
        self.finals: dict[tuple[str, object], tuple[dict, Location]] = {}

    def write_current_rows(self) -> None:
        """The resources as they are now: the last version of each."""
        for (resource_type, _), (row, by) in self.finals.items():
            self.tables[self._table(resource_type)].add(row, self.stamps[by.id])
        self.finals = {}

    def write_events(self, first_position: int) -> int:
        """The events in time order, at positions from `first_position + 1`, each with a feed entry for
        every stakeholder of its record (as the database's triggers would write). Returns the last one."""
        self.events.sort(key=lambda item: item[0])
        position = first_position
        events, feed = self.tables["event"], self.tables["feed"]
        for _, event in self.events:
            position += 1
            events.add({**event, "position": position, "committed_at": self.now})
            for group_id in self.stakeholders[event["record_id"]]:
                feed.add(
                    {"position_id": position, "resource_type": event["resource_type"], "group_id": group_id}
                )
        return position

    def _pending_final(self, resource_type: str, row: dict, by: Location) -> None:
        self.finals[(resource_type, row["id"])] = (row, by)

    @staticmethod
    def _table(resource_type: str) -> str:
        return _model_name(RESOURCE_MODELS[resource_type])

    @staticmethod
    def _uuid(rng: random.Random) -> uuid.UUID:
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    def _at(self, rng: random.Random, day: date) -> datetime:
        at = datetime.combine(day, time(rng.randint(7, 16), rng.randint(0, 59), rng.randint(0, 59)), UTC)
        return self._before_now(at)

    def _before_now(self, at: datetime) -> datetime:
        return min(at, self.now - timedelta(minutes=1))
