"""Signed access tokens from a trusted issuer (HelseID's kind): which are accepted, which are refused and
why, who the acting professional is, and how the issuer's keys are fetched and rotated. The issuer's keys
are served over real HTTP (signed_tokens.KeyServer); the server fetches them as it would HelseID's."""

import hashlib
import hmac
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import RecordApi, fetch_token
from maternity.models import AccessLog, Pregnancy
from spine import services
from spine.dpop import b64url
from spine.tests.conftest import HELSEID_CLIENT_ID
from spine.tests.helpers import database_state, outcome
from spine.tests.signed_tokens import KeyServer, SignedTokenApi, SigningKey
from spine.token_issuers import REFETCH_SECONDS, parse_issuer

pytestmark = pytest.mark.django_db


def api_with(token: str, nin: str) -> SignedTokenApi:
    return SignedTokenApi(token, nin)


# --- Accepted -------------------------------------------------------------------------------------------


def test_a_client_credentials_token_from_the_trusted_issuer_acts_as_its_client_system(issuer, linked, nin):
    api = api_with(issuer.token(HELSEID_CLIENT_ID), nin)

    assert api.get("status").status_code == 200
    entry = AccessLog.objects.latest("id")
    assert (entry.client_id, entry.care_location_id) == (linked.client_id, linked.care_location_id)


def test_a_client_credentials_token_still_needs_the_acting_user_headers_on_writes(issuer, linked, nin):
    api = api_with(issuer.token(HELSEID_CLIENT_ID), nin)
    before = database_state()

    refused = api.post("record", {})

    assert outcome(refused) == (400, "DHG-0012", "DHG-0012")
    assert "user token" in refused.json()["errorMessage"]
    assert database_state() == before
    named = api.post("record", {}, X_Acting_User_Name="Kari Jordmor", X_Acting_User_Id="9144889")
    assert named.status_code == 201, named.content
    assert named.json()["metadata"]["lastUpdatedBy"]["hprNr"] == "9144889"


def test_a_user_token_writes_without_acting_user_headers_in_the_professionals_name(issuer, linked, nin):
    api = api_with(issuer.user_token(HELSEID_CLIENT_ID), nin)

    created = api.post("record", {}, nhn_user_role="%7B%22code%22%3A%22JO%22%7D")

    assert created.status_code == 201, created.content
    by = created.json()["metadata"]["lastUpdatedBy"]
    assert (by["name"], by["hprNr"], by["hprRole"]) == ("Åse Ødegård", "565501872", "JO")
    assert (by["orgNr"], by["userType"]) == (linked.care_location.org_nr, "HEALTH_CARE_PROFESSIONAL")
    entry = AccessLog.objects.latest("id")
    assert (entry.acting_user_name, entry.acting_user_id) == ("Åse Ødegård", "565501872")


def test_acting_user_headers_that_say_what_the_token_says_are_accepted(issuer, linked, nin):
    api = api_with(issuer.user_token(HELSEID_CLIENT_ID), nin)

    created = api.post("record", {}, X_Acting_User_Name="  åse  ØDEGÅRD ", X_Acting_User_Id="565501872")

    assert created.status_code == 201, created.content
    assert created.json()["metadata"]["lastUpdatedBy"]["name"] == "Åse Ødegård"  # the token's spelling


@pytest.mark.parametrize(
    "headers, field",
    [
        ({"X_Acting_User_Id": "9144889"}, "X-Acting-User-Id"),
        ({"X_Acting_User_Name": "Kari Jordmor"}, "X-Acting-User-Name"),
        ({"X_Acting_User_Name": "Åse Ødegård", "X_Acting_User_Id": "1"}, "X-Acting-User-Id"),
    ],
)
def test_acting_user_headers_that_contradict_the_user_token_are_refused_and_change_nothing(
    issuer, linked, nin, headers, field
):
    api = api_with(issuer.user_token(HELSEID_CLIENT_ID), nin)
    before = database_state()

    refused = api.post("record", {}, **headers)

    assert outcome(refused) == (400, "DHG-0012", "DHG-0012")
    assert refused.json()["field"] == field
    assert "access token" in refused.json()["errorMessage"]
    assert database_state() == before


def test_a_role_header_outside_the_roles_a_token_gives_is_refused(issuer, linked, nin, settings):
    settings.SPINE_TOKEN_ISSUERS = [issuer.settings(claims={"role": "helseid://claims/hpr/hpr_details"})]
    details = {"approvals": [{"profession": "JO"}, {"profession": "SP"}], "hpr_number": "565501872"}
    api = api_with(issuer.user_token(HELSEID_CLIENT_ID, **{"helseid://claims/hpr/hpr_details": details}), nin)

    refused = api.post("record", {}, nhn_user_role="%7B%22code%22%3A%22LE%22%7D")
    accepted = api.post("record", {}, nhn_user_role="%7B%22code%22%3A%22SP%22%7D")

    assert outcome(refused)[0] == 400 and refused.json()["field"] == "nhn-user-role"
    assert accepted.status_code == 201
    assert accepted.json()["metadata"]["lastUpdatedBy"]["hprRole"] == "SP"


def test_a_refused_request_with_a_user_token_is_audited_with_the_professional(issuer, linked, nin):
    api = api_with(issuer.user_token(HELSEID_CLIENT_ID), nin)

    api.get("record/00000000-0000-0000-0000-000000000000")

    entry = AccessLog.objects.latest("id")
    assert entry.outcome != "ALLOWED"
    assert (entry.acting_user_name, entry.acting_user_id) == ("Åse Ødegård", "565501872")


def test_a_record_read_with_a_signed_token_makes_as_many_queries_as_with_this_servers_own(
    issuer, linked, client_a, nin
):
    own = RecordApi(fetch_token(client_a.client_id, client_a.client_secret), nin)
    record_id = own.post("record", {}).json()["metadata"]["recordId"]
    signed = api_with(issuer.token(HELSEID_CLIENT_ID), nin)
    signed.get(f"record/{record_id}")  # the issuer's keys fetched once, outside the count

    counts = []
    for api in (own, signed):
        with CaptureQueriesContext(connection) as queries:
            assert api.get(f"record/{record_id}").status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_a_signed_token_is_held_to_its_client_systems_record_filter(issuer, linked, nin):
    services.spine_client_set_filter(client=linked, record_filter=["mother"])
    api = api_with(issuer.user_token(HELSEID_CLIENT_ID), nin)
    record_id = api.post("record", {}).json()["metadata"]["recordId"]

    allowed = api.post(f"record/{record_id}/mother", {"name": "Ingrid Hansen"})
    refused = api.post(f"record/{record_id}/clinicalTests", {"hemoglobin": 12.0})

    assert allowed.status_code == 201
    assert outcome(refused) == (403, "DHG-0010", "DHG-0010")


# --- Refused --------------------------------------------------------------------------------------------

NOW = int(time.time())


@pytest.mark.parametrize(
    "claims, reason",
    [
        ({"exp": NOW - 3600}, "expired"),
        ({"nbf": NOW + 3600}, "not valid yet"),
        ({"iat": NOW + 3600}, "not valid yet"),
        ({"aud": "nhn:another-api"}, "not for this API"),
        ({"scope": "openid nhn:another-api/read"}, "lacks the scope"),
        ({"exp": None}, "exp"),
        ({"client_id": None}, "names no client"),
        ({"client_id": "nobody-registered"}, "not registered here"),
        ({"helseid://claims/client/claims/orgnr_child": "998570328"}, "point of care"),
    ],
)
def test_a_token_that_fails_a_check_is_refused_with_401_saying_why(issuer, linked, nin, claims, reason):
    refused = api_with(issuer.token(HELSEID_CLIENT_ID, **claims), nin).get("status")

    assert outcome(refused) == (401, "DHG-0005", "DHG-0005")
    assert reason in refused.json()["errorMessage"]
    assert 'error="invalid_token"' in refused.headers["WWW-Authenticate"] or "scope" in reason


def test_a_token_from_an_issuer_not_trusted_here_is_refused(issuer, linked, nin):
    stranger = KeyServer()
    try:
        token = stranger.token(HELSEID_CLIENT_ID)
        refused = api_with(token, nin).get("status")
    finally:
        stranger.stop()

    assert outcome(refused)[0] == 401
    assert "issuer is not trusted" in refused.json()["errorMessage"]


def test_a_forged_or_tampered_token_is_refused(issuer, linked, nin):
    forger = SigningKey(kid=issuer.keys[0].kid)  # the issuer's key id, another key
    forged = issuer.token(HELSEID_CLIENT_ID, key=forger)
    header, payload, signature = issuer.token(HELSEID_CLIENT_ID).split(".")
    other_payload = issuer.token("someone-else").split(".")[1]
    tampered = f"{header}.{other_payload}.{signature}"

    for token in (forged, tampered):
        refused = api_with(token, nin).get("status")
        assert outcome(refused)[0] == 401
        assert "invalid" in refused.json()["errorMessage"].lower()


def test_a_token_with_no_signature_or_an_hmac_made_with_the_public_key_is_refused(issuer, linked, nin):
    now = int(time.time())
    claims = {"iss": issuer.issuer, "aud": "nhn:maternity-record", "client_id": HELSEID_CLIENT_ID}
    claims |= {"iat": now, "exp": now + 600, "scope": "nhn:maternity-record/api"}
    kid = {"kid": issuer.keys[0].kid}
    unsigned = jwt.encode(claims, None, algorithm="none", headers=kid)
    public_pem = (
        issuer.keys[0].private.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    )
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT", **kid}).encode())
    signing_input = f"{header}.{b64url(json.dumps(claims).encode())}"
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    confused = f"{signing_input}.{b64url(mac)}"  # "signed" with the public key as an HMAC secret

    for token in (unsigned, confused):
        refused = api_with(token, nin).get("status")
        assert outcome(refused)[0] == 401
        assert "must be signed with one of" in refused.json()["errorMessage"]


def test_a_token_of_a_deactivated_client_system_is_refused_at_once(issuer, linked, nin):
    api = api_with(issuer.token(HELSEID_CLIENT_ID), nin)
    assert api.get("status").status_code == 200

    services.spine_client_deactivate(client=linked)

    refused = api.get("status")
    assert outcome(refused)[0] == 401
    assert "deactivated" in refused.json()["errorMessage"]


def test_a_user_token_below_the_issuers_minimum_security_level_is_refused(issuer, linked, nin, settings):
    settings.SPINE_TOKEN_ISSUERS = [issuer.settings(minimum_security_level=4)]

    level_3 = api_with(
        issuer.user_token(HELSEID_CLIENT_ID, **{"helseid://claims/identity/security_level": "3"}), nin
    )
    level_4 = api_with(issuer.user_token(HELSEID_CLIENT_ID), nin)

    assert outcome(level_3.get("status"))[0] == 401
    assert 'error="insufficient_user_authentication"' in level_3.get("status").headers["WWW-Authenticate"]
    assert level_4.get("status").status_code == 200


def test_an_unbound_token_is_refused_where_the_issuer_requires_dpop(issuer, linked, nin, settings):
    settings.SPINE_TOKEN_ISSUERS = [issuer.settings(dpop_required=True)]

    refused = api_with(issuer.token(HELSEID_CLIENT_ID), nin).get("status")

    assert outcome(refused)[0] == 401
    assert refused.headers["WWW-Authenticate"].startswith("DPoP ")


def test_this_servers_own_tokens_keep_working_beside_a_trusted_issuer(issuer, linked, client_a, nin):
    own = RecordApi(fetch_token(client_a.client_id, client_a.client_secret), nin)

    assert own.post("record", {}).status_code == 201
    assert Pregnancy.objects.count() == 1


# --- The issuer's keys ------------------------------------------------------------------------------------


def test_the_issuers_keys_are_fetched_once_then_again_when_it_signs_with_a_new_key(
    issuer, linked, nin, monkeypatch
):
    monkeypatch.setattr("spine.token_issuers.REFETCH_SECONDS", 0)  # as if the last fetch were long ago
    assert api_with(issuer.token(HELSEID_CLIENT_ID), nin).get("status").status_code == 200
    assert api_with(issuer.token(HELSEID_CLIENT_ID), nin).get("status").status_code == 200
    assert issuer.fetches == 1

    rotated = SigningKey()
    issuer.keys = [rotated, *issuer.keys]  # the issuer publishes a new key and signs with it

    assert api_with(issuer.token(HELSEID_CLIENT_ID, key=rotated), nin).get("status").status_code == 200
    assert issuer.fetches == 2


def test_tokens_naming_unknown_keys_do_not_make_the_server_fetch_the_keys_on_every_request(
    issuer, linked, nin
):
    api_with(issuer.token(HELSEID_CLIENT_ID), nin).get("status")
    stranger = SigningKey()

    for _ in range(5):
        refused = api_with(issuer.token(HELSEID_CLIENT_ID, key=stranger), nin).get("status")
        assert "does not publish" in refused.json()["errorMessage"]

    assert issuer.fetches <= 2  # at most one fetch more within REFETCH_SECONDS
    assert REFETCH_SECONDS >= 5


def test_an_issuer_that_cannot_be_reached_is_a_503_to_retry_not_a_refusal(issuer, linked, nin):
    issuer.up = False

    unavailable = api_with(issuer.token(HELSEID_CLIENT_ID), nin).get("status")

    assert unavailable.status_code == 503
    assert unavailable.headers["Retry-After"]
    assert unavailable.json()["errorCode"] == "DHG-0001"


def test_keys_already_held_keep_working_while_the_issuer_is_down(issuer, linked, nin):
    assert api_with(issuer.token(HELSEID_CLIENT_ID), nin).get("status").status_code == 200
    issuer.up = False

    assert api_with(issuer.token(HELSEID_CLIENT_ID), nin).get("status").status_code == 200


# --- Settings and linking ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "entry, says",
    [
        ({"audience": "nhn:maternity-record"}, "issuer"),
        ({"issuer": "https://helseid-sts.nhn.no"}, "audience"),
        ({"issuer": "https://x", "audience": "y", "algoritms": ["RS256"]}, "unknown setting(s) algoritms"),
        ({"issuer": "https://x", "audience": "y", "algorithms": ["HS256"]}, "may name only"),
        ({"issuer": "https://x", "audience": "y", "claims": {"hpr": "x"}}, "unknown claim(s) hpr"),
        ({"issuer": "https://x", "audience": "y", "minimum_security_level": "4"}, "is a number"),
    ],
)
def test_a_mistake_in_the_issuer_settings_is_named(entry, says):
    with pytest.raises(ImproperlyConfigured, match=".*" + says.replace("(", r"\(").replace(")", r"\)")):
        parse_issuer(entry)


def test_a_client_system_can_be_linked_only_to_a_trusted_issuer_and_a_client_id_not_taken(
    issuer, linked, client_b
):
    from maternity.errors import Invalid

    with pytest.raises(Invalid, match="not a trusted token issuer"):
        services.spine_client_set_token_client(client=client_b.client, issuer="https://x", client_id="a")
    with pytest.raises(Invalid, match="already has the client ID"):
        services.spine_client_set_token_client(
            client=client_b.client, issuer=issuer.issuer, client_id=HELSEID_CLIENT_ID
        )
    with pytest.raises(Invalid, match="or neither"):
        services.spine_client_set_token_client(client=client_b.client, issuer=issuer.issuer, client_id="")
