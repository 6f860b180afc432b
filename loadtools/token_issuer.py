"""A token issuer of our own, for the benchmark and the tests: an RSA signing key, its discovery document
and JWKS served over real HTTP on 127.0.0.1 (as the server fetches HelseID's), tokens as HelseID issues them
for the record API, and a client's DPoP key (RFC 9449) that makes a proof per request. Not for production:
it exists so the cost and the checks of signed tokens can be measured and tried without HelseID."""

import base64
import hashlib
import json
import secrets
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit, urlunsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import RSAAlgorithm


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


AUDIENCE = "nhn:maternity-record"
SCOPE = "nhn:maternity-record/api"
HELSEID_USER = {
    "helseid://claims/hpr/hpr_number": "565501872",
    "helseid://claims/identity/pid": "13116900216",
    "helseid://claims/identity/security_level": "4",
    "name": "Åse Ødegård",
}


class SigningKey:
    def __init__(self, kid: str | None = None):
        self.kid = kid or uuid.uuid4().hex[:12]
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    @property
    def public_jwk(self) -> dict:
        return {**json.loads(RSAAlgorithm.to_jwk(self.private.public_key())), "kid": self.kid, "use": "sig"}


class KeyServer:
    """An issuer's discovery document and JWKS over HTTP; `keys` may change (rotation), `up` may go down,
    `fetches` counts the JWKS requests."""

    def __init__(self):
        self.keys = [SigningKey()]
        self.up = True
        self.fetches = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                if not server.up:
                    self.send_error(503)
                    return
                if self.path == "/.well-known/openid-configuration":
                    body = {"issuer": server.issuer, "jwks_uri": f"{server.issuer}/jwks"}
                elif self.path == "/jwks":
                    server.fetches += 1
                    body = {"keys": [key.public_jwk for key in server.keys]}
                else:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def settings(self, **options) -> dict:
        """A SPINE_TOKEN_ISSUERS entry for this issuer."""
        return {"issuer": self.issuer, "audience": AUDIENCE, "scope": SCOPE, **options}

    def token(self, client: str, /, *, key: SigningKey | None = None, alg: str = "RS256", **claims) -> str:
        """A token as HelseID issues them: for this API, to `client`; `claims` add or (None) remove."""
        now = int(time.time())
        payload = {
            "iss": self.issuer,
            "aud": AUDIENCE,
            "scope": f"openid {SCOPE}",
            "client_id": client,
            "sub": client,
            "iat": now,
            "nbf": now,
            "exp": now + 600,
            "jti": uuid.uuid4().hex,
            "helseid://claims/client/claims/orgnr_parent": "974749025",
            **claims,
        }
        payload = {name: value for name, value in payload.items() if value is not None}
        key = key or self.keys[0]
        return jwt.encode(payload, key.private, algorithm=alg, headers={"kid": key.kid})

    def user_token(self, client: str, /, **claims) -> str:
        return self.token(client, **{"sub": "user-565501872", **HELSEID_USER, **claims})


class DpopKey:
    """A client's DPoP key (EC P-256): tokens issued with its proofs are bound to its thumbprint."""

    def __init__(self) -> None:
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        public = jwt.algorithms.ECAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        self.public_jwk = {name: public[name] for name in ("kty", "crv", "x", "y")}

    @property
    def thumbprint(self) -> str:
        """RFC 7638: SHA-256 of the required members in lexicographic order, no whitespace (cnf.jkt)."""
        canonical = json.dumps(self.public_jwk, sort_keys=True, separators=(",", ":"))
        return b64url(hashlib.sha256(canonical.encode()).digest())

    def proof(
        self,
        method: str,
        url: str,
        *,
        access_token: str | None = None,
        nonce: str | None = None,
        iat: int | None = None,
        jti: str | None = None,
    ) -> str:
        """A DPoP proof JWT for one request. `htu` is the URL without its query and fragment (RFC 9449
        §4.2); `ath` binds the proof to an access token when one is sent with it."""
        parts = urlsplit(url)
        claims: dict = {
            "jti": jti if jti is not None else secrets.token_urlsafe(16),
            "htm": method.upper(),
            "htu": urlunsplit(parts._replace(query="", fragment="")),
            "iat": iat if iat is not None else int(time.time()),
        }
        if access_token is not None:
            claims["ath"] = b64url(hashlib.sha256(access_token.encode()).digest())
        if nonce is not None:
            claims["nonce"] = nonce
        headers = {"typ": "dpop+jwt", "jwk": self.public_jwk}
        return jwt.encode(claims, self.private_key, algorithm="ES256", headers=headers)
