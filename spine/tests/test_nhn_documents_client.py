"""The proof that an EPJ written only from NHN's documents can work with this server: a real OpenID Connect
provider (the local oidc-provider, issuing HelseID-style DPoP-bound JWT access tokens) signs in a midwife,
and nhn_documents_client.MaternityRecordClient runs NHN's whole documented flow against the live server
over real HTTP. Every write is in her name, from her token: no X-Acting-User-* header is ever sent."""

import pytest

from conftest import new_nin
from maternity.models import AccessLog
from maternity.tests.oidc_provider import start_provider
from spine import services

from .identity_provider import DpopKey, client_credentials_token, user_token
from .nhn_documents_client import CREATE_WITH_DATA, LISTS, SINGLETONS, MaternityRecordClient

AUDIENCE, SCOPE = "nhn:maternity-record", "nhn:maternity-record/api"
REDIRECT_URI = "http://127.0.0.1:9/callback"  # never fetched: the code is read off the redirect
EPJ_CLIENT_ID, EPJ_SECRET = "dokumentert-epj", "epj-secret"
MIDWIFE = {"name": "Åse Ødegård", "hpr": "565501872"}
CHANGES = {"antenatalAppointments": {"note": "Endret"}, "symphysisFundalHeights": {"measurement": 26}}


@pytest.fixture
def helseid(live_server, location_a, settings):
    """The provider, trusted by the server as HelseID would be (DPoP required, security level 4), with the
    EPJ registered at it for St Olav's point of care and a midwife who can sign in."""
    provider = start_provider(
        clients=[
            {
                "client_id": EPJ_CLIENT_ID,
                "client_secret": EPJ_SECRET,
                "grant_types": ["authorization_code", "client_credentials"],
                "redirect_uris": [REDIRECT_URI],
                "access_token_claims": {
                    "helseid://claims/client/claims/orgnr_parent": "883974832",
                    "helseid://claims/client/claims/orgnr_child": location_a.org_nr,
                },
            }
        ],
        accounts={
            "ase": {
                "name": MIDWIFE["name"],
                "access_token_claims": {
                    "name": MIDWIFE["name"],
                    "helseid://claims/hpr/hpr_number": MIDWIFE["hpr"],
                    "helseid://claims/identity/pid": "13116900216",
                    "helseid://claims/identity/security_level": "4",
                },
            }
        },
        resource={"audience": AUDIENCE, "scope": SCOPE, "ttl": 600},
    )
    settings.SPINE_TOKEN_ISSUERS = [
        {
            "issuer": provider.issuer,
            "audience": AUDIENCE,
            "scope": SCOPE,
            "dpop_required": True,
            "minimum_security_level": 4,
        }
    ]
    yield provider
    provider.stop()


@pytest.fixture
def epj_registered(helseid, client_a):
    services.spine_client_set_token_client(
        client=client_a.client, issuer=helseid.issuer, client_id=EPJ_CLIENT_ID
    )
    return client_a.client


def signed_in_epj(helseid, live_server, key: DpopKey) -> MaternityRecordClient:
    token = user_token(
        helseid,
        client_id=EPJ_CLIENT_ID,
        client_secret=EPJ_SECRET,
        redirect_uri=REDIRECT_URI,
        login="ase",
        resource=AUDIENCE,
        scope=SCOPE,
        dpop_key=key,
    )
    return MaternityRecordClient(
        live_server.url, access_token=token, proof=lambda m, u, t: key.proof(m, u, access_token=t)
    )


def assert_by_the_midwife(resource: dict, org_nr: str) -> None:
    by = resource["metadata"]["lastUpdatedBy"]
    assert (by["name"], by["hprNr"], by["hprRole"]) == (MIDWIFE["name"], MIDWIFE["hpr"], "JO"), by
    assert (by["userType"], by["orgNr"]) == ("HEALTH_CARE_PROFESSIONAL", org_nr), by


def test_a_client_written_from_nhns_documents_runs_the_whole_flow_in_the_professionals_name(
    helseid, epj_registered, live_server
):
    epj = signed_in_epj(helseid, live_server, DpopKey())
    org_nr = epj_registered.care_location.org_nr
    nin = new_nin()
    writes = []

    # Before creating: the status, as NHN recommends.
    status = epj.status(nin)
    assert status.status_code == 200, status.text
    assert status.json()["hasActiveMaternityRecord"] is False

    # Create an empty record, then end it (a status change).
    empty = epj.create_record(nin)
    assert empty.status_code == 201, empty.text
    writes.append(empty.json())
    first_id = empty.json()["metadata"]["recordId"]
    ended = epj.update_status(
        nin, first_id, 1, {"status": "TERMINATED", "terminationDate": "2026-06-01T10:00:00Z"}
    )
    assert ended.status_code == 200, ended.text
    assert ended.json()["metadata"]["recordStatus"]["status"] == "TERMINATED"
    writes.append(ended.json())

    # Create one with data (NHN's example).
    created = epj.create_record(nin, CREATE_WITH_DATA)
    assert created.status_code == 201, created.text
    record_id = created.json()["metadata"]["recordId"]
    document = epj.record(nin, record_id).json()
    assert document["mother"]["name"] == "Mamma Ku"
    writes += [document["mother"], document["clinicalTests"], document["vitalMeasurementsBeforePregnancy"]]

    # Every singleton: POST the new ones, PUT those the create made, with their current version.
    for resource_type, body in SINGLETONS.items():
        existing = document.get(resource_type)
        if existing:
            answer = epj.update_resource(nin, record_id, resource_type, existing["metadata"]["version"], body)
            assert answer.status_code == 200, (resource_type, answer.text)
        else:
            answer = epj.create_resource(nin, record_id, resource_type, body)
            assert answer.status_code == 201, (resource_type, answer.text)
        writes.append(answer.json())

    # Every list: add an item, change it, mark it entered in error; a deleted item cannot be changed.
    for resource_type, body in LISTS.items():
        added = epj.create_resource(nin, record_id, resource_type, body)
        assert added.status_code == 201, (resource_type, added.text)
        item_id = added.json()["metadata"]["id"]
        changed = epj.update_resource(
            nin, record_id, resource_type, 1, {**body, **CHANGES[resource_type]}, item_id
        )
        assert changed.status_code == 200, (resource_type, changed.text)
        deleted = epj.delete_item(nin, record_id, resource_type, item_id)
        assert deleted.status_code == 200, (resource_type, deleted.text)
        assert deleted.json()["metadata"]["enteredInError"] is True
        again = epj.update_resource(nin, record_id, resource_type, 3, body, item_id)
        assert again.headers["nhn-error-code"] == "DHG-0017", again.text
        writes += [added.json(), changed.json(), deleted.json()]

    # A stale version is refused with DHG-0008 and changes nothing.
    stale = epj.update_resource(nin, record_id, "mother", 1, {"name": "Feil"})
    assert (stale.status_code, stale.json()["errorCode"], stale.headers["nhn-error-code"]) == (
        409,
        "DHG-0008",
        "DHG-0008",
    )
    assert epj.record(nin, record_id).json()["mother"]["name"] == SINGLETONS["mother"]["name"]

    # Delivered: the last status change.
    version = epj.record(nin, record_id).json()["metadata"]["version"]
    delivered = epj.update_status(
        nin,
        record_id,
        version,
        {"status": "DELIVERED", "deliveryDate": "2026-12-01T04:05:00Z", "liveBirth": True},
    )
    assert delivered.status_code == 200, delivered.text
    writes.append(delivered.json())

    # Every write names her, from her token.
    for resource in writes:
        assert_by_the_midwife(resource, org_nr)

    # The history: both records, and every version of the second, all by her.
    history = epj.history(nin).json()["history"]
    assert [entry["recordId"] for entry in history] == [first_id, record_id]
    for entry in history:
        assert entry["lastUpdatedBy"]["hprNr"] == MIDWIFE["hpr"]
        assert entry["lastUpdatedBy"]["name"] == MIDWIFE["name"]
    versions = epj.history(nin, record_id).json()["versions"]
    assert len(versions) >= len(SINGLETONS) + 3 * len(LISTS) + 2
    assert {v["lastUpdatedBy"]["hprNr"] for v in versions} == {MIDWIFE["hpr"]}

    # And the audit trail has her on every request.
    entries = AccessLog.objects.filter(client_id=epj_registered.client_id)
    assert entries.count() >= len(writes)
    assert set(entries.values_list("acting_user_id", flat=True)) == {MIDWIFE["hpr"]}


def test_the_same_token_without_its_key_or_with_a_replayed_proof_is_refused_over_http(
    helseid, epj_registered, live_server
):
    key = DpopKey()
    epj = signed_in_epj(helseid, live_server, key)
    nin = new_nin()
    thief = MaternityRecordClient(
        live_server.url,
        access_token=epj.access_token,
        proof=lambda m, u, t: DpopKey().proof(m, u, access_token=t),
    )
    one_proof = key.proof("GET", f"{epj.base_url}/status", access_token=epj.access_token)
    replayer = MaternityRecordClient(
        live_server.url, access_token=epj.access_token, proof=lambda m, u, t: one_proof
    )

    stolen = thief.status(nin)
    first, replayed = replayer.status(nin), replayer.status(nin)

    assert stolen.status_code == 401 and "another key" in stolen.json()["errorMessage"]
    assert first.status_code == 200
    assert replayed.status_code == 401 and "used before" in replayed.json()["errorMessage"]


def test_a_client_credentials_token_polls_status_but_names_no_one_to_write_for(
    helseid, epj_registered, live_server
):
    key = DpopKey()
    token = client_credentials_token(
        helseid,
        client_id=EPJ_CLIENT_ID,
        client_secret=EPJ_SECRET,
        resource=AUDIENCE,
        scope=SCOPE,
        dpop_key=key,
    )
    system = MaternityRecordClient(
        live_server.url, access_token=token, proof=lambda m, u, t: key.proof(m, u, access_token=t)
    )
    nin = new_nin()

    assert system.status(nin).status_code == 200
    refused = system.create_record(nin)
    assert (refused.status_code, refused.json()["errorCode"]) == (400, "DHG-0012")
    assert "X-Acting-User" in refused.json()["errorMessage"]
