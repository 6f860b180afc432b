"""Restricted entries over the record API (issue 23): GET record, the history, and writes, for every kind
of caller. Location A restricted the medicalConditions singleton (MENTAL_HEALTH) and one appointment
(SAFEGUARDING); B is another stakeholder; C is none."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import RecordApi, fetch_token, new_nin
from maternity import services
from maternity.models import AccessAction, AccessLog, AccessOutcome, Restriction
from maternity.rules.identifiers import parse_national_id
from maternity.tests.restricted_world import OPEN_NOTE, SECRET, restricted_record
from maternity.tests.web.factories import actor_for
from spine import services as spine_services

STUB = {"restricted": True}


@pytest.fixture
def world(record, midwife_actor, location_b):
    return restricted_record(record=record, actor_a=midwife_actor, location_b=location_b)


@pytest.fixture
def api_b(client_b, nin):
    """A client system of location B, another stakeholder."""
    return RecordApi(fetch_token(client_b.client_id, client_b.client_secret), nin)


@pytest.fixture
def api_c(client_c, nin):
    return RecordApi(fetch_token(client_c.client_id, client_c.client_secret), nin)


def _allow(client, *categories):
    spine_services.spine_client_set_filter(
        client=client.client, record_filter=[], restricted_categories=list(categories)
    )


def _visits(document) -> dict:
    return {item.get("id") or item["metadata"]["id"]: item for item in document["antenatalAppointments"]}


def test_the_restricting_locations_client_without_the_categories_sees_stubs(api, world):
    document = api.get(f"record/{world.record.pk}").json()
    assert document["medicalConditions"] == STUB
    assert _visits(document)[world.secret_visit_id] == {"id": world.secret_visit_id, "restricted": True}
    assert _visits(document)[world.open_visit_id]["note"] == OPEN_NOTE
    assert SECRET not in json.dumps(document)


def test_the_restricting_locations_client_sees_the_categories_its_filter_allows(api, client_a, world):
    _allow(client_a, "MENTAL_HEALTH")
    document = api.get(f"record/{world.record.pk}").json()
    assert document["medicalConditions"]["mentalHealth"] is True
    assert _visits(document)[world.secret_visit_id] == {"id": world.secret_visit_id, "restricted": True}
    _allow(client_a, "MENTAL_HEALTH", "SAFEGUARDING")
    document = api.get(f"record/{world.record.pk}").json()
    assert _visits(document)[world.secret_visit_id]["note"] == SECRET


def test_another_locations_client_sees_stubs_whatever_its_filter(api_b, client_b, world):
    _allow(client_b, "MENTAL_HEALTH", "SAFEGUARDING", "EARLIER_TERMINATION", "OTHER")
    response = api_b.get(f"record/{world.record.pk}")
    assert response.status_code == 200
    document = response.json()
    assert document["medicalConditions"] == STUB
    assert _visits(document)[world.secret_visit_id] == {"id": world.secret_visit_id, "restricted": True}
    assert _visits(document)[world.open_visit_id]["note"] == OPEN_NOTE
    assert SECRET not in response.content.decode()


def test_a_stranger_gets_404_and_anonymous_401(api_c, nin, world):
    assert api_c.get(f"record/{world.record.pk}").status_code == 404
    assert RecordApi(None, nin).get(f"record/{world.record.pk}").status_code == 401


def test_the_stub_says_nothing_but_that_it_is_restricted(api_b, world):
    stub = api_b.get(f"record/{world.record.pk}").json()["medicalConditions"]
    assert stub == {"restricted": True}  # no category, no dates, no who


def test_an_unrestricted_record_is_served_as_stored(api, record):
    """Nothing restricted: the stored bytes, untouched."""
    response = api.get(f"record/{record.pk}")
    assert response.content.decode() == record.document.body


def test_a_restricted_and_an_unrestricted_record_cost_the_same_queries(api, world, midwife_actor):
    """GET record stays one query for the document, restricted or not (its restrictions come with it)."""
    other_nin = new_nin()
    plain = services.record_create(national_id=parse_national_id(other_nin), actor=midwife_actor)
    other = api.for_patient(other_nin)
    api.get(f"record/{world.record.pk}")
    other.get(f"record/{plain.pk}")  # both warm (tokens, compiled queries)
    with CaptureQueriesContext(connection) as restricted_reads:
        assert api.get(f"record/{world.record.pk}").status_code == 200
    with CaptureQueriesContext(connection) as plain_reads:
        assert other.get(f"record/{plain.pk}").status_code == 200
    assert len(restricted_reads) == len(plain_reads)


def test_the_history_shows_every_version_of_a_restricted_entry_as_a_stub(api, api_b, client_a, world):
    for caller in (api, api_b):
        versions = caller.get(f"history/{world.record.pk}").json()["versions"]
        secret = [v for v in versions if v["resourceId"] == world.secret_visit_id]
        assert {v["action"] for v in secret} == {"CREATED", "RESTRICTED"}
        assert all(v["data"] == {"id": world.secret_visit_id, "restricted": True} for v in secret)
        conditions = [v for v in versions if v["resourceType"] == "medicalConditions"]
        assert conditions and all(v["data"] == STUB for v in conditions)
        assert SECRET not in json.dumps(versions)
    _allow(client_a, "SAFEGUARDING")
    versions = api.get(f"history/{world.record.pk}").json()["versions"]
    assert any(v["data"].get("note") == SECRET for v in versions if v["resourceId"] == world.secret_visit_id)


def test_a_write_to_a_restricted_entry_by_a_caller_who_cannot_see_it_is_refused(api_b, world, db_state):
    before = db_state()
    response = api_b.put(
        f"record/{world.record.pk}/antenatalAppointments/{world.secret_visit_id}",
        {"metadata": {"version": 1}, "appointmentDate": "2026-11-02", "note": "overwritten"},
    )
    assert response.status_code == 403
    assert response.json()["errorCode"] == "DHG-0010"
    assert "restricted" in response.json()["errorMessage"]
    deleted = api_b.delete(f"record/{world.record.pk}/antenatalAppointments/{world.secret_visit_id}")
    assert deleted.status_code == 403
    singleton = api_b.put(
        f"record/{world.record.pk}/medicalConditions", {"metadata": {"version": 1}, "diabetes": True}
    )
    assert singleton.status_code == 403
    assert db_state() == before
    refused = AccessLog.objects.filter(record_id=world.record.pk, outcome=AccessOutcome.DENIED)
    assert refused.filter(action=AccessAction.WRITE).count() == 3


def test_the_restricting_locations_client_with_the_category_may_write_it(api, client_a, world):
    _allow(client_a, "SAFEGUARDING")
    response = api.put(
        f"record/{world.record.pk}/antenatalAppointments/{world.secret_visit_id}",
        {"metadata": {"version": 1}, "appointmentDate": "2026-11-02", "note": "changed"},
    )
    assert response.status_code == 200, response.content


def test_lifting_shows_the_entry_to_everyone_again(api_b, world, midwife_actor):
    services.restriction_lift(
        record_id=world.record.pk, restriction_id=world.visit_restriction, actor=midwife_actor
    )
    document = api_b.get(f"record/{world.record.pk}").json()
    assert _visits(document)[world.secret_visit_id]["note"] == SECRET
    assert document["medicalConditions"] == STUB
    assert Restriction.objects.get(pk=world.visit_restriction).lifted
    assert Restriction.history.filter(id=world.visit_restriction).count() == 2


def test_a_client_of_another_location_is_not_let_in_by_actor_for(world, location_b):
    """(The web's actor for B: a person, not a client: she sees stubs until she opens one.)"""
    from maternity.reads.restrictions import restricted_for, restrictions_of

    actor = actor_for(None, location_b)
    assert len(restricted_for(actor, restrictions_of(world.record))) == 2


@pytest.mark.parametrize("categories", [["GOSSIP"], ["MENTAL_HEALTH", "x\x00"], [""]])
def test_unknown_restricted_categories_are_refused_and_change_nothing(client_a, categories):
    from maternity.errors import Invalid

    with pytest.raises(Invalid) as refused:
        _allow(client_a, *categories)
    assert refused.value.field == "restricted_categories"
    client_a.client.refresh_from_db()
    assert client_a.client.restricted_categories == []


def test_the_admin_sets_a_clients_restricted_categories(client_a, location_a):
    from django.test import Client

    from maternity.tests.conftest import make_user

    admin = make_user("admin_a", is_staff=True)
    location_a.admins.add(admin)
    browser = Client()
    browser.force_login(admin)
    client = client_a.client
    response = browser.post(
        f"/admin/spine/spineclient/{client.pk}/change/",
        {
            "record_filter": [],
            "restricted_categories": ["SAFEGUARDING"],
            "token_issuer": "",
            "token_client_id": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    client.refresh_from_db()
    assert client.restricted_categories == ["SAFEGUARDING"]
