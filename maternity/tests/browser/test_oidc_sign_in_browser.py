"""A midwife signs in with her organisation's OpenID Connect provider: a real provider (node
oidc-provider) on 127.0.0.1, the authorization code flow with PKCE, driven in Chromium. She is matched by
her HPR number claim; an unknown professional, or a token from another issuer, does not get in."""

import pytest

from maternity.tests.oidc_provider import start_provider

from .conftest import assert_accessible, make_midwife

pytestmark = pytest.mark.django_db(transaction=True)

ACCOUNTS = {
    "kari": {"name": "Kari Jordmor", "hpr_number": "9144889"},
    "unknown": {"name": "Ukjent Lege", "hpr_number": "5550001"},
}


@pytest.fixture
def provider(live_server):
    running = start_provider(
        clients=[
            {
                "client_id": "maternity-web",
                "client_secret": "development-secret",
                "redirect_uris": [f"{live_server.url}/oidc/callback/"],
                "post_logout_redirect_uris": [f"{live_server.url}/login/"],
            }
        ],
        accounts=ACCOUNTS,
    )
    yield running
    running.stop()


@pytest.fixture
def oidc_settings(settings, provider):
    for name, value in provider.django_settings(
        client_id="maternity-web", client_secret="development-secret"
    ).items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "maternity.signin.oidc.PractitionerOIDCBackend",
    ]
    return settings


def sign_in_at_provider(page, login: str) -> None:
    page.goto("/login/")
    assert_accessible(page)
    page.get_by_role("link", name="Sign in with your organisation").click()
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any")
    page.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_a_midwife_signs_in_with_her_organisation_and_lands_on_her_caseload(
    page, live_server, oidc_settings, location_a
):
    make_midwife("kari", location_a, hpr_nr="9144889")
    sign_in_at_provider(page, "kari")
    assert page.url == f"{live_server.url}/"
    assert page.locator("header").get_by_text("Kari Jordmor").is_visible()


def test_a_professional_unknown_here_is_refused(page, live_server, oidc_settings, location_a):
    make_midwife("kari", location_a, hpr_nr="9144889")
    sign_in_at_provider(page, "unknown")
    assert "/login/" in page.url
    assert "not registered here" in page.get_by_role("alert").inner_text()


def test_a_token_from_another_issuer_is_refused(page, live_server, oidc_settings, location_a):
    make_midwife("kari", location_a, hpr_nr="9144889")
    oidc_settings.OIDC_OP_ISSUER = "https://someone-else.example"
    sign_in_at_provider(page, "kari")
    assert "/login/" in page.url
    assert page.get_by_role("alert").is_visible()
