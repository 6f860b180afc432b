"""She signs in to the portal with her national ID through a real OpenID Connect provider (node
oidc-provider on 127.0.0.1: authorization code flow with PKCE), on a phone, in Chromium. A token from
another issuer or for another audience, a tampered state, or a national ID with no record here does not
get in; signing out ends her session at the provider too."""

from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import pytest

from conftest import new_nin
from maternity.models import Person
from maternity.tests.oidc_provider import start_provider

from .conftest import PHONE, assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

CLIENT, SECRET = "maternity-portal", "development-secret"


@pytest.fixture
def provider(live_server, record, nin):
    running = start_provider(
        clients=[
            {
                "client_id": CLIENT,
                "client_secret": SECRET,
                "redirect_uris": [f"{live_server.url}/portal/oidc/callback/"],
                "post_logout_redirect_uris": [f"{live_server.url}/portal/login/?signed-out"],
            }
        ],
        accounts={
            "astrid": {"pid": nin, "given_name": "Astrid", "family_name": "Berg"},
            "nobody": {"pid": new_nin(), "given_name": "No", "family_name": "Record"},
        },
    )
    yield running
    running.stop()


@pytest.fixture
def portal_oidc(settings, provider):
    for name, value in provider.portal_settings(client_id=CLIENT, client_secret=SECRET).items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "portal.oidc.PortalOIDCBackend"]
    return settings


@pytest.fixture
def phone_page(new_page):
    return new_page(viewport=PHONE)


def sign_in(page, login: str) -> None:
    page.goto("/portal/")
    assert "/portal/login/" in page.url
    assert_accessible(page)
    page.get_by_role("link", name="Sign in").click()
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any")
    page.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_she_signs_in_with_her_national_id_and_gets_her_portal_account(
    phone_page, live_server, portal_oidc, record
):
    sign_in(phone_page, "astrid")
    assert urlsplit(phone_page.url).path == "/portal/"
    person = Person.objects.get(pk=record.person_id)
    assert person.user is not None and person.user.first_name == "Astrid"


def test_a_national_id_with_no_record_here_is_refused(phone_page, portal_oidc):
    sign_in(phone_page, "nobody")
    assert "/portal/login/?failed" in phone_page.url
    assert phone_page.get_by_role("alert").is_visible()
    assert not Person.objects.filter(user__isnull=False).exists()


@pytest.mark.parametrize(
    "setting, value",
    [
        ("PORTAL_OIDC_OP_ISSUER", "https://not-the-provider.example"),
        ("PORTAL_OIDC_AUDIENCE", "another-application"),
    ],
)
def test_a_token_from_another_issuer_or_for_another_audience_is_refused(
    phone_page, portal_oidc, setting, value
):
    setattr(portal_oidc, setting, value)
    sign_in(phone_page, "astrid")
    assert "/portal/login/?failed" in phone_page.url
    assert not Person.objects.filter(user__isnull=False).exists()


def answer_from_provider(page, live_server) -> str:
    """Start a sign-in and follow the provider's redirects (she has a session there, so it answers at
    once) up to, not into, our callback: the callback URL with its code and state."""
    location = f"{live_server.url}/portal/oidc/authenticate/"
    while "/portal/oidc/callback/" not in location:
        response = page.request.get(location, max_redirects=0)
        assert response.status in (301, 302, 303), response.status
        location = urljoin(location, response.headers["location"])
    return location


def test_a_tampered_state_is_refused(phone_page, live_server, portal_oidc):
    sign_in(phone_page, "astrid")
    phone_page.context.clear_cookies(domain="localhost")  # signed out here, still in at the provider
    parts = urlsplit(answer_from_provider(phone_page, live_server))
    query = dict(parse_qsl(parts.query))
    query["state"] = query["state"][::-1]
    phone_page.goto(urlunsplit(parts._replace(query=urlencode(query))))
    assert "/portal/login/?failed" in phone_page.url
    phone_page.goto("/portal/")
    assert "/portal/login/" in phone_page.url  # not signed in

    phone_page.goto(answer_from_provider(phone_page, live_server))  # the same, untouched: in
    assert urlsplit(phone_page.url).path == "/portal/"


def test_signing_out_ends_her_session_here_and_at_the_provider(phone_page, live_server, portal_oidc):
    sign_in(phone_page, "astrid")
    assert urlsplit(phone_page.url).path == "/portal/"
    phone_page.get_by_role("button", name="Sign out").click()
    phone_page.wait_for_load_state()
    confirm = phone_page.locator("button[autofocus], button[type=submit]").first
    if "/portal/login/" not in phone_page.url:  # the provider asks whether to end its session too
        confirm.click()
    phone_page.get_by_text("You have signed out.").wait_for()
    phone_page.goto("/portal/")
    assert "/portal/login/" in phone_page.url
    phone_page.get_by_role("link", name="Sign in").click()
    phone_page.locator("input[name=login]").wait_for()  # the provider asks her to sign in again
