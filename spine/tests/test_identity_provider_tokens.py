"""The local provider issues access tokens for the record API as HelseID does: JWTs for the resource
(RFC 8707) with the client's and the professional's claims, bound to a DPoP key when a proof came with the
token request, signed with keys a test chooses and can rotate. Without a resource nothing changes: the
opaque token for the userinfo endpoint that the sign-in tests rely on. Real node provider, real HTTP."""

import jwt
import pytest
import requests

from maternity.tests.oidc_provider import start_provider

from .identity_provider import (
    DpopKey,
    TokenRequestRefused,
    client_credentials_token,
    rsa_signing_key,
    user_token,
)

AUDIENCE, SCOPE = "nhn:maternity-record", "nhn:maternity-record/api"
ORGNR_PARENT = "helseid://claims/client/claims/orgnr_parent"
HPR_NUMBER = "helseid://claims/hpr/hpr_number"
REDIRECT_URI = "http://127.0.0.1:9/callback"  # never fetched: the code is read off the redirect


@pytest.fixture
def provider():
    running = start_provider(
        clients=[
            {
                "client_id": "journal-system",
                "client_secret": "system-secret",
                "grant_types": ["client_credentials"],
                "access_token_claims": {ORGNR_PARENT: "983974899"},
            },
            {
                "client_id": "midwife-app",
                "client_secret": "app-secret",
                "redirect_uris": [REDIRECT_URI],
                "access_token_claims": {ORGNR_PARENT: "974633574"},
            },
        ],
        accounts={
            "kari": {
                "name": "Kari Jordmor",
                "access_token_claims": {HPR_NUMBER: "9144889", "name": "Kari Jordmor"},
            }
        },
        resource={"audience": AUDIENCE, "scope": SCOPE, "ttl": 300},
        signing_keys=[rsa_signing_key("first-key")],
    )
    yield running
    running.stop()


def system_token(provider, **options) -> str:
    return client_credentials_token(
        provider,
        client_id="journal-system",
        client_secret="system-secret",
        resource=AUDIENCE,
        scope=SCOPE,
        **options,
    )


def midwife_token(provider, **options) -> str:
    return user_token(
        provider,
        client_id="midwife-app",
        client_secret="app-secret",
        redirect_uri=REDIRECT_URI,
        login="kari",
        **{"resource": AUDIENCE, "scope": SCOPE, **options},
    )


def verified_claims(provider, token: str) -> dict:
    """The token's claims, once its signature checks out against the provider's published JWKS."""
    key = jwt.PyJWKClient(provider.discovery["jwks_uri"], cache_jwk_set=False).get_signing_key_from_jwt(token)
    return jwt.decode(token, key, algorithms=["RS256"], audience=AUDIENCE, issuer=provider.issuer)


def test_a_client_credentials_token_is_a_signed_jwt_for_the_record_api_with_the_clients_claims(provider):
    token = system_token(provider)
    claims = verified_claims(provider, token)
    assert jwt.get_unverified_header(token) == {"alg": "RS256", "typ": "at+jwt", "kid": "first-key"}
    assert claims["aud"] == AUDIENCE and claims["scope"] == SCOPE
    assert claims["client_id"] == claims["sub"] == "journal-system"
    assert claims[ORGNR_PARENT] == "983974899"
    assert claims["exp"] - claims["iat"] == 300  # the resource's ttl
    assert claims["jti"]
    assert "cnf" not in claims


def test_a_token_asked_for_with_a_dpop_proof_is_bound_to_that_key(provider):
    key = DpopKey()
    claims = verified_claims(provider, system_token(provider, dpop_key=key))
    assert claims["cnf"] == {"jkt": key.thumbprint}


def test_a_professionals_token_carries_her_claims_her_sub_and_the_apps_claims(provider):
    claims = verified_claims(provider, midwife_token(provider))
    assert claims["sub"] == "kari" and claims["client_id"] == "midwife-app"
    assert claims[HPR_NUMBER] == "9144889" and claims["name"] == "Kari Jordmor"
    assert claims[ORGNR_PARENT] == "974633574"
    assert claims["scope"] == SCOPE  # the API's scope only: openid is for the ID token
    assert "cnf" not in claims


def test_a_professionals_token_asked_for_with_a_dpop_proof_is_bound_to_that_key(provider):
    key = DpopKey()
    claims = verified_claims(provider, midwife_token(provider, dpop_key=key))
    assert claims["cnf"] == {"jkt": key.thumbprint}


def test_after_a_key_rotation_new_tokens_are_signed_with_the_new_key_and_old_ones_no_longer_verify(
    provider,
):
    old_token = system_token(provider)
    issuer = provider.issuer
    provider.restart(signing_keys=[rsa_signing_key("second-key")])

    assert provider.issuer == issuer
    assert [key["kid"] for key in requests.get(provider.discovery["jwks_uri"], timeout=5).json()["keys"]] == [
        "second-key"
    ]
    new_token = system_token(provider)
    assert jwt.get_unverified_header(new_token)["kid"] == "second-key"
    assert verified_claims(provider, new_token)["sub"] == "journal-system"
    with pytest.raises(jwt.PyJWKClientError):
        verified_claims(provider, old_token)


def test_without_a_resource_the_access_token_is_opaque_and_good_at_the_userinfo_endpoint(provider):
    token = midwife_token(provider, resource=None, scope="profile")
    with pytest.raises(jwt.DecodeError):
        jwt.get_unverified_header(token)
    userinfo = requests.get(
        provider.discovery["userinfo_endpoint"], headers={"Authorization": f"Bearer {token}"}, timeout=5
    )
    assert userinfo.json() == {"sub": "kari", "name": "Kari Jordmor"}


@pytest.mark.parametrize(
    "request_changes, error",
    [
        ({"resource": "nhn:another-api"}, "invalid_target"),
        ({"client_secret": "wrong"}, "invalid_client"),
        ({"client_id": "midwife-app", "client_secret": "app-secret"}, "requested grant type is not allowed"),
    ],
)
def test_the_provider_refuses_an_unknown_resource_a_wrong_secret_and_a_client_not_allowed_the_grant(
    provider, request_changes, error
):
    with pytest.raises(TokenRequestRefused, match=error):
        client_credentials_token(
            provider,
            **{
                "client_id": "journal-system",
                "client_secret": "system-secret",
                "resource": AUDIENCE,
                "scope": SCOPE,
                **request_changes,
            },
        )
