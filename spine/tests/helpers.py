"""Small helpers for the record API tests: the outcome of a refused request, and a fingerprint of
everything a write could change (to prove a refused write changed nothing)."""

from maternity.models import Person, Pregnancy, PregnancyGroupPermission, RecordEvent
from maternity.resources import RESOURCE_TYPES


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
