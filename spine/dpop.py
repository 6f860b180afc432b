"""DPoP proofs (RFC 9449): the request is signed by the key an access token is bound to, so a token copied
from a log, a proxy or a stolen disk is useless without that key.

A token bound to a key carries its thumbprint (`cnf.jkt`); each request then sends `Authorization: DPoP
<token>` and a `DPoP` header: a JWT (`typ: dpop+jwt`) signed by the key, which it carries in its header
(`jwk`), with the request's method (`htm`) and URL (`htu`), when it was made (`iat`), a unique id (`jti`)
and the token's hash (`ath`). Every check of section 4.3 is made here. A proof is good for
`SPINE_DPOP_PROOF_SECONDS` either side of now; its `jti` is remembered in the shared cache for twice that,
so a proof replayed on any app server is refused. When the cache cannot be reached, proofs cannot be
checked for replay and are refused with 503 (`ReplayCheckUnavailable`), not let through.
"""

import base64
import hashlib
import json
import re
import time
from urllib.parse import urlsplit

import jwt
from django.conf import settings
from django.core.cache import cache

from .token_issuers import SIGNING_ALGORITHMS

MAX_PROOF_BYTES = 4096
COMPACT_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")

# The members of each key type that its thumbprint covers (RFC 7638 section 3.2).
THUMBPRINT_MEMBERS = {"EC": ("crv", "kty", "x", "y"), "RSA": ("e", "kty", "n"), "OKP": ("crv", "kty", "x")}
PRIVATE_MEMBERS = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"}


class InvalidProof(Exception):
    """The DPoP proof is missing or fails a check; the message says which."""


class ReplayCheckUnavailable(Exception):
    """The shared cache, which remembers the proofs seen, cannot be reached."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def thumbprint(jwk: dict) -> str:
    """The JWK's SHA-256 thumbprint (RFC 7638), as `cnf.jkt` carries it."""
    members = THUMBPRINT_MEMBERS.get(jwk.get("kty", ""))
    if members is None or not all(isinstance(jwk.get(m), str) for m in members):
        raise InvalidProof("The proof's jwk is not a public EC, RSA or OKP key.")
    canonical = json.dumps({m: jwk[m] for m in members}, separators=(",", ":"), sort_keys=True)
    return b64url(hashlib.sha256(canonical.encode()).digest())


def _parts(proof: str) -> tuple[dict, dict, bytes, bytes]:
    """(header, claims, signing input, signature) of a compact JWS, each segment strict base64url. Parsed
    here, not by PyJWT, whose check of each character in Python costs more than the signature."""
    if not COMPACT_JWS.fullmatch(proof):
        raise InvalidProof("The DPoP proof is not a JWT.")
    header_part, claims_part, signature_part = proof.split(".")
    try:
        header, claims = (json.loads(_decoded(part)) for part in (header_part, claims_part))
        signature = _decoded(signature_part)
    except (ValueError, UnicodeDecodeError):
        raise InvalidProof("The DPoP proof is not a JWT.") from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise InvalidProof("The DPoP proof is not a JWT.")
    return header, claims, f"{header_part}.{claims_part}".encode("ascii"), signature


def _decoded(segment: str) -> bytes:
    data = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    if b64url(data) != segment:  # one text per value: no stray bits in the last character
        raise ValueError("not canonical base64url")
    return data


def _same_url(htu: str, url: str) -> bool:
    """RFC 9449 section 4.3 step 9: the URL without query and fragment, compared after syntax-based
    normalisation (scheme and host are case-insensitive, a default port is no port)."""

    def normal(value: str) -> tuple:
        parts = urlsplit(value)
        scheme = parts.scheme.lower()
        try:
            port = parts.port
        except ValueError:
            return (value,)
        default = {"http": 80, "https": 443}.get(scheme)
        return (scheme, (parts.hostname or "").lower(), None if port == default else port, parts.path or "/")

    return normal(htu) == normal(url)


def verify_proof(*, proof: str, method: str, url: str, access_token: str, jkt: str) -> None:
    """Checks one request's proof against the token it came with; InvalidProof says what failed."""
    if not proof:
        raise InvalidProof(
            "This access token is bound to a key (DPoP): send a DPoP proof in the DPoP header."
        )
    if len(proof) > MAX_PROOF_BYTES or "," in proof:
        raise InvalidProof("Send exactly one DPoP proof, a compact JWT.")
    header, claims, signing_input, signature = _parts(proof)
    if header.get("typ") != "dpop+jwt":
        raise InvalidProof('The DPoP proof\'s header must say "typ": "dpop+jwt".')
    if header.get("alg") not in SIGNING_ALGORITHMS:
        raise InvalidProof(f"The DPoP proof must be signed with one of {', '.join(SIGNING_ALGORITHMS)}.")
    jwk = header.get("jwk")
    if not isinstance(jwk, dict):
        raise InvalidProof("The DPoP proof's header must carry the public key (jwk).")
    if PRIVATE_MEMBERS & set(jwk):
        raise InvalidProof("The DPoP proof's jwk holds a private key: send the public key only.")
    if thumbprint(jwk) != jkt:
        raise InvalidProof("The DPoP proof is signed by another key than the one this token is bound to.")
    algorithm = jwt.get_algorithm_by_name(header["alg"])
    try:
        key = algorithm.from_jwk(jwk)
        verified = algorithm.verify(signing_input, key, signature)
    except (jwt.PyJWTError, ValueError, TypeError):
        verified = False
    if not verified:
        raise InvalidProof("The DPoP proof does not verify with the key it carries.")
    missing = [name for name in ("jti", "htm", "htu", "iat") if name not in claims]
    if missing:
        raise InvalidProof(f"The DPoP proof lacks {', '.join(missing)}.")
    _check_claims(claims, method=method, url=url, access_token=access_token)
    _check_not_replayed(jkt, claims["jti"])


def _check_claims(claims: dict, *, method: str, url: str, access_token: str) -> None:
    if claims["htm"] != method:
        raise InvalidProof(f"The DPoP proof is for {claims['htm']!r}, not this request's {method}.")
    if not isinstance(claims["htu"], str) or not _same_url(claims["htu"], url):
        raise InvalidProof(f"The DPoP proof's htu is not this request's URL ({url}).")
    iat = claims["iat"]
    window = settings.SPINE_DPOP_PROOF_SECONDS
    if not isinstance(iat, int | float) or abs(time.time() - iat) > window:
        raise InvalidProof(f"The DPoP proof must be made within {window} seconds of the request (iat).")
    if not isinstance(claims["jti"], str) or not 1 <= len(claims["jti"]) <= 256:
        raise InvalidProof("The DPoP proof's jti must be a unique string of at most 256 characters.")
    expected_ath = b64url(hashlib.sha256(access_token.encode("ascii", "replace")).digest())
    if claims.get("ath") != expected_ath:
        raise InvalidProof("The DPoP proof's ath is not the hash of this access token.")


def _check_not_replayed(jkt: str, jti: str) -> None:
    seen_key = "dpop-jti:" + hashlib.sha256(f"{jkt}:{jti}".encode()).hexdigest()
    try:
        first_time = cache.add(seen_key, 1, timeout=2 * settings.SPINE_DPOP_PROOF_SECONDS)
    except Exception as error:  # Redis down or slow: the cache backend's own error types vary
        raise ReplayCheckUnavailable(str(error)) from error
    if not first_time:
        raise InvalidProof("This DPoP proof has been used before: make a new proof for each request.")
