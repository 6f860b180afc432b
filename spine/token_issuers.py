"""The OpenID Connect issuers whose signed access tokens the APIs accept (HelseID in Norway), and their
signing keys.

`settings.SPINE_TOKEN_ISSUERS` is a list of dicts (from the JSON in the environment variable of the same
name; docs/api.md shows HelseID's). Each is checked when the app starts (spine/checks.py), so a typo stops
the deployment with the reason rather than refusing every token. Claim names default to HelseID's.

Keys come from the issuer's JWKS (its `jwks_uri`, else the one its discovery document names), kept per
process for `KEYS_SECONDS`. A token signed with a key the cache does not hold fetches the set again (the
issuer rotated its keys), at most once per `REFETCH_SECONDS`, so a stream of tokens with made-up key ids
cannot turn into a stream of requests to the issuer. When the issuer cannot be reached, the keys already
held keep working; with none held, `KeysUnavailable` (the API answers 503, as for a database outage).
"""

import logging
import threading
import time
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import jwt
import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

logger = logging.getLogger(__name__)

KEYS_SECONDS = 3600
REFETCH_SECONDS = 10
FETCH_TIMEOUT_SECONDS = 3
# Asymmetric algorithms only: `none` and the HMAC family (a shared secret) are never accepted.
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")

# HelseID's names (its technical reference, "claims"). HelseID puts no HPR role in its tokens: the role comes
# from the nhn-user-role header, unless a deployment names a role claim.
HELSEID_CLAIMS = {
    "client_id": "client_id",
    "hpr_number": "helseid://claims/hpr/hpr_number",
    "name": "name",
    "role": "",
    "pid": "helseid://claims/identity/pid",
    "security_level": "helseid://claims/identity/security_level",
    "org_parent": "helseid://claims/client/claims/orgnr_parent",
    "org_child": "helseid://claims/client/claims/orgnr_child",
}


class KeysUnavailable(Exception):
    """The issuer's keys could not be fetched and none are held: no token of it can be checked now."""


@dataclass(frozen=True)
class TokenIssuer:
    """One trusted issuer: whose tokens (`issuer`, the exact `iss`), for whom (`audience`, the exact `aud`
    this deployment answers to) and for what (`scope`, when set, must be among the token's scopes)."""

    issuer: str
    audience: str
    scope: str = ""
    jwks_uri: str = ""  # empty: from the issuer's discovery document
    dpop_required: bool = False  # True: tokens not bound to a key (no cnf.jkt) are refused
    minimum_security_level: int | None = None  # user tokens below it are refused (HelseID: 4 is BankID)
    leeway_seconds: int = 30  # clock difference tolerated on exp, nbf and iat
    algorithms: tuple[str, ...] = SIGNING_ALGORITHMS
    claims: dict[str, str] = field(default_factory=lambda: dict(HELSEID_CLAIMS))

    def claim(self, name: str) -> str:
        return self.claims.get(name, "")


def parse_issuer(entry: Any) -> TokenIssuer:
    """A `SPINE_TOKEN_ISSUERS` entry as a TokenIssuer; ImproperlyConfigured naming what is wrong."""
    if not isinstance(entry, dict):
        raise ImproperlyConfigured("Each SPINE_TOKEN_ISSUERS entry must be an object.")
    known = set(TokenIssuer.__dataclass_fields__)
    unknown = sorted(set(entry) - known)
    if unknown:
        raise ImproperlyConfigured(
            f"SPINE_TOKEN_ISSUERS: unknown setting(s) {', '.join(unknown)}; "
            f"known: {', '.join(sorted(known))}."
        )
    for required in ("issuer", "audience"):
        if not isinstance(entry.get(required), str) or not entry[required]:
            raise ImproperlyConfigured(f"SPINE_TOKEN_ISSUERS: each issuer needs `{required}` (a string).")
    claims = entry.get("claims", {})
    if not isinstance(claims, dict) or not all(isinstance(v, str) for v in claims.values()):
        raise ImproperlyConfigured("SPINE_TOKEN_ISSUERS: `claims` maps names to claim names (strings).")
    unknown_claims = sorted(set(claims) - set(HELSEID_CLAIMS))
    if unknown_claims:
        raise ImproperlyConfigured(
            f"SPINE_TOKEN_ISSUERS: unknown claim(s) {', '.join(unknown_claims)}; known: "
            f"{', '.join(HELSEID_CLAIMS)}."
        )
    algorithms = tuple(entry.get("algorithms", SIGNING_ALGORITHMS))
    weak = [a for a in algorithms if a not in SIGNING_ALGORITHMS]
    if weak or not algorithms:
        raise ImproperlyConfigured(
            f"SPINE_TOKEN_ISSUERS: `algorithms` may name only {', '.join(SIGNING_ALGORITHMS)}."
        )
    level = entry.get("minimum_security_level")
    if level is not None and not isinstance(level, int):
        raise ImproperlyConfigured("SPINE_TOKEN_ISSUERS: `minimum_security_level` is a number, e.g. 4.")
    return TokenIssuer(
        issuer=entry["issuer"],
        audience=entry["audience"],
        scope=str(entry.get("scope", "")),
        jwks_uri=str(entry.get("jwks_uri", "")),
        dpop_required=bool(entry.get("dpop_required", False)),
        minimum_security_level=level,
        leeway_seconds=int(entry.get("leeway_seconds", 30)),
        algorithms=algorithms,
        claims={**HELSEID_CLAIMS, **claims},
    )


@cache
def _issuers() -> dict[str, TokenIssuer]:
    return {issuer.issuer: issuer for issuer in map(parse_issuer, settings.SPINE_TOKEN_ISSUERS)}


def trusted_issuer(iss: object) -> TokenIssuer | None:
    return _issuers().get(iss) if isinstance(iss, str) else None


def any_trusted() -> bool:
    return bool(_issuers())


class _KeySet:
    """One issuer's keys, as last fetched."""

    def __init__(self, issuer: TokenIssuer):
        self.issuer = issuer
        self.keys: dict[str, jwt.PyJWK] = {}
        self.fetched_at = float("-inf")
        self.tried_at = float("-inf")
        self.lock = threading.Lock()

    def key(self, kid: str) -> jwt.PyJWK | None:
        now = time.monotonic()
        if kid in self.keys and now - self.fetched_at < KEYS_SECONDS:
            return self.keys[kid]
        with self.lock:
            if (kid not in self.keys or now - self.fetched_at >= KEYS_SECONDS) and (
                now - self.tried_at >= REFETCH_SECONDS
            ):
                self._fetch(now)
        if not self.keys:
            raise KeysUnavailable(self.issuer.issuer)
        return self.keys.get(kid)

    def _fetch(self, now: float) -> None:
        self.tried_at = now
        try:
            uri = self.issuer.jwks_uri or _discovered_jwks_uri(self.issuer.issuer)
            response = requests.get(uri, timeout=FETCH_TIMEOUT_SECONDS)
            response.raise_for_status()
            keys = {}
            for data in response.json().get("keys", []):
                if data.get("use", "sig") != "sig" or "kid" not in data:
                    continue
                try:
                    keys[data["kid"]] = jwt.PyJWK(data)
                except jwt.PyJWTError:  # a key type or curve we cannot use: skip it, keep the others
                    continue
        except (requests.RequestException, ValueError, AttributeError) as error:
            logger.warning("Could not fetch the signing keys of %s: %s", self.issuer.issuer, error)
            return
        self.keys, self.fetched_at = keys, now


def _discovered_jwks_uri(issuer: str) -> str:
    discovery = requests.get(
        f"{issuer.rstrip('/')}/.well-known/openid-configuration", timeout=FETCH_TIMEOUT_SECONDS
    )
    discovery.raise_for_status()
    return discovery.json()["jwks_uri"]


_key_sets: dict[str, _KeySet] = {}
_key_sets_lock = threading.Lock()


def signing_key(issuer: TokenIssuer, kid: str) -> jwt.PyJWK | None:
    """The issuer's key with this id, fetching the issuer's keys when needed; None when it has none such."""
    with _key_sets_lock:
        key_set = _key_sets.get(issuer.issuer)
        if key_set is None or key_set.issuer != issuer:
            key_set = _key_sets[issuer.issuer] = _KeySet(issuer)
    return key_set.key(kid)


@receiver(setting_changed)
def _forget_issuers(*, setting, **kwargs):
    if setting == "SPINE_TOKEN_ISSUERS":
        _issuers.cache_clear()
        _key_sets.clear()
