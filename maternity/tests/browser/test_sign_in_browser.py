"""Signing in, choosing the Care Location, signing out: in Chromium, each page accessible (axe-core)."""

import pytest

from .conftest import PASSWORD, assert_accessible, make_midwife, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_midwife_signs_in_chooses_her_location_works_and_signs_out(page, location_a, location_b):
    make_midwife("kari", location_a, location_b)
    page.goto("/")
    assert page.url.endswith("/login/?next=/")
    assert_accessible(page)

    page.get_by_label("User name").fill("kari")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("alert").wait_for()  # the refusal comes back from the server: wait for it
    assert "/login/" in page.url

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Which Care Location are you working for?").wait_for()
    assert_accessible(page)
    page.get_by_label("Munkholmen jordmortjeneste").check()
    page.get_by_role("button", name="Continue").click()

    header = page.locator("header")
    header.get_by_text("Munkholmen jordmortjeneste").wait_for()
    assert header.get_by_text("Kari Jordmor").is_visible()

    header.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in").wait_for()
    page.goto("/")
    assert "/login/" in page.url


def test_with_one_care_location_there_is_nothing_to_choose(page, live_server, location_a):
    make_midwife("kari", location_a)
    sign_in(page, "kari")
    assert page.url == f"{live_server.url}/"  # straight to the caseload
    assert page.locator("header").get_by_text("St Olavs hospital").is_visible()
