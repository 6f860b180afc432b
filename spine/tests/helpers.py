"""Small helpers for the record API tests: the outcome of a refused request, and a fingerprint of
everything a write could change (to prove a refused write changed nothing)."""

from django.db import connection

from maternity.models import Person, Pregnancy, PregnancyGroupPermission, RecordEvent
from maternity.rules.resources import RESOURCE_TYPES

# `lastUpdatedBy` of a change the pregnant person made herself (the `her` fixture): no organisation, no HPR.
HER_AS_LAST_UPDATED_BY = {
    "userType": "PATIENT",
    "orgNr": None,
    "orgName": None,
    "hprNr": None,
    "hprRole": None,
    "name": "Astrid Berg",
    "sourceSystem": "maternity portal",
}


def outcome(response) -> tuple:
    """(HTTP status, errorCode in the body, nhn-error-code header) of an error response."""
    return response.status_code, response.json().get("errorCode"), response.headers.get("nhn-error-code")


def database_state() -> dict:
    """Row counts of every record table and its history, plus each record's and resource's version."""
    state = {
        "people": Person.objects.count(),
        "records": sorted(Pregnancy.objects.values_list("pk", "status", "version", "revision", "agreed_edd")),
        "record history": Pregnancy.history.count(),
        "events": RecordEvent.objects.count(),
        "stakeholders": PregnancyGroupPermission.objects.count(),
    }
    for name, rt in RESOURCE_TYPES.items():
        state[name] = sorted(rt.model.objects.values_list("pk", "version"))
        state[f"{name} history"] = rt.model.history.count()
    return state


# --- FHIR bodies for the Spine operations ----------------------------------------------------------------

NO_FNR = "urn:oid:2.16.578.1.12.4.1.4.1"
PROFILE = "https://fhir.clevermed.com/StructureDefinition/"


def identifier(nin: str, system: str = NO_FNR) -> dict:
    return {"system": system, "value": nin}


def find_parameters(
    nin: str,
    dob,
    edd,
    reason: str | None = "Admitted in labour",
    system: str = NO_FNR,
    code: str | None = "LABOUR",
):
    """A $find-pregnancy body; leave out the reason or its code with None."""
    parameters = [
        {"name": "national-id", "valueIdentifier": identifier(nin, system)},
        {"name": "dob", "valueDate": str(dob)},
        {"name": "edd", "valueDate": str(edd)},
    ]
    if code is not None:
        parameters.append({"name": "break-glass-reason-code", "valueCode": code})
    if reason is not None:
        parameters.append({"name": "break-glass-reason", "valueString": reason})
    return {"resourceType": "Parameters", "parameter": parameters}


def find_all_parameters(nin: str, dob, system: str = NO_FNR) -> dict:
    return {
        "resourceType": "Parameters",
        "parameter": [
            {"name": "national-id", "valueIdentifier": identifier(nin, system)},
            {"name": "dob", "valueDate": str(dob)},
        ],
    }


def patient(nin: str | None = None, dob=None, name: str | None = None, system: str = NO_FNR) -> dict:
    resource: dict = {"resourceType": "Patient"}
    if nin:
        resource["identifier"] = [identifier(nin, system)]
    if dob:
        resource["birthDate"] = str(dob)
    if name:
        resource["name"] = [{"use": "official", "text": name}]
    return resource


def edd_observation(edd, kind: str = "EDDAgreed") -> dict:
    return {
        "resourceType": "Observation",
        "meta": {"profile": [f"{PROFILE}Observation-BNet-Preg-{kind}"]},
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "11778-8"}]},
        "valueDateTime": str(edd),
    }


def active_care_observation(start: str) -> dict:
    return {
        "resourceType": "Observation",
        "meta": {"profile": [f"{PROFILE}Observation-BNet-Preg-ActiveCareLocation"]},
        "status": "final",
        "code": {"coding": [{"system": "http://snomed.info/sct", "code": "43741000"}]},
        "effectivePeriod": {"start": start},
    }


def bundle(*resources: dict) -> dict:
    return {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in resources]}


def commit_positions() -> None:
    """Events get their feed position, and events and new grants their feed entries, as their transaction
    commits (deferred triggers on PostgreSQL). A test that runs inside one transaction fires that step
    now, as COMMIT would."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
