"""Signing in is rate-limited. Password sign-in (the professionals' and the admin's): failed attempts, per
user name (3 per 15 minutes here) and per address (5); over the limit the password is not even checked.
OpenID Connect sign-in starts and callbacks: every request, per address (3 per 5 minutes here)."""

import logging

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from maternity.tests.browser.conftest import PASSWORD, make_midwife

pytestmark = pytest.mark.django_db


def sign_in(username: str, password: str, *, ip: str = "192.0.2.10", url: str = "/login/"):
    client = Client(REMOTE_ADDR=ip)
    return client, client.post(url, {"username": username, "password": password})


def fail(times: int, username: str = "kari", **kw) -> None:
    for _ in range(times):
        _, response = sign_in(username, "wrong", **kw)
        assert response.status_code == 200


@pytest.fixture
def kari(location_a):
    return make_midwife("kari", location_a)


def test_after_three_failed_sign_ins_the_fourth_gets_429_even_with_the_right_password(limits, kari, caplog):
    fail(3)
    with caplog.at_level(logging.WARNING, logger="maternity.security"):
        client, response = sign_in("kari", PASSWORD)
    assert response.status_code == 429
    wait = int(response["Retry-After"])
    assert 0 < wait <= 900
    page = response.content.decode()
    assert "Too many attempts" in page and f"try again in {-(-wait // 60)} minute" in page
    assert "_auth_user_id" not in client.session  # not signed in: the password was not checked
    assert "Too many sign-in attempts: refused POST /login/ from 192.0.2.10 over login-username (kari)" in (
        caplog.text
    )
    kari.refresh_from_db()
    assert kari.last_login is None


def test_another_user_name_is_not_affected(limits, kari, location_a):
    make_midwife("ingrid", location_a)
    fail(3)
    assert sign_in("kari", PASSWORD)[1].status_code == 429
    assert sign_in("ingrid", PASSWORD, ip="198.51.100.7")[1].status_code == 302


def test_the_user_name_is_counted_whatever_its_case(limits, kari):
    fail(1, "kari")
    fail(1, "KARI")
    fail(1, " Kari ")
    assert sign_in("kari", PASSWORD)[1].status_code == 429


def test_she_signs_in_again_when_the_window_ends(limits, kari, clock):
    fail(3)
    refused = sign_in("kari", PASSWORD)[1]
    assert refused.status_code == 429
    clock.advance(int(refused["Retry-After"]))
    client, response = sign_in("kari", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(kari.pk)


def test_signing_in_successfully_does_not_count(limits, kari):
    for _ in range(6):
        assert sign_in("kari", PASSWORD)[1].status_code == 302
    fail(2)
    assert sign_in("kari", PASSWORD)[1].status_code == 302


def test_one_address_is_limited_across_user_names_and_another_address_is_not(limits, kari):
    for name in ["a", "b", "c", "d", "e"]:
        fail(1, name)
    assert sign_in("kari", PASSWORD)[1].status_code == 429  # the sixth failure-prone attempt from 192.0.2.10
    assert sign_in("kari", PASSWORD, ip="198.51.100.7")[1].status_code == 302


def test_the_admin_sign_in_has_the_same_limit(limits, db):
    admin = get_user_model().objects.create_superuser("admin", password=PASSWORD)
    fail(3, "admin", url="/admin/login/")
    client, response = sign_in("admin", PASSWORD, url="/admin/login/")
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert client.get("/admin/").status_code == 302  # still sent to sign in
    assert "_auth_user_id" not in client.session
    admin.refresh_from_db()
    assert admin.last_login is None


def test_a_failure_at_the_admin_counts_for_the_professional_sign_in_too(limits, kari):
    fail(2, url="/admin/login/")
    fail(1)
    assert sign_in("kari", PASSWORD)[1].status_code == 429


def test_showing_the_sign_in_page_does_not_count(limits, kari):
    for _ in range(10):
        assert Client(REMOTE_ADDR="192.0.2.10").get("/login/").status_code == 200
    assert sign_in("kari", PASSWORD)[1].status_code == 302


@pytest.fixture
def professional_oidc(settings):
    settings.OIDC_RP_CLIENT_ID = "maternity-web"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://idp.example.org/authorize"


@pytest.fixture
def portal_oidc(settings):
    settings.PORTAL_OIDC_RP_CLIENT_ID = "maternity-portal"
    settings.PORTAL_OIDC_OP_AUTHORIZATION_ENDPOINT = "https://id.example.org/authorize"


@pytest.mark.parametrize(
    "start, sign_in_page, base",
    [
        ("/oidc/authenticate/", "/login/", "Maternity record"),
        ("/portal/oidc/authenticate/", "/portal/login/", "My pregnancy"),
    ],
)
def test_the_fourth_openid_connect_sign_in_start_from_one_address_gets_429(
    limits, professional_oidc, portal_oidc, start, sign_in_page, base
):
    client = Client(REMOTE_ADDR="192.0.2.10")
    assert [client.get(start).status_code for _ in range(3)] == [302, 302, 302]
    response = client.get(start)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    page = response.content.decode()
    assert base in page and f'href="{sign_in_page}"' in page
    assert Client(REMOTE_ADDR="198.51.100.7").get(start).status_code == 302


def test_openid_connect_callbacks_count_with_the_starts(limits, professional_oidc, portal_oidc, clock):
    client = Client(REMOTE_ADDR="192.0.2.10")
    client.get("/oidc/authenticate/")
    client.get("/oidc/callback/?code=x&state=y")
    client.get("/portal/oidc/callback/?code=x&state=y")
    refused = client.get("/portal/oidc/callback/?code=x&state=y")
    assert refused.status_code == 429
    clock.advance(int(refused["Retry-After"]))
    assert client.get("/oidc/authenticate/").status_code == 302
