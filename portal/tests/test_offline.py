"""The portal as an app on her phone: the manifest and the service worker are served from the portal with
the right types and headers under the site's Content Security Policy; her pages say when they were made;
signing out tells her browser to delete what it kept. (Her phone going offline: test_offline_browser.py.)"""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from PIL import Image

from maternity.http.security_headers import CSP

pytestmark = pytest.mark.django_db


def brand_colour() -> str:
    css = (Path(settings.BASE_DIR) / "static" / "portal" / "portal.css").read_text()
    brand = re.search(r"--brand:\s*(#[0-9a-fA-F]{6})", css)
    assert brand, "portal.css has no --brand colour"
    return brand.group(1)


def test_anyone_gets_the_manifest_of_an_installable_app_for_the_portal():
    response = Client().get("/portal/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    assert "default-src 'self'" in response[CSP]
    manifest = json.loads(response.content)
    assert manifest["name"] == manifest["short_name"] == "My pregnancy"
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == (
        "/portal/",
        "/portal/",
        "standalone",
    )
    assert manifest["theme_color"] == brand_colour()
    assert [icon["sizes"] for icon in manifest["icons"]] == ["192x192", "512x512"]
    for icon in manifest["icons"]:
        assert icon["src"].startswith("/static/portal/icons/")  # same origin: img-src and manifest-src 'self'
        name = icon["src"].removeprefix("/static/").split("?")[0]
        size = int(icon["sizes"].split("x")[0])
        with Image.open(finders.find(name)) as image:
            assert (image.format, image.size) == ("PNG", (size, size))


def test_anyone_gets_the_service_worker_from_the_portal_as_javascript_whose_scope_is_the_portal():
    response = Client().get("/portal/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/portal/"
    assert response["Cache-Control"] == "no-cache"
    assert "script-src 'self'" in response[CSP]
    assert b'addEventListener("fetch"' in response.content


def test_the_manifest_and_the_worker_cannot_be_posted_to():
    client = Client(enforce_csrf_checks=True)
    assert client.post("/portal/sw.js").status_code in (403, 405)
    assert client.post("/portal/manifest.webmanifest").status_code in (403, 405)
    assert Client().post("/portal/sw.js").status_code == 405


def test_her_pages_link_the_manifest_load_the_worker_from_a_file_and_say_when_they_were_made(portal, record):
    page = portal.get(f"/portal/pregnancies/{record.pk}/").content.decode()
    assert '<link rel="manifest" href="/portal/manifest.webmanifest">' in page
    assert re.search(r'<script src="/static/portal/offline\.js[^"]*" defer></script>', page)
    assert "<script>" not in page  # no inline script: the policy would block it
    assert 'data-portal="signed-in"' in page
    assert re.search(r'id="last-updated"[^>]*>Last updated \d{1,2} \w+ \d{4}, \d\d:\d\d\.<', page)


def test_the_sign_in_page_is_marked_signed_out_and_says_nothing_was_updated():
    page = Client().get("/portal/login/").content.decode()
    assert 'data-portal="signed-out"' in page  # offline.js deletes any kept copies here
    assert "Last updated" not in page


def test_signing_out_tells_her_browser_to_delete_the_kept_pages(portal, record):
    response = portal.post("/portal/logout/")
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert portal.get(f"/portal/pregnancies/{record.pk}/").status_code == 302  # signed out
