"""Demo data for a local run: Care Locations, midwives, an admin, a client system, eight pregnancies, and a
region grouping the three locations with its regional viewer.

Idempotent without deleting anything: when the demo Care Locations exist, only a fresh demo client system is
made (secrets are stored hashed, so a new client is the only honest way to show one). Every write goes
through the services. Gestations are relative to today and the random numbers are seeded, so each run
gives the same pregnancies at the same stage. All national IDs are synthetic (month + 80).
"""

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from maternity import services
from maternity.actors import Actor
from maternity.models import CareLocation, Pregnancy, RecordStatus, Region, UserType
from maternity.rules.clinical import (
    PREGNANCY_DAYS,
    edd_from_lmp,
    gestation_days,
    sfh_centile_value,
    sfh_median,
)
from maternity.rules.identifiers import make_norwegian_fnr, parse_national_id
from spine.models import SpineClient
from spine.services import spine_client_create, spine_client_set_token_client
from spine.token_issuers import trusted_issuer

SOURCE = "seed_demo"
BASE_URL = "http://127.0.0.1:8000"
# make run's sign-in server (portal's dev_idp_config) and its client that acts as the demo client system
DEV_ISSUER, DEV_EPJ_CLIENT_ID = "http://127.0.0.1:9000", "epj-dev"
# (org_nr, name, kind, midwives as (username = password, display name, HPR number))
LOCATIONS = [
    ("992345675", "Fjordvik sykehus, føde- og barselavdelingen", "HOSPITAL_WARD",
     [("midwife", "Kari Nordmann", "9144889"), ("midwife2", "Ingrid Haugen", "9213457")]),
    ("993456780", "Fjordvik kommune, jordmortjenesten ved Sentrum helsestasjon", "HEALTH_CENTRE",
     [("midwife3", "Solveig Bakke", "9338120"), ("midwife4", "Marte Lunde", "9402671")]),
    ("918765433", "Bryggen legesenter", "GP_PRACTICE",
     [("midwife5", "Hanne Strand", "9517734"), ("midwife6", "Tone Moen", "9625508")]),
]  # fmt: skip
# How to contact each location (made-up numbers); the GP practice has none, a data-quality finding to show.
CONTACTS = {
    "992345675": {
        "phone": "+47 12 34 50 00", "urgent_phone": "+47 12 34 50 50",
        "address": "Sjøgata 12, 9999 Fjordvik",
        "opening_hours": "Ward: day and night. Clinic: weekdays 08:00-15:30",
    },
    "993456780": {
        "phone": "+47 12 34 60 00", "address": "Storgata 4, 9999 Fjordvik",
        "opening_hours": "Weekdays 08:00-15:00",
    },
}  # fmt: skip
# Visits as (weeks, days) of gestation; SFH is measured from 24 weeks on.
SCHEDULE = [(8, 3), (16, 1), (20, 3), (24, 0), (28, 1), (31, 2), (34, 0), (36, 1), (38, 2), (40, 0), (41, 1)]
SFH_FROM_WEEK = 24


@dataclass(frozen=True)
class DemoPerson:
    name: str
    born: date
    location: int  # index into LOCATIONS
    gestation: tuple[int, int]  # weeks + days today
    address: str
    post: tuple[str, str]
    language: str = "NO"
    country: str = "NOR"
    height: int = 168
    weight: int = 64
    blood: tuple[str, str] = ("A", "POSITIVE")
    previous: tuple[int, int] = (0, 0)  # previous pregnancies, live births
    scan_shift: int = 0  # days the ultrasound moved the due date from the LMP-based one
    medical: dict[str, Any] = field(default_factory=dict)  # empty: nothing particular
    small_for_dates: bool = False  # SFH below the 3rd centile at the last two measurements
    pre_eclampsia: bool = False  # high blood pressure and protein 2+ at the last visit
    delivered_before: bool = False  # has an earlier, DELIVERED record
    booked: bool = True  # her next visits are booked (one woman has none: the caseload flags it)


PEOPLE = [
    DemoPerson("Nora Hansen", date(1996, 3, 14), 0, (9, 2), "Havnegata 12", ("6900", "Fjordvik")),
    DemoPerson("Agnieszka Kowalska", date(1991, 7, 2), 1, (14, 1), "Lerkeveien 4B", ("6905", "Fjordvik"),
               language="PL", country="POL", height=172, weight=70, scan_shift=-4, previous=(1, 1)),
    DemoPerson("Emma Johansen", date(1993, 11, 23), 2, (20, 4), "Solbakken 7", ("6908", "Fjordvik"),
               weight=82, blood=("O", "POSITIVE"), booked=False,
               medical={"allergies_asthma": True, "note": "Astma, bruker Ventoline ved behov."}),
    DemoPerson("Ingrid Olsen", date(1989, 5, 9), 1, (24, 3), "Kirkegata 21", ("6900", "Fjordvik"),
               height=165, weight=59, previous=(2, 1), scan_shift=3, delivered_before=True),
    DemoPerson("Amina Hassan", date(1997, 1, 30), 0, (28, 5), "Bjørkeveien 3", ("6907", "Fjordvik"),
               language="SO", country="SOM", height=163, weight=61, blood=("O", "NEGATIVE")),
    DemoPerson("Sara Lindqvist", date(1990, 9, 18), 0, (32, 1), "Fjellveien 15", ("6910", "Fjordvik"),
               language="SV", country="SWE", weight=88, pre_eclampsia=True),
    DemoPerson("Helen Tesfay", date(1994, 4, 6), 2, (36, 4), "Elvegata 9", ("6905", "Fjordvik"),
               language="TI", country="ERI", height=160, weight=55, previous=(1, 1), small_for_dates=True,
               medical={"other": True, "note": "Hypotyreose, bruker Levaxin 50 mikrog."}),
    DemoPerson("Maria Berg", date(1987, 12, 1), 0, (40, 3), "Strandveien 30", ("6912", "Fjordvik"),
               blood=("B", "POSITIVE"), scan_shift=2, previous=(3, 2)),
]  # fmt: skip


def demo_nin(person: DemoPerson) -> str:
    """The person's synthetic fødselsnummer (month + 80): valid check digits, never a real person."""
    for individual in range(201, 1000):
        try:
            return make_norwegian_fnr(person.born, individual, synthetic=True)
        except ValueError:
            continue
    raise ValueError(f"no individual number gives a valid number for {person.born}")


def planned_gestation_days(person: DemoPerson) -> int:
    return person.gestation[0] * 7 + person.gestation[1]


class Command(BaseCommand):
    help = "Create demo Care Locations, midwives, an admin, a client system and pregnancies (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            present = CareLocation.objects.filter(org_nr=LOCATIONS[0][0]).exists()
            if not present:
                seed()
            region_create()  # also into a demo database seeded before regions were
            new = spine_client_create(
                care_location=CareLocation.objects.get(org_nr=LOCATIONS[0][0]),
                name=f"Demo EPJ (seed_demo {timezone.localtime():%Y-%m-%d %H:%M:%S})",
            )
            linked = link_to_the_dev_issuer(new.client)
        # The data set's change site (dataset/): its demo proposals, by name, as spine imports nothing of it
        call_command("seed_demo_proposals", stdout=self.stdout)
        created = f"Demo data created: {len(LOCATIONS)} Care Locations, {len(PEOPLE)} pregnancies."
        self.stdout.write(
            "Demo data is already present; made a new demo client system." if present else created
        )
        self.stdout.write(summary(new.client_id, new.client_secret, new.client.care_location.name))
        if linked:
            self.stdout.write(dev_issuer_summary(demo_nin(PEOPLE[0])))


def link_to_the_dev_issuer(client: SpineClient) -> bool:
    """Where `make run`'s local sign-in server is a trusted token issuer (the Makefile sets it), its
    client `epj-dev` acts as the new demo client system: taken from the one that had it."""
    if trusted_issuer(DEV_ISSUER) is None:
        return False
    for holder in SpineClient.objects.filter(token_issuer=DEV_ISSUER, token_client_id=DEV_EPJ_CLIENT_ID):
        spine_client_set_token_client(client=holder, issuer="", client_id="")
    spine_client_set_token_client(client=client, issuer=DEV_ISSUER, client_id=DEV_EPJ_CLIENT_ID)
    return True


def seed() -> None:
    actors = [location_create(*row) for row in LOCATIONS]
    if not get_user_model().objects.filter(username="admin").exists():
        get_user_model().objects.create_superuser("admin", password="admin")  # local demo only
    if not get_user_model().objects.filter(username="locadmin").exists():  # a Care Location admin
        location_admin = get_user_model().objects.create_user("locadmin", password="locadmin", is_staff=True)
        CareLocation.objects.get(org_nr=LOCATIONS[0][0]).admins.add(location_admin)
    today = timezone.localdate()
    for index, person in enumerate(PEOPLE):
        rng = random.Random(index)  # the same data every run
        actor = actors[person.location][index % 2]
        edd = today + timedelta(days=PREGNANCY_DAYS - planned_gestation_days(person))
        if person.delivered_before:
            earlier(person, actor, rng, edd - timedelta(days=2 * 365 + 40))
        record = services.record_create(
            national_id=parse_national_id(demo_nin(person)),
            actor=actor,
            resources=resources(person, actor, rng, edd),
        )
        visits(record, person, actor, rng, edd, until=today)
        if person.booked:
            bookings(record, person, actor, edd, after=today)


REGION = ("fjordvik", "Helse Fjordvik")  # (code, name): every demo location
REGION_VIEWER = "region"  # username = password: reads the region's reports, belongs to no location


def region_create() -> None:
    """The demo region and its viewer, once (a national administrator's work: the admin's superuser)."""
    code, name = REGION
    if Region.objects.filter(code=code).exists():
        return
    viewer = get_user_model().objects.filter(username=REGION_VIEWER).first()
    if viewer is None:
        viewer = get_user_model().objects.create_user(
            REGION_VIEWER, password=REGION_VIEWER, first_name="Randi", last_name="Regional"
        )
    services.region_create(
        name=name,
        code=code,
        care_locations=CareLocation.objects.filter(org_nr__in=[row[0] for row in LOCATIONS]),
        viewers=[viewer],
        by=get_user_model().objects.filter(username="admin").first(),
    )


def location_create(org_nr: str, name: str, kind: str, midwives: list[tuple[str, str, str]]) -> list[Actor]:
    contact = CONTACTS.get(org_nr, {})
    location = services.care_location_create(
        name=name,
        org_nr=org_nr,
        kind=kind,
        phone=contact.get("phone", ""),
        address=contact.get("address", ""),
        opening_hours=contact.get("opening_hours", ""),
        urgent_phone=contact.get("urgent_phone", ""),
    )
    actors = []
    for username, display_name, hpr_nr in midwives:
        user = services.practitioner_create(
            username=username, display_name=display_name, care_locations=[location], hpr_nr=hpr_nr,
            role_code="JO", password=username,
        )  # fmt: skip
        actor = Actor(
            user_type=UserType.HEALTH_CARE_PROFESSIONAL, user=user, care_location=location, name=display_name,
            hpr_nr=hpr_nr, hpr_role="JO", source_system=SOURCE,
        )  # fmt: skip
        actors.append(actor)
    return actors


def resources(person: DemoPerson, actor: Actor, rng: random.Random, edd: date) -> dict[str, dict[str, Any]]:
    """The singleton resources a booking visit records, keyed by wire name."""
    scanned = gestation_days(edd=edd, on=timezone.localdate()) >= 12 * 7
    lmp = edd + timedelta(days=person.scan_shift if scanned else 0) - timedelta(days=PREGNANCY_DAYS)
    location = actor.care_location
    assert location is not None  # the demo's midwives each act for a location (`location_create`)
    data: dict[str, dict[str, Any]] = {
        "mother": {
            "name": person.name, "address": person.address, "post_number": person.post[0],
            "post_name": person.post[1], "language": person.language, "country_of_birth": person.country,
            "needs_language_interpreter": person.language in {"SO", "TI"}, "employed_last_6_months": True,
            "employment_percentage": rng.choice([80, 100, 100]), "cohabiting_coparent": True,
        },
        "currentPregnancy": {
            "date_last_period": lmp, "due_date": edd_from_lmp(lmp), "number_of_fetuses": 1,
            "due_date_based_on_ultrasound": edd if scanned else None, "had_assisted_conception": False,
            "has_prenatal_diagnostics_tests": False,
        },
        "previousPregnancies": {
            "number_of_previous_pregnancies": person.previous[0],
            "number_of_previous_live_births": person.previous[1],
            "spontaneous_miscarriages": person.previous[0] - person.previous[1],
            "still_births_22weeks": 0, "number_of_ectopic_pregnancies": 0,
        },
        "medicalConditions": person.medical or {"nothing_particular": True},
        "clinicalTests": {
            "hemoglobin": round(rng.uniform(11.4, 13.6), 1), "abo_type": person.blood[0],
            "rhesus_d_type": person.blood[1], "blood_antibodies": False, "hbv": False, "hiv": False,
            "syphilis": False, "rubella_antigen": True,
        },
        "vitalMeasurementsBeforePregnancy": {
            "height": person.height, "pre_pregnancy_weight": person.weight,
            "bmi": round(person.weight / (person.height / 100) ** 2, 1),
        },
        "pointsOfContact": {
            "gp_name": "Lege Per Dahl", "gp_organization_name": LOCATIONS[2][1],
            "gp_organization_id": LOCATIONS[2][0], "midwife_name": actor.name,
            "midwife_organization_name": location.name, "midwife_hpr_nr": actor.hpr_nr,
            "birth_institute": LOCATIONS[0][1], "maternity_healthcare_centre": LOCATIONS[1][1],
        },
    }  # fmt: skip
    if person.blood[1] == "NEGATIVE":
        data["rhesusDNegative"] = {
            "consent_fetal_rhesus_typing": True, "fetus_rh_d_positive_at_week_24": True,
            "prophylaxis_at_week_28": True, "date_for_result": lmp + timedelta(weeks=24, days=5),
            "note": "Foster RhD-positivt: anti-D-profylakse gitt i uke 28.",
        }  # fmt: skip
    return data


def visits(
    record: Pregnancy, person: DemoPerson, actor: Actor, rng: random.Random, edd: date, until: date
) -> None:
    """Antenatal appointments on the schedule before `until`, with SFH measurements from 24 weeks."""
    lmp = edd - timedelta(days=PREGNANCY_DAYS)
    past = [(w, d) for w, d in SCHEDULE if lmp + timedelta(weeks=w, days=d) < until]
    add = partial(services.resource_create, record_id=record.pk, actor=actor)
    for number, (weeks, days) in enumerate(past, start=1):
        on = lmp + timedelta(weeks=weeks, days=days)
        sick = person.pre_eclampsia and number == len(past)
        add(resource_type="antenatalAppointments", data=appointment(person, rng, weeks, days, on, sick))
        if SFH_FROM_WEEK <= weeks <= 40:
            ga, small = weeks + days / 7, person.small_for_dates and number >= len(past) - 1
            cm = (
                math.floor(sfh_centile_value(ga, 3)) - 1
                if small
                else round(sfh_median(ga) + rng.uniform(-1, 1))
            )
            add(
                resource_type="symphysisFundalHeights",
                data={"pregnancy_week": weeks, "measurement": cm, "measurement_date": on},
            )


def bookings(record: Pregnancy, person: DemoPerson, actor: Actor, edd: date, after: date) -> None:
    """Her next two visits on the schedule after `after`, booked with her midwife at her Care Location, in
    the morning of a weekday; past the schedule's last visit, one the next day."""
    lmp = edd - timedelta(days=PREGNANCY_DAYS)
    planned = [lmp + timedelta(weeks=weeks, days=days) for weeks, days in SCHEDULE]
    ahead = [on for on in planned if on > after]
    for number, planned_on in enumerate((ahead or [after + timedelta(days=1)])[:2]):
        on = planned_on + timedelta(days=7 - planned_on.weekday() if planned_on.weekday() >= 5 else 0)
        services.resource_create(
            record_id=record.pk, resource_type="bookings", actor=actor,
            data={
                "starts_at": timezone.make_aware(datetime.combine(on, time(9 + 2 * number, 30))),
                "duration_minutes": 30, "kind": "ANTENATAL", "place": LOCATIONS[person.location][1],
                "with_whom": actor.name, "planned_week": gestation_days(edd=edd, on=on) // 7,
            },
        )  # fmt: skip


def appointment(person: DemoPerson, rng: random.Random, weeks: int, days: int, on: date, sick: bool) -> dict:
    fetus = {"fosterId": 1, "fetalHeartRate": rng.randint(128, 152),
             "fetalPresentationLie": "1" if weeks >= 32 else "9",  # cephalic; before 32: not examined
             "motherFeelsBabyMovements": True if weeks >= 20 else None}  # fmt: skip
    return {
        "appointment_date": on, "pregnancy_week": weeks, "days_after_full_pregnancy_week": days,
        "mother_weight": round(person.weight + max(0, weeks - 12) * 0.45 + rng.uniform(-0.6, 0.6), 1),
        "blood_pressure": "152/98" if sick else f"{rng.randint(106, 126)}/{rng.randint(64, 80)}",
        "protein_in_urine_test_result": "2+" if sick else rng.choice(["Neg"] * 14 + ["Spor"]),
        "edema": 2 if sick else 0, "fetuses_vital_signs": [fetus] if weeks >= 16 else [],
        "note": "Hodepine, hovne ben. Henvist til fødeavdelingen: preeklampsi?" if sick else None,
    }  # fmt: skip


def earlier(person: DemoPerson, actor: Actor, rng: random.Random, edd: date) -> None:
    """An earlier pregnancy of the same person, delivered at 39+4 with a live birth."""
    lmp = edd - timedelta(days=PREGNANCY_DAYS)
    born = timezone.make_aware(datetime.combine(lmp + timedelta(weeks=39, days=4), time(3, 42)))
    data = resources(person, actor, rng, edd)
    record = services.record_create(
        national_id=parse_national_id(demo_nin(person)),
        actor=actor,
        resources={name: data[name] for name in ("mother", "currentPregnancy", "clinicalTests")},
    )
    visits(record, person, actor, rng, edd, until=born.date())
    services.record_status_update(
        record_id=record.pk, version=record.version, status=RecordStatus.DELIVERED, actor=actor,
        delivery_date=born, live_birth=True,
    )  # fmt: skip
    add = partial(services.resource_create, record_id=record.pk, actor=actor)
    baby = add(
        resource_type="births",
        data={
            "birth_time": born, "sex": "FEMALE", "birth_weight": 3480, "gestation_weeks": 39,
            "gestation_days": 4, "live_birth": True, "mode_of_birth": "SPONTANEOUS_VAGINAL",
            "apgar_1_minute": 9, "apgar_5_minutes": 10, "apgar_10_minutes": 10,
        },
    )  # fmt: skip
    add(
        resource_type="labour",
        data={
            "onset": "SPONTANEOUS", "augmentation": False, "first_stage_minutes": 372,
            "second_stage_minutes": 41, "third_stage_minutes": 12, "blood_loss_ml": 350,
            "perineal_trauma": "FIRST_DEGREE", "analgesia": ["WATER", "NITROUS_OXIDE"],
            "newborns": [{"birthId": str(baby.pk), "resuscitation": False, "feeding": "BREAST"}],
        },
    )  # fmt: skip
    for day, weight, answers, discharged in [(3, 3290, [0, 0, 1, 1, 0, 1, 0, 1, 0, 0], False),
                                             (10, 3470, [], True)]:  # fmt: skip
        visited = born.date() + timedelta(days=day)
        add(
            resource_type="postnatalMotherVisits",
            data={"visit_date": visited, "blood_pressure": "118/74", "bleeding": "AS_EXPECTED",
                  "wound": "HEALING", "epds_answers": answers, "discharged": discharged},
        )  # fmt: skip
        add(
            resource_type="postnatalBabyVisits",
            data={"visit_date": visited, "birth_id": baby.pk, "weight": weight, "feeding": "BREAST",
                  "jaundice": "NONE", "discharged": discharged},
        )  # fmt: skip


def summary(client_id: str, client_secret: str, location: str) -> str:
    username, display_name, _ = LOCATIONS[0][3][0]
    return f"""
Log in (local demo only):
  {BASE_URL}/admin/   admin / admin (superuser); locadmin / locadmin (admin of {LOCATIONS[0][1]})
  midwife:            {username} / {username} ({display_name}, {LOCATIONS[0][1]}); midwife2..6 likewise
  regional viewer:    {REGION_VIEWER} / {REGION_VIEWER} (reads {REGION[1]}: {BASE_URL}/regions/)
  {BASE_URL}/data-set/proposals/  change proposals: the midwives, locadmin and admin (who moves them)
  {BASE_URL}/         the midwives' app: the same accounts, or "Sign in with your organisation"
  {BASE_URL}/portal/  the pregnant person's portal: sign in with a demo national ID,
                      e.g. {demo_nin(PEOPLE[0])} (make run's local sign-in server takes any password)
Demo client system for {location} (the secret is stored hashed: run seed_demo again for a new one):
  client_id:     {client_id}
  client_secret: {client_secret}
Try the API:
  TOKEN=$(curl -s {BASE_URL}/o/token/ -d grant_type=client_credentials \\
    -d client_id={client_id} -d client_secret={client_secret} \\
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
  curl -s {BASE_URL}/api/maternity-record/v1/status -H "Authorization: Bearer $TOKEN" \\
    -H "nhn-source-system: Demo EPJ 1.0" -H "nhn-patient-nin: {demo_nin(PEOPLE[0])}"
  curl -s {BASE_URL}/spine/v1/records -H "Authorization: Bearer $TOKEN"
  curl -s {BASE_URL}/spine/v1/events -H "Authorization: Bearer $TOKEN"    # what changed (docs/events.md)
"""


def dev_issuer_summary(nin: str) -> str:
    to_json = "python3 -c 'import json, sys; print(json.load(sys.stdin)[\"access_token\"])'"
    return f"""HelseID-style tokens (docs/api.md) from make run's sign-in server act as this client system:
  TOKEN=$(curl -s {DEV_ISSUER}/token -d grant_type=client_credentials -d client_id={DEV_EPJ_CLIENT_ID} \\
    -d client_secret=development-only-secret -d resource=nhn:maternity-record \\
    -d scope=nhn:maternity-record/api | {to_json})
  curl -s {BASE_URL}/api/maternity-record/v1/status -H "Authorization: Bearer $TOKEN" \\
    -H "nhn-source-system: Demo EPJ 1.0" -H "nhn-patient-nin: {nin}"
"""
