"""A real OpenID Connect provider for login tests: `tools/oidc-provider/server.mjs` (the OpenID Certified
`oidc-provider` package from npm) run with node on a free port, with the given clients and accounts."""

import json
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from django.conf import settings

SERVER = Path(settings.BASE_DIR) / "tools" / "oidc-provider" / "server.mjs"


@dataclass
class RunningProvider:
    issuer: str
    discovery: dict
    process: subprocess.Popen

    def django_settings(self, *, client_id: str, client_secret: str) -> dict:
        """The settings that point mozilla-django-oidc at this provider."""
        return {
            "OIDC_ENABLED": True,
            "OIDC_RP_CLIENT_ID": client_id,
            "OIDC_RP_CLIENT_SECRET": client_secret,
            "OIDC_OP_ISSUER": self.issuer,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": self.discovery["authorization_endpoint"],
            "OIDC_OP_TOKEN_ENDPOINT": self.discovery["token_endpoint"],
            "OIDC_OP_USER_ENDPOINT": self.discovery["userinfo_endpoint"],
            "OIDC_OP_JWKS_ENDPOINT": self.discovery["jwks_uri"],
            "OIDC_OP_LOGOUT_ENDPOINT": self.discovery["end_session_endpoint"],
        }

    def portal_settings(self, *, client_id: str, client_secret: str) -> dict:
        """The settings that point the portal's sign-in at this provider."""
        return {
            "PORTAL_OIDC_ENABLED": True,
            "PORTAL_OIDC_RP_CLIENT_ID": client_id,
            "PORTAL_OIDC_RP_CLIENT_SECRET": client_secret,
            "PORTAL_OIDC_AUDIENCE": client_id,
            "PORTAL_OIDC_OP_ISSUER": self.issuer,
            "PORTAL_OIDC_OP_AUTHORIZATION_ENDPOINT": self.discovery["authorization_endpoint"],
            "PORTAL_OIDC_OP_TOKEN_ENDPOINT": self.discovery["token_endpoint"],
            "PORTAL_OIDC_OP_USER_ENDPOINT": self.discovery["userinfo_endpoint"],
            "PORTAL_OIDC_OP_JWKS_ENDPOINT": self.discovery["jwks_uri"],
            "PORTAL_OIDC_OP_LOGOUT_ENDPOINT": self.discovery["end_session_endpoint"],
        }

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def start_provider(*, clients: list[dict], accounts: dict) -> RunningProvider:
    node = shutil.which("node")
    if node is None or not (Path(settings.BASE_DIR) / "node_modules" / "oidc-provider").exists():
        raise RuntimeError("node and `npm ci` (node_modules/oidc-provider) are needed for the login tests")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    issuer = f"http://127.0.0.1:{port}"
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as config:
        json.dump({"issuer": issuer, "clients": clients, "accounts": accounts}, config)
    process = subprocess.Popen(
        [node, str(SERVER), config.name], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            discovery = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1).json()
            return RunningProvider(issuer=issuer, discovery=discovery, process=process)
        except requests.RequestException:
            if process.poll() is not None:
                raise RuntimeError(f"the OpenID provider did not start: {process.stdout.read()}") from None
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the OpenID provider did not answer within 20 s")
