"""A real OpenID Connect provider for login tests: `tools/oidc-provider/server.mjs` (the OpenID Certified
`oidc-provider` package from npm) run with node on a free port, with the given clients and accounts, and,
for the record API's tests, a resource server whose access tokens are JWTs signed with keys a test chooses
(spine/tests/identity_provider.py gets such tokens)."""

import json
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests
from django.conf import settings

SERVER = Path(settings.BASE_DIR) / "tools" / "oidc-provider" / "server.mjs"


@dataclass
class RunningProvider:
    issuer: str
    config: dict  # what server.mjs reads: issuer, clients, accounts, and resource and jwks when given
    discovery: dict = field(default_factory=dict)
    process: subprocess.Popen | None = None
    workdir: Path | None = None

    @property
    def signing_keys(self) -> list[dict] | None:
        """The private JWKs it signs with, or None for oidc-provider's own development keys."""
        return self.config.get("jwks", {}).get("keys")

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

    def start(self) -> None:
        node = shutil.which("node")
        if node is None or not (Path(settings.BASE_DIR) / "node_modules" / "oidc-provider").exists():
            raise RuntimeError("node and `npm ci` (node_modules/oidc-provider) are needed for these tests")
        self.workdir = Path(tempfile.mkdtemp(prefix="oidc-provider-"))
        config, log = self.workdir / "config.json", self.workdir / "provider.log"
        config.write_text(json.dumps(self.config))
        # Its output goes to a file, not a pipe nobody reads: a full pipe would stall the provider.
        with log.open("w") as output:
            self.process = subprocess.Popen(
                [node, str(SERVER), str(config)], stdout=output, stderr=subprocess.STDOUT
            )
        discovery = f"{self.issuer}/.well-known/openid-configuration"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                self.discovery = requests.get(discovery, timeout=1).json()
                return
            except requests.RequestException:
                if self.process.poll() is not None:
                    output = log.read_text()
                    self.stop()
                    raise RuntimeError(f"the OpenID provider did not start: {output}") from None
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("the OpenID provider did not answer within 20 s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None

    def restart(self, *, signing_keys: list[dict]) -> None:
        """Come back on the same issuer and port signing with other keys, as a provider does after a key
        rotation: tokens it signed before no longer verify against its JWKS unless a key is kept."""
        self.stop()
        self.config["jwks"] = {"keys": signing_keys}
        self.start()


def start_provider(
    *,
    clients: list[dict],
    accounts: dict,
    resource: dict | None = None,
    signing_keys: list[dict] | None = None,
    port: int | None = None,
) -> RunningProvider:
    """`resource` ({"audience", "scope", "ttl"}) makes token requests naming it get JWT access tokens;
    `signing_keys` are private JWKs (spine.tests.identity_provider.rsa_signing_key); `port` is a free one
    unless given. Clients and accounts may carry `access_token_claims` (see server.mjs)."""
    if port is None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
    issuer = f"http://127.0.0.1:{port}"
    config: dict = {"issuer": issuer, "clients": clients, "accounts": accounts}
    if resource is not None:
        config["resource"] = resource
    if signing_keys is not None:
        config["jwks"] = {"keys": signing_keys}
    provider = RunningProvider(issuer=issuer, config=config)
    provider.start()
    return provider
