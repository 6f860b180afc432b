"""Every API path answers the same with and without a trailing slash: the same view, no redirect (a client
would have to follow it, and a POST body would be lost). The OpenAPI schema documents each operation once,
without the slash."""

import uuid

import pytest
from django.test import Client
from django.urls import URLPattern

from conftest import API, FhirApi, new_nin
from maternity import services
from maternity.rules.identifiers import parse_national_id
from maternity.rules.resources import LISTS, SINGLETONS
from spine import urls, urls_v1
from spine.fhir import urls as fhir_urls

from .helpers import find_all_parameters, find_parameters

pytestmark = pytest.mark.django_db

UNKNOWN = str(uuid.UUID(int=9))
LIST_ITEMS = {
    "antenatalAppointments": {"appointmentDate": "2026-03-01"},
    "symphysisFundalHeights": {"measurement": 30, "measurementDate": "2026-03-01"},
}


def answer(response) -> tuple:
    """What a caller can tell apart: the status, the error code and which keys the body has."""
    body = response.json() if response.content else {}
    return response.status_code, body.get("errorCode"), sorted(body)


def not_an_unknown_path(response) -> bool:
    return "No such endpoint" not in response.content.decode()


@pytest.fixture
def two_records(api, midwife_actor):
    """The same client system with a record each for two patients: one is asked without the slash, one
    with, so every request meets the same state."""
    apis = []
    for nin in (new_nin(), new_nin()):
        record = services.record_create(national_id=parse_national_id(nin), actor=midwife_actor)
        apis.append((api.for_patient(nin), str(record.pk)))
    return apis


def record_requests():
    """(method, path, body) of every record API path, in an order that keeps the records writable."""
    yield "get", "status", None
    yield "get", "history", None
    yield "get", "history/{id}", None
    yield "get", "record/{id}", None
    for rt in SINGLETONS:
        yield "post", f"record/{{id}}/{rt.name}", {}
        yield "put", f"record/{{id}}/{rt.name}", {"metadata": {"version": 1}}
    for rt in LISTS:
        yield "post", f"record/{{id}}/{rt.name}", LIST_ITEMS.get(rt.name, {})
        yield "put", f"record/{{id}}/{rt.name}/{UNKNOWN}", {"metadata": {"version": 1}}
        yield "delete", f"record/{{id}}/{rt.name}/{UNKNOWN}", None
    yield "get", "record/{id}/horoscope", None
    yield "put", "record/{id}/mother/extra", {}
    yield "post", "record/{id}/updateStatus", {"version": 1, "recordStatus": {"status": "ENTERED_IN_ERROR"}}


def test_every_record_api_path_answers_the_same_with_and_without_a_trailing_slash(two_records):
    (plain, plain_id), (slashed, slashed_id) = two_records
    for method, path, body in record_requests():
        without = getattr(plain, method)(
            path.format(id=plain_id), **({"body": body} if body is not None else {})
        )
        with_slash = getattr(slashed, method)(
            path.format(id=slashed_id) + "/", **({"body": body} if body is not None else {})
        )
        assert answer(with_slash) == answer(without), (method, path, with_slash.content[:300])
        assert with_slash.status_code not in (301, 302, 308)
        assert not_an_unknown_path(with_slash), (method, path)


def test_list_items_are_updated_and_entered_in_error_with_a_trailing_slash(api, record_id):
    created = api.post(f"record/{record_id}/antenatalAppointments/", {"appointmentDate": "2026-03-01"})
    assert created.status_code == 201, created.content
    item = f"record/{record_id}/antenatalAppointments/{created.json()['metadata']['id']}/"
    updated = api.put(item, {"metadata": {"version": 1}, "appointmentDate": "2026-03-02"})
    assert updated.status_code == 200, updated.content
    deleted = api.delete(item)
    assert deleted.status_code == 200 and deleted.json()["metadata"]["enteredInError"] is True


def test_a_record_is_read_and_created_with_a_trailing_slash(api, record_id):
    read = api.get(f"record/{record_id}/")
    assert read.status_code == 200 and read.json()["metadata"]["recordId"] == record_id
    assert api.get(f"record/{record_id}/", If_None_Match=read["ETag"]).status_code == 304
    created = api.for_patient(new_nin()).post("record/")
    assert created.status_code == 201, created.content


def test_history_pages_keep_the_form_the_caller_used(api, record_id):
    api.post(f"record/{record_id}/mother", {"name": "Kari"})
    page = api.get(f"history/{record_id}/?limit=1").json()
    assert page["next"].split("?")[0].endswith(f"/history/{record_id}/")
    assert api.client.get(page["next"], headers=api.headers()).status_code == 200


def test_every_spine_v1_path_answers_the_same_with_and_without_a_trailing_slash(api):
    headers = api.headers()
    for method, path in [
        ("get", "records"),
        ("get", "events"),
        ("get", "subscriptions"),
        ("get", f"subscriptions/{UNKNOWN}"),
        ("delete", f"subscriptions/{UNKNOWN}"),
        ("post", f"subscriptions/{UNKNOWN}/pause"),
        ("post", f"subscriptions/{UNKNOWN}/resume"),
        ("post", f"subscriptions/{UNKNOWN}/redeliver"),
    ]:
        send = getattr(api.client, method)
        without = send(f"/spine/v1/{path}", content_type="application/json", headers=headers)
        with_slash = send(f"/spine/v1/{path}/", content_type="application/json", headers=headers)
        assert answer(with_slash) == answer(without), (method, path, with_slash.content[:300])
        assert not_an_unknown_path(with_slash), path


def test_every_fhir_operation_answers_the_same_with_and_without_a_trailing_slash(api, record, nin):
    fhir = FhirApi(api.token)
    for operation, body in [
        ("Patient/$find-all-pregnancies", find_all_parameters(nin, "1994-05-17")),
        ("Patient/$find-pregnancy", find_parameters(nin, "1994-05-17", record.agreed_edd or "2026-09-01")),
        ("Patient/$create-pregnancy", {"resourceType": "Bundle", "type": "collection"}),
        (f"Patient/{UNKNOWN}/$update-pregnancy", {"resourceType": "Bundle", "type": "collection"}),
    ]:
        without, with_slash = fhir.post(operation, body), fhir.post(f"{operation}/", body)
        assert (with_slash.status_code, with_slash.json().get("resourceType")) == (
            without.status_code,
            without.json().get("resourceType"),
        ), operation
        assert "No such operation" not in with_slash.content.decode(), operation


@pytest.mark.parametrize("module", [urls, urls_v1, fhir_urls], ids=["record API", "spine v1", "FHIR"])
def test_every_named_api_path_has_its_trailing_slash_twin(module):
    routes = {str(p.pattern) for p in module.urlpatterns if isinstance(p, URLPattern)}
    named = [str(p.pattern) for p in module.urlpatterns if isinstance(p, URLPattern) and p.name]
    assert named
    assert [route for route in named if f"{route}/" not in routes] == []


def test_the_schema_documents_each_operation_once_without_the_slash():
    response = Client().get("/api/schema/", headers={"accept": "application/json"}, secure=True)
    paths = response.json()["paths"]
    assert [path for path in paths if path.endswith("/")] == []
    assert f"{API}/record" in paths and f"{API}/record/{{record_id}}" in paths
    assert "/spine/v1/records" in paths and "/spine/fhir/Patient/$find-pregnancy" in paths


def test_an_unknown_path_with_a_slash_is_still_a_json_404(api):
    response = Client().get(f"{API}/statusx/", headers=api.headers())
    assert response.status_code == 404 and response.json()["errorCode"] == "DHG-0007"
