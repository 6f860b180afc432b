"""Her phone (390 x 844, Chromium) with no signal: the pregnancy page she last opened is read from the copy
the portal's service worker kept, and says when it was last updated; after she signs out, nothing of hers
is left to read offline. A phone-size screenshot of the offline page goes to docs/screenshots/ with
UPDATE_SCREENSHOTS=1."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Error as PlaywrightError

from .conftest import PHONE, assert_accessible
from .test_pregnancy_page import fill_record

pytestmark = pytest.mark.django_db(transaction=True)

KEPT = "async () => (await caches.keys()).length"
WORKERS = "async () => (await navigator.serviceWorker.getRegistrations()).length"


def shots(tmp_path) -> Path:
    if os.environ.get("UPDATE_SCREENSHOTS"):
        return Path(settings.BASE_DIR) / "docs" / "screenshots"
    return tmp_path


def open_with_the_worker(phone, url: str) -> None:
    """Open `url` once the worker is in charge of the page, so that its answer is kept."""
    phone.goto(url)
    phone.evaluate("async () => { await navigator.serviceWorker.ready; }")
    phone.wait_for_function("navigator.serviceWorker.controller !== null")
    phone.reload()


def test_her_last_seen_pregnancy_page_reads_offline_until_she_signs_out(
    phone, live_server, record, midwife_actor, patient, tmp_path
):
    assert live_server.url.startswith("http://localhost")  # a secure context: service workers run
    fill_record(record, midwife_actor, her=patient)
    url = f"/portal/pregnancies/{record.pk}/"
    open_with_the_worker(phone, url)
    assert phone.evaluate(KEPT) == 1

    phone.context.set_offline(True)
    phone.reload()
    assert phone.get_by_text("You are 28 weeks and 4 days pregnant").is_visible()
    updated = phone.locator("#last-updated")
    assert updated.is_visible()
    assert updated.inner_text().startswith(
        "You are offline: this is the copy saved on this phone. Last updated "
    )
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(phone)
    phone.screenshot(path=shots(tmp_path) / "portal-offline.png")

    phone.context.set_offline(False)
    phone.get_by_role("button", name="Sign out").click()
    phone.get_by_text("You have signed out.").wait_for()
    assert phone.evaluate(KEPT) == 0
    assert phone.evaluate(WORKERS) == 0

    phone.context.set_offline(True)
    with pytest.raises(PlaywrightError, match="ERR_INTERNET_DISCONNECTED"):
        phone.goto(url)
    assert phone.get_by_text("weeks and 4 days pregnant").count() == 0


def test_the_sign_out_answer_alone_deletes_the_kept_pages_and_the_worker(
    phone, record, midwife_actor, patient
):
    fill_record(record, midwife_actor, her=patient)
    open_with_the_worker(phone, f"/portal/pregnancies/{record.pk}/")
    assert (phone.evaluate(KEPT), phone.evaluate(WORKERS)) == (1, 1)
    # Signed out by a request from the page itself, so no sign-in page (and its script) is loaded after it:
    # only the answer's Clear-Site-Data header can have deleted them.
    status = phone.evaluate(
        """async () => {
          const token = document.querySelector("form [name=csrfmiddlewaretoken]").value;
          const answer = await fetch("/portal/logout/", {
            method: "POST", redirect: "manual", headers: {"X-CSRFToken": token},
            body: new URLSearchParams({csrfmiddlewaretoken: token}),
          });
          return answer.type;
        }"""
    )
    assert status == "opaqueredirect"
    assert (phone.evaluate(KEPT), phone.evaluate(WORKERS)) == (0, 0)
