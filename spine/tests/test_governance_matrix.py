"""Who may do what to one pregnancy: every operation tried by every kind of caller.

The record was created by location A (so A has active care); location B is another stakeholder; location
C is not a stakeholder; a midwife at location D broke glass in the app (a single-user stakeholder); and
one caller has no credentials. Each cell asserts the status, that a refused attempt changed nothing, and
that the attempt, allowed or refused, left exactly one audit entry naming the right caller.
"""

from dataclasses import dataclass
from datetime import date

import pytest
from django.test import Client
from django.utils import timezone

from conftest import FhirApi, RecordApi, fetch_token
from maternity import services
from maternity.actors import Actor
from maternity.models import AccessLog, Pregnancy, PregnancyGroupPermission, StakeholderReason, UserType
from maternity.rules.identifiers import parse_national_id
from maternity.rules.pregnancy_keys import PregnancyKeys
from maternity.signin.locations import SESSION_KEY

from .helpers import (
    active_care_observation,
    bundle,
    database_state,
    edd_observation,
    find_all_parameters,
    find_parameters,
    patient,
)

DOB = date(1994, 5, 17)
EDD = date(2027, 3, 1)
CALLERS = ["active", "stakeholder", "stranger", "glass_breaker", "anonymous"]


@dataclass
class Caller:
    record_api: RecordApi
    fhir: FhirApi
    client_id: str = ""
    org_nr: str = ""
    user: object = None


@dataclass
class World:
    record: Pregnancy
    nin: str
    callers: dict


@pytest.fixture
def world(db, client_a, client_b, client_c, nin, midwife_actor) -> World:
    record = services.record_create(
        national_id=parse_national_id(nin),
        actor=midwife_actor,
        resources={"currentPregnancy": {"due_date_corrected_date": EDD}, "mother": {"name": "Kari Nordmann"}},
    )
    services.stakeholder_grant(
        record=record, care_location=client_b.client.care_location, reason="API_ACCESS"
    )

    location_d = services.care_location_create(name="Voss sjukehus", org_nr="974743272", kind="HOSPITAL_WARD")
    midwife = services.practitioner_create(
        username="ingrid", display_name="Ingrid Jordmor", care_locations=[location_d], hpr_nr="1234567"
    )
    services.record_find_by_keys(
        keys=PregnancyKeys(parse_national_id(nin), DOB, EDD),
        reason_code="LABOUR",
        reason="Came to our ward in labour",
        actor=Actor(
            user_type=UserType.HEALTH_CARE_PROFESSIONAL,
            user=midwife,
            care_location=location_d,
            name="Ingrid Jordmor",
        ),
    )
    browser = Client()
    browser.force_login(midwife)
    session = browser.session
    session[SESSION_KEY] = location_d.pk
    session.save()

    def client_caller(new_client):
        token = fetch_token(new_client.client_id, new_client.client_secret)
        return Caller(
            RecordApi(token, nin),
            FhirApi(token),
            client_id=new_client.client_id,
            org_nr=new_client.client.care_location.org_nr,
            user=new_client.client.service_user,
        )

    callers = {
        "active": client_caller(client_a),
        "stakeholder": client_caller(client_b),
        "stranger": client_caller(client_c),
        "glass_breaker": Caller(
            RecordApi(None, nin, client=browser),
            FhirApi(None, client=browser),
            org_nr="974743272",
            user=midwife,
        ),
        "anonymous": Caller(RecordApi(None, nin), FhirApi(None)),
    }
    return World(record=Pregnancy.objects.get(pk=record.pk), nin=nin, callers=callers)


def read(world, caller):
    return caller.record_api.get(f"record/{world.record.pk}")


def write(world, caller):
    body = {"appointmentDate": "2026-11-20", "pregnancyWeek": 24, "bloodPressure": "120/80"}
    return caller.record_api.post(f"record/{world.record.pk}/antenatalAppointments", body)


def key_demographics_record_api(world, caller):
    return caller.record_api.put(
        f"record/{world.record.pk}/mother", {"metadata": {"version": 1}, "name": "Kari Hansen"}
    )


def key_demographics_fhir(world, caller):
    return caller.fhir.post(
        f"Patient/{world.record.pk}/$update-pregnancy", bundle(patient(name="Kari Hansen"))
    )


def find(world, caller):
    return caller.fhir.post("Patient/$find-pregnancy", find_parameters(world.nin, DOB, EDD, "Referred to us"))


def find_all(world, caller):
    return caller.fhir.post("Patient/$find-all-pregnancies", find_all_parameters(world.nin, DOB))


def create(world, caller):
    """The keys match the existing pregnancy: every authenticated caller is told to find it instead."""
    return caller.fhir.post(
        "Patient/$create-pregnancy", bundle(patient(world.nin, DOB), edd_observation(EDD))
    )


def pull_care(world, caller):
    observation = active_care_observation(timezone.now().isoformat())
    return caller.fhir.post(f"Patient/{world.record.pk}/$update-pregnancy", bundle(observation))


def status_change(world, caller):
    return caller.record_api.post(
        f"record/{world.record.pk}/updateStatus",
        {
            "version": world.record.version,
            "recordStatus": {
                "status": "DELIVERED",
                "deliveryDate": "2026-11-20T10:00:00Z",
                "liveBirth": True,
            },
        },
    )


def everything(world, caller):
    """The whole pregnancy as a FHIR Bundle (a read: no acting-user headers needed)."""
    token = caller.fhir.token
    return caller.fhir.client.get(
        f"/spine/fhir/Patient/{world.record.pk}/$everything",
        headers={"Authorization": f"Bearer {token}"} if token else {},
    )


# operation -> (expected status per caller, the audit action of an allowed attempt)
MATRIX = {
    read: ((200, 200, 404, 200, 401), "READ"),
    write: ((201, 201, 404, 201, 401), "WRITE"),
    key_demographics_record_api: ((200, 403, 404, 403, 401), "WRITE"),
    key_demographics_fhir: ((204, 403, 404, 403, 401), "WRITE"),
    find: ((200, 200, 200, 200, 401), None),
    find_all: ((200, 200, 404, 200, 401), "FIND_ALL"),
    create: ((409, 409, 409, 409, 401), "CREATE"),
    pull_care: ((204, 204, 404, 204, 401), "PULL_CARE"),
    status_change: ((200, 200, 404, 200, 401), "STATUS_CHANGE"),
    everything: ((200, 200, 404, 200, 401), "READ"),
}
CELLS = [
    pytest.param(operation, who, expected[index], id=f"{operation.__name__}-{who}")
    for operation, (expected, _) in MATRIX.items()
    for index, who in enumerate(CALLERS)
]


@pytest.mark.parametrize(("operation", "who", "expected"), CELLS)
def test_each_operation_by_each_caller(world, operation, who, expected):
    caller = world.callers[who]
    before = database_state()
    log_before = AccessLog.objects.count()

    response = operation(world, caller)

    assert response.status_code == expected, response.content
    if expected >= 400:
        assert database_state() == before, "a refused attempt changed something"
    assert AccessLog.objects.count() == log_before + 1, "exactly one audit entry per attempt"
    entry = AccessLog.objects.order_by("-id").first()
    assert entry.status_code == expected
    assert entry.outcome == (
        "ALLOWED" if expected < 400 else "DENIED" if expected in (401, 403, 404) else "REJECTED"
    )
    assert entry.client_id == caller.client_id
    assert entry.org_nr == caller.org_nr
    assert entry.user == caller.user
    if who == "anonymous":
        assert entry.user_type == "" and entry.user is None
    if expected < 400:
        action = MATRIX[operation][1]
        if action:
            assert entry.action == action
        assert entry.record_id == world.record.pk


def test_a_key_demographics_refusal_says_why_on_the_record_api(world):
    response = key_demographics_record_api(world, world.callers["stakeholder"])
    assert response.json()["errorCode"] == "DHG-0010"
    assert "active Care Location" in response.json()["errorMessage"]


def test_a_refusal_looks_the_same_for_a_record_that_does_not_exist(world):
    """A non-stakeholder learns nothing: the same status, code and message as for an unknown id."""
    stranger = world.callers["stranger"].record_api
    hidden = stranger.get(f"record/{world.record.pk}")
    missing = stranger.get("record/00000000-0000-4000-8000-000000000000")
    assert (hidden.status_code, hidden.json()["errorCode"], hidden.json()["errorMessage"]) == (
        missing.status_code,
        missing.json()["errorCode"],
        missing.json()["errorMessage"],
    )
    fhir = world.callers["stranger"].fhir
    hidden = fhir.post(f"Patient/{world.record.pk}/$update-pregnancy", bundle(patient(name="x")))
    missing = fhir.post(
        "Patient/00000000-0000-4000-8000-000000000000/$update-pregnancy", bundle(patient(name="x"))
    )
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["issue"] == missing.json()["issue"]


def test_finding_by_a_stranger_makes_its_location_a_stakeholder_with_the_reason(world):
    find(world, world.callers["stranger"])
    grant = PregnancyGroupPermission.objects.get(
        content_object=world.record, group__care_location__org_nr="983974724"
    )
    assert grant.reason == StakeholderReason.BREAK_GLASS
    assert grant.detail == "In labour or giving birth at this location (LABOUR): Referred to us"
    assert read(world, world.callers["stranger"]).status_code == 200
    entry = AccessLog.objects.filter(action="BREAK_GLASS").latest("id")
    assert (entry.reason_code, entry.reason, entry.org_nr) == ("LABOUR", "Referred to us", "983974724")


def test_pulling_care_by_the_other_stakeholder_moves_active_care_there(world):
    pull_care(world, world.callers["stakeholder"])
    assert Pregnancy.objects.get(pk=world.record.pk).active_care_location.org_nr == "998570328"
    assert key_demographics_record_api(world, world.callers["stakeholder"]).status_code == 200
    assert key_demographics_record_api(world, world.callers["active"]).status_code == 403
