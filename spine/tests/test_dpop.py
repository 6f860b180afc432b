"""DPoP (RFC 9449), as HelseID binds its tokens: a token bound to a key (`cnf.jkt`) is good only with a fresh
proof signed by that key for this very request. A stolen token without the key is refused, however it is
sent; a proof is good once, for one method and URL, for a short while."""

import hashlib
import time

import jwt
import pytest

from maternity.models import AccessLog
from spine.tests.conftest import HELSEID_CLIENT_ID
from spine.tests.helpers import database_state, outcome
from spine.tests.identity_provider import DpopKey
from spine.tests.signed_tokens import SignedTokenApi

pytestmark = pytest.mark.django_db

STATUS_URL = "http://testserver/api/maternity-record/v1/status"


@pytest.fixture(autouse=True)
def dpop_required(issuer, settings):
    settings.SPINE_TOKEN_ISSUERS = [issuer.settings(dpop_required=True)]


@pytest.fixture
def key():
    return DpopKey()


@pytest.fixture
def token(issuer, linked, key):
    """A user token bound to `key`."""
    return issuer.user_token(HELSEID_CLIENT_ID, cnf={"jkt": key.thumbprint})


def status_with(token: str, nin: str, **headers):
    return SignedTokenApi(token, nin).get("status", **headers)


def assert_refused_proof(response, says: str) -> None:
    assert outcome(response) == (401, "DHG-0005", "DHG-0005")
    assert says in response.json()["errorMessage"]
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith("DPoP ") and 'error="invalid_dpop_proof"' in challenge
    assert 'algs="' in challenge


def test_a_bound_token_with_fresh_proofs_reads_and_writes(token, key, nin):
    api = SignedTokenApi(token, nin, dpop_key=key)

    created = api.post("record", {})
    assert created.status_code == 201, created.content
    record_id = created.json()["metadata"]["recordId"]
    mother = api.post(f"record/{record_id}/mother", {"name": "Ingrid Hansen"})

    assert mother.status_code == 201, mother.content
    assert api.get(f"record/{record_id}").status_code == 200
    assert mother.json()["metadata"]["lastUpdatedBy"]["hprNr"] == "565501872"


def test_a_stolen_bound_token_without_a_proof_is_refused(token, nin):
    refused = status_with(token, nin, Authorization=f"DPoP {token}")

    assert_refused_proof(refused, "send a DPoP proof")


def test_a_stolen_bound_token_with_the_thiefs_own_proof_is_refused(token, nin):
    thief = DpopKey()
    before = database_state()

    refused = SignedTokenApi(token, nin, dpop_key=thief).post("record", {})

    assert_refused_proof(refused, "another key")
    assert database_state() == before


def test_a_bound_token_sent_as_a_bearer_token_is_refused(token, nin):
    refused = status_with(token, nin)  # Authorization: Bearer, no proof

    assert outcome(refused)[0] == 401
    assert "bound to a key" in refused.json()["errorMessage"]
    assert refused.headers["WWW-Authenticate"].startswith("DPoP ")


def test_a_replayed_proof_is_refused(token, key, nin):
    proof = key.proof("GET", STATUS_URL, access_token=token)
    headers = {"Authorization": f"DPoP {token}", "DPoP": proof}

    assert status_with(token, nin, **headers).status_code == 200
    assert_refused_proof(status_with(token, nin, **headers), "used before")


def test_every_refused_proof_is_in_the_audit_trail(token, key, nin):
    proof = key.proof("GET", STATUS_URL, access_token=token)
    headers = {"Authorization": f"DPoP {token}", "DPoP": proof}
    status_with(token, nin, **headers)
    before = AccessLog.objects.count()

    status_with(token, nin, **headers)

    assert AccessLog.objects.count() == before + 1
    assert AccessLog.objects.latest("id").status_code == 401


@pytest.mark.parametrize(
    "make_proof, says",
    [
        (lambda k, t: k.proof("POST", STATUS_URL, access_token=t), "not this request's GET"),
        (
            lambda k, t: k.proof("GET", "http://testserver/api/maternity-record/v1/history", access_token=t),
            "htu",
        ),
        (
            lambda k, t: k.proof(
                "GET", "https://elsewhere.example/api/maternity-record/v1/status", access_token=t
            ),
            "htu",
        ),
        (
            lambda k, t: k.proof("GET", STATUS_URL, access_token=t, iat=int(time.time()) - 600),
            "within 60 seconds",
        ),
        (
            lambda k, t: k.proof("GET", STATUS_URL, access_token=t, iat=int(time.time()) + 600),
            "within 60 seconds",
        ),
        (lambda k, t: k.proof("GET", STATUS_URL), "ath"),
        (lambda k, t: k.proof("GET", STATUS_URL, access_token=t + "x"), "ath"),
        (lambda k, t: "not-a-jwt", "not a JWT"),
        (lambda k, t: k.proof("GET", STATUS_URL, access_token=t) + "\x00\x1b", "not a JWT"),
        (
            lambda k, t: f"{k.proof('GET', STATUS_URL, access_token=t)},{k.proof('GET', STATUS_URL)}",
            "exactly one",
        ),
    ],
    ids=[
        "method",
        "path",
        "host",
        "old",
        "future",
        "no ath",
        "other token",
        "garbage",
        "control characters",
        "two proofs",
    ],
)
def test_a_proof_for_another_request_time_or_token_is_refused(token, key, nin, make_proof, says):
    refused = status_with(token, nin, Authorization=f"DPoP {token}", DPoP=make_proof(key, token))

    assert_refused_proof(refused, says)


def _signed_proof(key: DpopKey, token: str, *, header: dict, jwk: dict | None = None, alg: str = "ES256"):
    claims = {"jti": "j-1", "htm": "GET", "htu": STATUS_URL, "iat": int(time.time())}
    claims["ath"] = jwt.utils.base64url_encode(hashlib.sha256(token.encode()).digest()).decode()
    return jwt.encode(
        claims, key.private_key, algorithm=alg, headers={"jwk": jwk or key.public_jwk, **header}
    )


def test_a_proof_that_is_not_a_dpop_jwt_or_carries_a_private_key_is_refused(token, key, nin):
    wrong_type = _signed_proof(key, token, header={"typ": "JWT"})
    private_number = key.private_key.private_numbers().private_value.to_bytes(32, "big")
    private_jwk = {**key.public_jwk, "d": jwt.utils.base64url_encode(private_number).decode()}
    with_private_key = _signed_proof(key, token, header={"typ": "dpop+jwt"}, jwk=private_jwk)

    assert_refused_proof(status_with(token, nin, Authorization=f"DPoP {token}", DPoP=wrong_type), "typ")
    assert_refused_proof(
        status_with(token, nin, Authorization=f"DPoP {token}", DPoP=with_private_key), "private key"
    )


def test_a_proof_signed_by_another_key_than_the_one_it_carries_is_refused(token, key, nin):
    other = DpopKey()
    lying = jwt.encode(
        {"jti": "j-2", "htm": "GET", "htu": STATUS_URL, "iat": int(time.time())},
        other.private_key,
        algorithm="ES256",
        headers={"typ": "dpop+jwt", "jwk": key.public_jwk},
    )

    refused = status_with(token, nin, Authorization=f"DPoP {token}", DPoP=lying)

    assert_refused_proof(refused, "does not verify")


def test_the_dpop_scheme_with_an_unbound_token_is_refused(issuer, linked, key, nin):
    unbound = issuer.user_token(HELSEID_CLIENT_ID)

    refused = SignedTokenApi(unbound, nin, dpop_key=key).get("status")

    assert outcome(refused)[0] == 401
    assert "this one is not" in refused.json()["errorMessage"]


def test_proofs_are_refused_with_503_when_the_replay_cache_cannot_be_reached(token, key, nin, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }

    unavailable = SignedTokenApi(token, nin, dpop_key=key).get("status")

    assert unavailable.status_code == 503
    assert "replay" in unavailable.json()["errorMessage"]
