"""Signed access tokens (JWT) from a trusted OpenID Connect issuer, as NHN's clients send them: a HelseID
token names the client system (`client_id`), its organisation and, in a user token, the health
professional behind the request (HPR number, name). spine/token_issuers.py holds the issuers and keys;
spine/dpop.py the proofs of possession.

A token is accepted when:
- its `iss` is a trusted issuer, its signature verifies with one of that issuer's keys (asymmetric
  algorithms only), and `aud`, `exp`, `nbf`, `iat` and (when the issuer names one) `scope` hold;
- its client id is registered here as a client system of that issuer, active, at an active Care Location
  (the client system's `token_issuer` and `token_client_id`, set in the admin);
- its point of care (`orgnr_child`), when it names one, is that Care Location's organisation number;
- a token bound to a key (`cnf.jkt`) comes as `Authorization: DPoP` with a valid proof, and an unbound token
  as `Bearer` (and not at all where the issuer is `dpop_required`);
- a user token meets the issuer's `minimum_security_level`.

A user token is one that names a person (HPR number or national identity number): she is the acting
professional, in `lastUpdatedBy` and the audit trail. A client-credentials token names no one: the
X-Acting-User-* headers name her then (spine/context.py).
"""

import hashlib
import json
import time
from dataclasses import dataclass

import jwt

from maternity.database.compiled_queries import CompiledQuery

from . import dpop
from .models import SpineClient
from .token_issuers import KeysUnavailable, TokenIssuer, signing_key, trusted_issuer


@dataclass(frozen=True)
class TokenProfessional:
    """The person a user token names."""

    hpr_nr: str
    name: str
    roles: tuple[str, ...]  # HPR roles (Volven 9060) the token gives her; empty when it says none
    pid: str


@dataclass(frozen=True)
class TrustedToken:
    client: SpineClient
    professional: TokenProfessional | None
    claims: dict
    issuer: TokenIssuer


class TokenRefused(Exception):
    """The token (or its proof) is refused; `challenge` is the WWW-Authenticate value that says why."""

    def __init__(self, message: str, *, scheme: str = "Bearer", error: str = "invalid_token"):
        super().__init__(message)
        self.message = message
        quoted = message.replace("\\", "").replace('"', "'")
        algs = f' algs="{" ".join(dpop.SIGNING_ALGORITHMS)}"' if scheme == "DPoP" else ""
        self.challenge = f'{scheme} realm="api", error="{error}", error_description="{quoted}"{algs}'


class IssuerUnavailable(Exception):
    """The issuer's keys cannot be fetched (or the proof-replay cache is down): try again shortly."""


_CLIENT = CompiledQuery(  # compiled once: this runs on every request of a client system with such tokens
    lambda *, issuer, client_id: SpineClient.objects.select_related(
        "care_location", "service_user", "application"
    ).filter(token_issuer=issuer, token_client_id=client_id)[:1]
)


def looks_like_jwt(value: str) -> bool:
    return value.count(".") == 2


class _VerifiedTokens:
    """Tokens whose signature and claims this process has checked, by their SHA-256, until they expire or
    for VERIFIED_SECONDS at most: a client reuses its token for many requests, and checking it again (PyJWT
    spends most of a request's token check validating its base64, character by character) gives the same
    answer. What can change is checked on every request all the same: the client system (active, its
    Care Location) and the DPoP proof. A key the issuer withdraws stops working within VERIFIED_SECONDS."""

    VERIFIED_SECONDS = 60
    MOST = 4096

    def __init__(self):
        self.entries: dict[bytes, tuple[float, dict, TokenIssuer]] = {}

    def get(self, digest: bytes) -> tuple[dict, TokenIssuer] | None:
        entry = self.entries.get(digest)
        if entry is None or entry[0] <= time.time() or trusted_issuer(entry[2].issuer) is not entry[2]:
            return None
        return entry[1], entry[2]

    def put(self, digest: bytes, claims: dict, issuer: TokenIssuer) -> None:
        if len(self.entries) >= self.MOST:
            self.entries.clear()  # simpler than an LRU, and a full table means a flood of new tokens anyway
        until = min(float(claims["exp"]), time.time() + self.VERIFIED_SECONDS)
        self.entries[digest] = (until, claims, issuer)


_verified = _VerifiedTokens()


def verify(*, scheme: str, token: str, proof: str, method: str, url: str) -> TrustedToken:
    """The token checked in full (see the module's docstring); TokenRefused or IssuerUnavailable."""
    digest = hashlib.sha256(token.encode("utf-8", "surrogateescape")).digest()
    known = _verified.get(digest)
    if known is not None:
        claims, issuer = known
    else:
        claims, issuer = _verified_claims(token)
        _verified.put(digest, claims, issuer)
    jkt = (claims.get("cnf") or {}).get("jkt") if isinstance(claims.get("cnf"), dict) else None
    _check_binding(scheme=scheme, jkt=jkt, issuer=issuer)
    if jkt:
        try:
            dpop.verify_proof(proof=proof, method=method, url=url, access_token=token, jkt=jkt)
        except dpop.InvalidProof as error:
            raise TokenRefused(str(error), scheme="DPoP", error="invalid_dpop_proof") from None
        except dpop.ReplayCheckUnavailable as error:
            raise IssuerUnavailable(f"DPoP proofs cannot be checked for replay: {error}") from None
    client = _client_of(claims, issuer)
    professional = _professional_of(claims, issuer)
    return TrustedToken(client=client, professional=professional, claims=claims, issuer=issuer)


def _verified_claims(token: str) -> tuple[dict, TokenIssuer]:
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise TokenRefused("The access token is not a valid JWT.") from None
    issuer = trusted_issuer(unverified.get("iss"))
    if issuer is None:
        raise TokenRefused("The access token's issuer is not trusted here.")
    if header.get("alg") not in issuer.algorithms:
        raise TokenRefused(f"The access token must be signed with one of {', '.join(issuer.algorithms)}.")
    try:
        key = signing_key(issuer, str(header.get("kid", "")))
    except KeysUnavailable:
        raise IssuerUnavailable(f"The signing keys of {issuer.issuer} cannot be fetched.") from None
    if key is None:
        raise TokenRefused("The access token is signed with a key its issuer does not publish.")
    try:
        claims = jwt.decode(
            token,
            key=key,
            algorithms=[header["alg"]],
            audience=issuer.audience,
            issuer=issuer.issuer,
            leeway=issuer.leeway_seconds,
            options={"require": ["exp", "iat", "iss", "aud"]},
        )
    except jwt.ExpiredSignatureError:
        raise TokenRefused("The access token has expired.") from None
    except jwt.ImmatureSignatureError:
        raise TokenRefused("The access token is not valid yet (nbf or iat is in the future).") from None
    except jwt.InvalidAudienceError:
        raise TokenRefused(
            f"The access token is not for this API: its audience must be {issuer.audience}."
        ) from None
    except jwt.PyJWTError as error:
        raise TokenRefused(f"The access token is invalid: {error}.") from None
    if issuer.scope and issuer.scope not in _scopes(claims.get("scope")):
        raise TokenRefused(f"The access token lacks the scope {issuer.scope}.", error="insufficient_scope")
    return claims, issuer


def _scopes(value) -> list[str]:
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list):
        return [s for s in value if isinstance(s, str)]
    return []


def _check_binding(*, scheme: str, jkt, issuer: TokenIssuer) -> None:
    if jkt is not None and (not isinstance(jkt, str) or not jkt):
        raise TokenRefused("The access token's cnf.jkt is not a key thumbprint.")
    if jkt and scheme != "dpop":
        raise TokenRefused(
            "This access token is bound to a key: send it as Authorization: DPoP <token>, with a DPoP proof.",
            scheme="DPoP",
        )
    if not jkt and scheme == "dpop":
        raise TokenRefused("Authorization: DPoP needs a token bound to a key (cnf.jkt); this one is not.")
    if not jkt and issuer.dpop_required:
        raise TokenRefused(
            "This API takes only DPoP-bound tokens from this issuer: ask for one with a DPoP proof.",
            scheme="DPoP",
        )


def _text_claim(claims: dict, name: str) -> str:
    value = claims.get(name) if name else None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value.strip() if isinstance(value, str) else ""


def _client_of(claims: dict, issuer: TokenIssuer) -> SpineClient:
    client_id = _text_claim(claims, issuer.claim("client_id"))
    if not client_id:
        raise TokenRefused("The access token names no client (client_id).")
    client = _CLIENT.first_object(issuer=issuer.issuer, client_id=client_id)
    if client is None:
        raise TokenRefused(f"The client {client_id} is not registered here as a client system.")
    if client.deactivated:
        raise TokenRefused("This client system has been deactivated.")
    point_of_care = _text_claim(claims, issuer.claim("org_child"))
    org_nr = client.care_location.org_nr
    if point_of_care and org_nr and point_of_care != org_nr:
        raise TokenRefused(
            f"The access token's point of care (organisation {point_of_care}) is not this client system's "
            f"Care Location (organisation {org_nr})."
        )
    return client


def _professional_of(claims: dict, issuer: TokenIssuer) -> TokenProfessional | None:
    hpr_nr = _text_claim(claims, issuer.claim("hpr_number"))
    pid = _text_claim(claims, issuer.claim("pid"))
    if not (hpr_nr or pid):
        return None  # a client-credentials token: no person in it
    if issuer.minimum_security_level is not None:
        level = _text_claim(claims, issuer.claim("security_level"))
        if not level.isdigit() or int(level) < issuer.minimum_security_level:
            raise TokenRefused(
                f"The user signed in at security level {level or 'unknown'}; this API needs at least "
                f"{issuer.minimum_security_level}.",
                error="insufficient_user_authentication",
            )
    return TokenProfessional(
        hpr_nr=hpr_nr[:40],
        name=_text_claim(claims, issuer.claim("name"))[:200],
        roles=_roles(claims.get(issuer.claim("role")) if issuer.claim("role") else None),
        pid=pid,
    )


def _roles(value) -> tuple[str, ...]:
    """HPR roles from a role claim: a code ("JO"), a list of codes, or HelseID's `hpr_details` object
    (`{"approvals": [{"profession": "JO", ...}, ...]}`)."""
    if isinstance(value, str) and value.startswith("{"):  # the object, sent as its JSON text
        try:
            value = json.loads(value)
        except ValueError:
            return ()
    if isinstance(value, str):
        return (value,) if value else ()
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, str) and v)
    if isinstance(value, dict):
        approvals = value.get("approvals")
        if isinstance(approvals, list):
            return tuple(
                a["profession"]
                for a in approvals
                if isinstance(a, dict) and isinstance(a.get("profession"), str)
            )
    return ()
