"""Every response carries a strict Content Security Policy and the other security headers; the templates keep
to the policy (no inline scripts, styles or event handlers); the Swagger UI gets only the styles it needs."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from conftest import RecordApi, fetch_token

pytestmark = pytest.mark.django_db

STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "style-src-attr": "'unsafe-hashes' 'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='",  # border-top:0
    "img-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def policy(response) -> dict[str, str]:
    directives = [part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")]
    return {name: sources for name, sources in directives}


def assert_security_headers(response) -> None:
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert (
        "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    )
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_a_page_has_the_strict_policy_and_every_security_header():
    response = Client().get("/login/", secure=True)
    assert response.status_code == 200
    assert policy(response) == STRICT
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert_security_headers(response)


def test_an_api_response_has_them_too(client_a, nin):
    api = RecordApi(fetch_token(client_a.client_id, client_a.client_secret), nin)
    response = api.client.get("/api/maternity-record/v1/status", headers=api.headers(), secure=True)
    assert response.status_code == 200
    assert policy(response) == STRICT
    assert_security_headers(response)


def test_an_error_page_has_them_too():
    response = Client().get("/records/00000000-0000-0000-0000-000000000000/", secure=True)
    assert policy(response) == STRICT


def test_the_api_docs_may_use_inline_styles_and_data_images_but_never_inline_scripts():
    page = Client().get("/api/docs/")
    assert page.status_code == 200
    csp = policy(page)
    assert csp["script-src"] == "'self'"
    assert csp["style-src"] == "'self' 'unsafe-inline'"
    assert csp["img-src"] == "'self' data:"
    assert csp["frame-ancestors"] == "'none'"
    html = page.content.decode()
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []  # the Swagger UI's own script is a file
    [script_url] = re.findall(r'<script src="(/api/docs/\?script[^"]*)"', html)
    script = Client().get(script_url)
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


def test_the_portal_sign_out_may_go_on_to_her_provider(settings):
    settings.PORTAL_OIDC_OP_LOGOUT_ENDPOINT = "https://id.example.org:8443/session/end?x=1"
    response = Client().get("/portal/login/")
    assert policy(response)["form-action"] == "'self' https://id.example.org:8443"


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE), "an inline <script>"),
    (re.compile(r"<style\b", re.IGNORECASE), "a <style> element"),
    (re.compile(r"\sstyle\s*=", re.IGNORECASE), "a style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.IGNORECASE), "an event handler attribute"),
    (re.compile(r"javascript:", re.IGNORECASE), "a javascript: URL"),
]


def test_no_template_has_anything_inline_the_policy_would_block():
    found = []
    for path in sorted(Path(settings.BASE_DIR, "templates").rglob("*.html")):
        text = path.read_text()
        found += [
            f"{path.relative_to(settings.BASE_DIR)}: {what}"
            for pattern, what in INLINE
            if pattern.search(text)
        ]
    assert found == []
