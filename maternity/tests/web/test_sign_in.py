"""Signing in with a local account, choosing the Care Location to act for, signing out; and who is turned
away from the professional pages (not signed in, not a professional, no Care Location)."""

import pytest
from django.test import Client

from maternity import services
from maternity.signin.locations import SESSION_KEY
from maternity.tests.browser.conftest import PASSWORD, make_midwife
from maternity.tests.conftest import make_user

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_a_midwife_signs_in_with_her_password_and_lands_on_her_caseload(location_a):
    make_midwife("kari", location_a)
    response = Client().post("/login/", {"username": "kari", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"


def test_a_wrong_password_shows_the_form_again_with_an_error(location_a):
    make_midwife("kari", location_a)
    response = Client().post("/login/", {"username": "kari", "password": "wrong"})
    assert response.status_code == 200
    assert "enter a correct username and password" in response.content.decode().lower()


def test_signed_out_visitors_are_sent_to_sign_in(record):
    response = Client().get(f"/records/{record.pk}/access-log/")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")


def test_with_two_care_locations_she_chooses_one_before_any_page(location_a, location_b, record):
    user = make_midwife("kari", location_a, location_b)
    client = signed_in(user)
    response = client.get(f"/records/{record.pk}/access-log/")
    assert response.status_code == 302 and response["Location"].startswith("/location/?next=")
    page = client.get(response["Location"])
    assert "St Olavs hospital" in page.content.decode() and "Munkholmen" in page.content.decode()
    chosen = client.post(
        "/location/", {"location": location_a.pk, "next": f"/records/{record.pk}/access-log/"}
    )
    assert chosen["Location"] == f"/records/{record.pk}/access-log/"
    assert client.session[SESSION_KEY] == location_a.pk


def test_a_location_she_does_not_belong_to_cannot_be_chosen(location_a, location_b, location_c):
    client = signed_in(make_midwife("kari", location_a, location_b))
    response = client.post("/location/", {"location": location_c.pk})
    assert response.status_code == 400
    assert SESSION_KEY not in client.session


def test_an_outside_address_in_next_is_ignored(location_a, location_b):
    client = signed_in(make_midwife("kari", location_a, location_b))
    response = client.post("/location/", {"location": location_a.pk, "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_an_account_that_is_not_a_professional_is_turned_away(record):
    user = make_user("clerk")
    user.set_password(PASSWORD)
    user.save()
    response = signed_in(user).get(f"/records/{record.pk}/access-log/")
    assert response.status_code == 403
    assert "not registered as a health professional" in response.content.decode()


def test_a_professional_without_a_care_location_is_turned_away(record):
    user = services.practitioner_create(
        username="lonely", display_name="Lone Ranger", care_locations=[], password=PASSWORD
    )
    response = signed_in(user).get(f"/records/{record.pk}/access-log/")
    assert response.status_code == 403
    assert "do not belong to any Care Location" in response.content.decode()


def test_signing_out_ends_the_session_and_needs_a_post(location_a):
    client = signed_in(make_midwife("kari", location_a))
    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert "_auth_user_id" not in client.session
