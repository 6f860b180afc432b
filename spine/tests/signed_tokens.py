"""Signed access tokens for the edge cases a real issuer will not make on request (expired, from the
future, the wrong audience, a forged signature): an issuer of our own, its keys served over real HTTP
(discovery and JWKS, on 127.0.0.1) exactly as the server fetches an issuer's keys, and the record API
called with its tokens. The whole flow against a real OpenID Connect provider is in
test_nhn_documents_client.py."""

from conftest import API, RecordApi
from loadtools.token_issuer import AUDIENCE, SCOPE, KeyServer, SigningKey  # noqa: F401  (for the tests)


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
