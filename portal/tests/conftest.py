"""The cast for portal tests: a pregnant person signed in (linked to her Person), and her browser on a
phone-sized screen. The browser fixtures are shared (maternity/tests/browser/session.py).
"""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from maternity.tests.browser.conftest import assert_accessible  # noqa: F401  (for the tests here)

PHONE = {"width": 390, "height": 844}


def link_patient(person, username: str = "astrid", name: str = "Astrid Berg"):
    """A portal account for the person, as signing in with her national ID makes one."""
    first, _, last = name.partition(" ")
    user = get_user_model().objects.create_user(username=username, first_name=first, last_name=last)
    person.user = user
    person.save(update_fields=["user"])
    return user


@pytest.fixture
def patient(record):
    """The pregnant person of `record` (root conftest), with a portal account."""
    return link_patient(record.person)


@pytest.fixture
def portal(patient) -> Client:
    client = Client()
    client.force_login(patient)
    return client


def signed_in_page(make_page, live_server, user, viewport=PHONE):
    """A phone-sized page already signed in as `user` (the session cookie of a real login)."""
    client = Client()
    client.force_login(user)
    page = make_page(viewport=viewport)
    # Set as the server sets it: a __Host- cookie must be Secure and host-only (no Domain), which Playwright's
    # add_cookies cannot express for http://localhost; Chromium's own call can (localhost counts as secure).
    page.context.new_cdp_session(page).send(
        "Network.setCookie",
        {
            "name": settings.SESSION_COOKIE_NAME,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "url": live_server.url,
            "secure": settings.SESSION_COOKIE_SECURE,
            "httpOnly": True,
        },
    )
    return page


@pytest.fixture
def phone(new_page, live_server, patient):
    """Her phone, signed in to the portal."""
    return signed_in_page(new_page, live_server, patient)
