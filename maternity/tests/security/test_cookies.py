"""Sessions and cookies under the production settings (the tests run with DEBUG off, as production does): the
cookies are Secure, HttpOnly (session), SameSite=Lax and __Host- prefixed, last until the browser closes,
and the session ends after 30 minutes without a request (renewed at most once a minute); signing in gives a
new session key."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from maternity.http.sessions import RENEWED_AT
from maternity.tests.browser.conftest import PASSWORD, make_midwife

pytestmark = pytest.mark.django_db


def test_the_tests_run_with_the_production_settings():
    assert settings.DEBUG is False
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE


def test_signing_in_sets_a_host_only_secure_httponly_lax_session_cookie_for_the_browser_session(location_a):
    make_midwife("kari", location_a)
    client = Client()
    client.get("/login/", secure=True)
    response = client.post("/login/", {"username": "kari", "password": PASSWORD}, secure=True)
    assert response.status_code == 302
    cookie = response.cookies["__Host-sessionid"]
    assert cookie["secure"] and cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/" and not cookie["domain"]  # what the __Host- prefix requires
    assert not cookie["max-age"] and not cookie["expires"]  # gone when the browser closes


def test_the_csrf_cookie_is_secure_lax_and_host_only():
    response = Client().get("/login/", secure=True)
    cookie = response.cookies["__Host-csrftoken"]
    assert cookie["secure"] and cookie["samesite"] == "Lax"
    assert cookie["path"] == "/" and not cookie["domain"]


def test_signing_in_gives_a_new_session_key(location_a):
    make_midwife("kari", location_a)
    client = Client()
    client.get("/login/")
    session = client.session
    session["seen"] = True  # an anonymous session with a key of its own
    session.save()
    before = session.session_key
    client.post("/login/", {"username": "kari", "password": PASSWORD})
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()


def expiry(key: str):
    return Session.objects.get(session_key=key).expire_date


def test_the_session_ends_after_30_minutes_without_a_request(location_a):
    make_midwife("kari", location_a)
    client = Client()
    client.post("/login/", {"username": "kari", "password": PASSWORD})
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert (expiry(key) - timezone.now()).total_seconds() == pytest.approx(30 * 60, abs=5)
    assert client.get("/").status_code == 200
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/").status_code == 302  # expired: sent to sign in


def test_a_request_renews_the_session_at_most_once_a_minute(location_a):
    make_midwife("kari", location_a)
    client = Client()
    client.post("/login/", {"username": "kari", "password": PASSWORD})
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    signed_in = expiry(key)
    client.get("/")
    assert expiry(key) == signed_in  # renewed at sign-in less than a minute ago: no write

    store = SessionStore(key)
    store[RENEWED_AT] -= 61
    store.save()
    stale = expiry(key)
    client.get("/")
    assert expiry(key) > stale
    assert client.session[RENEWED_AT] > store[RENEWED_AT]


def test_a_visitor_without_a_session_gets_none_and_an_unknown_session_is_not_renewed(db):
    Client().get("/login/")
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session-key"
    client.get("/login/")
    assert not Session.objects.exists()
