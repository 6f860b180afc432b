"""Signed access tokens for the edge cases a real issuer will not make on request (expired, from the
future, the wrong audience, a forged signature): an issuer of our own, its keys served over real HTTP
(discovery and JWKS, on 127.0.0.1) exactly as the server fetches an issuer's keys, and the record API
called with its tokens. The whole flow against a real OpenID Connect provider is in
test_nhn_documents_client.py."""

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from conftest import API, RecordApi

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


class SignedTokenApi(RecordApi):
    """The record API with a trusted issuer's token: as Bearer, or as DPoP with a fresh proof by `dpop_key`
    on every request. The X-Acting-User-* headers are left out unless a call sends them."""

    def __init__(self, token: str, nin: str, *, dpop_key=None, **kwargs):
        super().__init__(token, nin, **kwargs)
        self.dpop_key = dpop_key

    def headers(self, **extra) -> dict:
        return super().headers(**{"X_Acting_User_Name": None, "X_Acting_User_Id": None, **extra})

    def _proof(self, method: str, path: str, headers: dict) -> dict:
        url = "http://testserver" + (path if path.startswith("/") else f"{API}/{path}").split("?")[0]
        if self.dpop_key is None:
            return headers
        proof = self.dpop_key.proof(method.upper(), url, access_token=self.token)
        return {"Authorization": f"DPoP {self.token}", "DPoP": proof, **headers}

    def get(self, path, **headers):
        return super().get(path, **self._proof("GET", path, headers))

    def _send(self, method, path, body=None, raw=None, **headers):
        return super()._send(method, path, body, raw=raw, **self._proof(method, path, headers))
