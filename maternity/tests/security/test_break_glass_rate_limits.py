"""Finding a pregnancy by its keys with a break-glass reason is rate-limited: per person (2 an hour here: a
signed-in professional, or a client system's acting user) and per client system (3 an hour here). The find
over the limit gets 429 with Retry-After, is audited as a refused FIND with its reason, and looks nothing up:
no access is granted and nothing is written into any record."""

from datetime import date

import pytest

from conftest import FhirApi, fetch_token, new_nin
from maternity.models import AccessAction, AccessLog, AccessOutcome
from spine.tests.helpers import database_state, find_parameters

from ..web.conftest import practitioner, signed_in
from ..web.factories import actor_for, edd_at, make_pregnancy

pytestmark = pytest.mark.django_db

BORN = date(1994, 5, 17)
REASON = "Admitted to our ward in labour; booked at St Olavs."


@pytest.fixture
def pregnancies(location_a):
    """Four pregnancies cared for at location A (nobody elsewhere can see them)."""
    actor = actor_for(practitioner("kari", location_a), location_a)
    return [make_pregnancy(actor, name=None, edd=edd_at(38), nin=new_nin(BORN), born=BORN) for _ in range(4)]


@pytest.fixture
def midwife_b(location_b):
    return practitioner("ingrid", location_b, name="Ingrid Haugen")


@pytest.fixture
def web_b(midwife_b):
    """A midwife at location B, signed in."""
    return signed_in(midwife_b)


def web_find(client, record, reason: str = REASON):
    keys = {
        "national_id": record.person.identifier_value,
        "date_of_birth": BORN.isoformat(),
        "edd": record.agreed_edd.isoformat(),
        "reason_code": "LABOUR",
        "reason": reason,
    }
    return client.post("/find/", keys)


def test_a_midwifes_third_find_in_an_hour_gets_429_is_audited_and_grants_nothing(
    limits, web_b, midwife_b, pregnancies
):
    assert [web_find(web_b, record).status_code for record in pregnancies[:2]] == [302, 302]
    before = database_state()
    response = web_find(web_b, pregnancies[2])
    assert response.status_code == 429
    wait = int(response["Retry-After"])
    assert 0 < wait <= 3600
    assert "Finding by keys is paused for you" in response.content.decode()
    assert database_state() == before  # no stakeholder grant, no break-glass note
    entry = AccessLog.objects.order_by("-id").first()
    assert (entry.action, entry.outcome, entry.status_code) == (
        AccessAction.FIND,
        AccessOutcome.REJECTED,
        429,
    )
    assert entry.reason == REASON
    assert entry.user == midwife_b
    assert entry.record_id is None and entry.person_id is None
    assert "rate limit" in entry.detail


def test_a_colleague_at_the_same_location_is_not_affected(limits, web_b, location_b, pregnancies):
    for record in pregnancies[:3]:
        web_find(web_b, record)
    colleague = signed_in(practitioner("sigrid", location_b, name="Sigrid Lie"))
    assert web_find(colleague, pregnancies[3]).status_code == 302


def test_she_may_find_again_when_the_window_ends(limits, web_b, pregnancies, clock):
    for record in pregnancies[:2]:
        web_find(web_b, record)
    refused = web_find(web_b, pregnancies[2])
    assert refused.status_code == 429
    clock.advance(int(refused["Retry-After"]))
    assert web_find(web_b, pregnancies[2]).status_code == 302


def test_invalid_forms_do_not_count(limits, web_b, pregnancies):
    for _ in range(5):
        assert web_b.post("/find/", {"reason": REASON}).status_code == 400
    assert web_find(web_b, pregnancies[0]).status_code == 302


def test_a_find_with_too_short_a_reason_does_not_count(limits, web_b, pregnancies):
    for _ in range(5):
        assert web_find(web_b, pregnancies[0], reason="labour").status_code == 400
    assert web_find(web_b, pregnancies[0]).status_code == 302


def fhir_find(api: FhirApi, record, acting_user: str = "9144889", reason: str = REASON):
    nin = record.person.identifier_value
    return api.post(
        "Patient/$find-pregnancy",
        find_parameters(nin, BORN, record.agreed_edd, reason),
        X_Acting_User_Id=acting_user,
    )


@pytest.fixture
def fhir_b(client_b):
    return FhirApi(fetch_token(client_b.client_id, client_b.client_secret))


def test_an_acting_users_third_find_through_the_api_gets_429_as_an_operation_outcome(
    limits, fhir_b, client_b, pregnancies
):
    assert [fhir_find(fhir_b, record).status_code for record in pregnancies[:2]] == [200, 200]
    before = database_state()
    response = fhir_find(fhir_b, pregnancies[2])
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert response["Content-Type"] == "application/fhir+json"
    [issue] = response.json()["issue"]
    assert issue["code"] == "throttled"
    assert "Too many finds by keys" in issue["diagnostics"]
    assert database_state() == before
    entry = AccessLog.objects.order_by("-id").first()
    assert (entry.action, entry.outcome, entry.status_code) == (
        AccessAction.FIND,
        AccessOutcome.REJECTED,
        429,
    )
    assert (entry.reason, entry.client_id, entry.acting_user_id) == (REASON, client_b.client_id, "9144889")
    assert "Too many finds by keys" in entry.detail


def test_the_client_system_is_limited_across_its_acting_users_and_another_client_is_not(
    limits, fhir_b, client_c, pregnancies
):
    assert fhir_find(fhir_b, pregnancies[0], acting_user="1000001").status_code == 200
    assert fhir_find(fhir_b, pregnancies[1], acting_user="1000002").status_code == 200
    assert fhir_find(fhir_b, pregnancies[2], acting_user="1000003").status_code == 200
    assert fhir_find(fhir_b, pregnancies[3], acting_user="1000004").status_code == 429  # the client's fourth
    fhir_c = FhirApi(fetch_token(client_c.client_id, client_c.client_secret))
    assert fhir_find(fhir_c, pregnancies[3]).status_code == 200


def test_a_signed_in_midwife_has_one_budget_for_the_pages_and_the_api(limits, web_b, pregnancies):
    assert web_find(web_b, pregnancies[0]).status_code == 302
    assert fhir_find(FhirApi(None, client=web_b), pregnancies[1]).status_code == 200
    assert web_find(web_b, pregnancies[2]).status_code == 429


def test_a_find_through_the_api_with_too_short_a_reason_does_not_count(limits, fhir_b, pregnancies):
    for _ in range(5):
        assert fhir_find(fhir_b, pregnancies[0], reason="labour").status_code == 422
    assert fhir_find(fhir_b, pregnancies[0]).status_code == 200
