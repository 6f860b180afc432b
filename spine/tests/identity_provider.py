"""Tokens as HelseID issues them, from the local provider, over real HTTP: JWT access tokens for the record
API (RFC 8707 resource indicators), for a client system (client credentials) or a signed-in professional
(authorization code with PKCE through the provider's development login), optionally DPoP-bound (RFC 9449).
The provider is maternity.tests.oidc_provider.start_provider with a `resource`."""

import hashlib
import html
import re
import secrets
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

from loadtools.token_issuer import DpopKey, b64url
from maternity.tests.oidc_provider import RunningProvider


def rsa_signing_key(kid: str) -> dict:
    """A fresh private RSA JWK for start_provider(signing_keys=...): the provider signs ID tokens and JWT
    access tokens with it, and a test can sign its own edge-case tokens with the same key."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return {**jwt.algorithms.RSAAlgorithm.to_jwk(key, as_dict=True), "kid": kid, "alg": "RS256", "use": "sig"}


class TokenRequestRefused(Exception):
    """The provider said no: its status and answer are in the message."""


def token_request(provider: RunningProvider, data: dict, dpop_key: DpopKey | None) -> str:
    endpoint = provider.discovery["token_endpoint"]
    headers = {"DPoP": dpop_key.proof("POST", endpoint)} if dpop_key else {}
    response = requests.post(endpoint, data=data, headers=headers, timeout=10)
    if response.status_code != 200:
        raise TokenRequestRefused(f"{response.status_code} from the token endpoint: {response.text}")
    return response.json()["access_token"]


def client_credentials_token(
    provider: RunningProvider,
    *,
    client_id: str,
    client_secret: str,
    resource: str,
    scope: str,
    dpop_key: DpopKey | None = None,
) -> str:
    """A client system's access token for `resource` (a JWT), DPoP-bound to `dpop_key` when given."""
    data = {
        "grant_type": "client_credentials",
        "client_id": client_id,
        "client_secret": client_secret,
        "resource": resource,
        "scope": scope,
    }
    return token_request(provider, data, dpop_key)


def user_token(
    provider: RunningProvider,
    *,
    client_id: str,
    client_secret: str,
    redirect_uri: str,
    login: str,
    resource: str | None,
    scope: str,
    dpop_key: DpopKey | None = None,
) -> str:
    """A signed-in professional's access token for `resource` (a JWT), as `login` at the provider's
    development login (any password), by the authorization code flow with PKCE; DPoP-bound to `dpop_key`
    when given. The redirect_uri is never fetched: only its `code` is read. With `resource=None` neither
    request names a resource: the opaque token for the userinfo endpoint that the login tests get."""
    code_verifier = secrets.token_urlsafe(48)
    state = secrets.token_urlsafe(16)
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": f"openid {scope}",
        "state": state,
        "nonce": secrets.token_urlsafe(16),
        "code_challenge": b64url(hashlib.sha256(code_verifier.encode()).digest()),
        "code_challenge_method": "S256",
        **({"resource": resource} if resource else {}),
    }
    with requests.Session() as browser:
        answer = signed_in_redirect(
            browser, f"{provider.discovery['authorization_endpoint']}?{urlencode(query)}", redirect_uri, login
        )
    if answer.get("state") != [state] or "code" not in answer:
        raise TokenRequestRefused(f"the provider did not give a code: {answer}")
    data = {
        "grant_type": "authorization_code",
        "client_id": client_id,
        "client_secret": client_secret,
        "code": answer["code"][0],
        "code_verifier": code_verifier,
        "redirect_uri": redirect_uri,
        **({"resource": resource} if resource else {}),
    }
    return token_request(provider, data, dpop_key)


def signed_in_redirect(browser: requests.Session, url: str, redirect_uri: str, login: str) -> dict:
    """Follow the provider's redirects from `url`, signing in as `login` on its login form (once), until it
    sends the browser to redirect_uri: that redirect's query, parsed."""
    signed_in = False
    for _ in range(10):
        if url.startswith(redirect_uri):
            return parse_qs(urlsplit(url).query)
        response = browser.get(url, allow_redirects=False, timeout=10)
        form = re.search(r'<form[^>]*action="([^"]+)"', response.text)
        if not response.is_redirect and form and 'name="login"' in response.text and not signed_in:
            signed_in = True
            response = browser.post(
                urljoin(url, html.unescape(form.group(1))),
                data={"prompt": "login", "login": login, "password": "any"},
                allow_redirects=False,
                timeout=10,
            )
        if not response.is_redirect:
            raise TokenRequestRefused(
                f"the provider did not send {login!r} back to {redirect_uri}: "
                f"{response.status_code} {response.text[:2000]}"
            )
        url = urljoin(response.url, response.headers["location"])
    raise TokenRequestRefused(f"the provider kept redirecting {login!r}, last to {url}")
