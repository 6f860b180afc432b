"""The main pages in Bokmål and in English, as a Norwegian and an English browser get them, from the demo
data: each names its language (`<html lang>`), passes axe-core, and shows its heading in that language.
The language switch on a page turns it to the other language and is remembered. Screenshots of the caseload,
the record and the portal in Bokmål go to docs/screenshots/ with UPDATE_SCREENSHOTS=1."""

import pytest
from django.core.management import call_command

from maternity.models import Pregnancy
from portal.tests.conftest import PHONE, link_patient, signed_in_page

from .conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

BROWSER_LANGUAGE = {"nb": "nb-NO", "en": "en-GB"}
# A heading each page shows, in each language: proof the page speaks it, not just its <html lang>.
MIDWIFE_PAGES = {
    "/": {"nb": "Pasientliste", "en": "Caseload"},
    "/tasks/": {"nb": "Oppgaver", "en": "Tasks"},
    "/find/": {"nb": "Finn et svangerskap", "en": "Find a pregnancy"},
    "/new/": {"nb": "Nytt svangerskap", "en": "New pregnancy"},
    "/reports/": {"nb": "Rapporter", "en": "Reports"},
}


@pytest.fixture
def demo(capsys):
    call_command("seed_demo")
    capsys.readouterr()  # the demo's own printout
    return (
        Pregnancy.objects.filter(status="ACTIVE", symphysisfundalheights__isnull=False)
        .select_related("person", "mother")
        .distinct()
        .order_by("agreed_edd")
        .first()
    )


def in_language(page, language: str) -> None:
    assert page.evaluate("document.documentElement.lang") == language, page.url
    assert_accessible(page)


def sign_in_as_the_demo_midwife(page) -> None:
    page.goto("/login/")
    page.locator("input[name=username]").fill("midwife")
    page.locator("input[name=password]").fill("midwife")
    page.locator("form button[type=submit].primary").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_midwives_main_pages_speak_the_browsers_language(new_page, demo, shots, language):
    page = new_page(locale=BROWSER_LANGUAGE[language])
    page.goto("/login/")
    in_language(page, language)
    sign_in_as_the_demo_midwife(page)
    for path, heading in MIDWIFE_PAGES.items():
        page.goto(path)
        assert page.get_by_role("heading", name=heading[language]).first.is_visible(), (path, language)
        in_language(page, language)
        if path == "/" and language == "nb":
            page.screenshot(path=shots / "caseload-nb.png", full_page=True)

    page.goto(f"/records/{demo.pk}/")
    in_language(page, language)
    if language == "nb":
        page.screenshot(path=shots / "record-nb.png")
    page.goto(f"/records/{demo.pk}/sfh/")
    in_language(page, language)
    page.goto("/reports/data-quality/")
    in_language(page, language)


@pytest.mark.parametrize("language", ["nb", "en"])
def test_her_portal_speaks_her_phones_language(new_page, live_server, demo, shots, language):
    user = link_patient(demo.person, username="demo-patient", name=demo.mother.name)
    page = signed_in_page(
        lambda viewport: new_page(viewport=viewport, locale=BROWSER_LANGUAGE[language]),
        live_server,
        user,
        viewport=PHONE,
    )
    for path in (
        "/portal/",
        f"/portal/pregnancies/{demo.pk}/",
        f"/portal/pregnancies/{demo.pk}/birth-plan/",
        f"/portal/pregnancies/{demo.pk}/access-log/",
        "/portal/notifications/",
    ):
        page.goto(path)
        in_language(page, language)
        if language == "nb" and path == f"/portal/pregnancies/{demo.pk}/":
            page.screenshot(path=shots / "portal-overview-nb.png")
    page.goto("/portal/")
    heading = {"nb": "Mitt svangerskap", "en": "My pregnancy"}[language]
    assert page.get_by_role("link", name=heading).first.is_visible()


def test_the_switch_turns_the_page_to_english_and_keeps_it_there(new_page, demo):
    page = new_page(locale="nb-NO")
    sign_in_as_the_demo_midwife(page)
    page.goto(f"/records/{demo.pk}/")
    in_language(page, "nb")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/records/{demo.pk}/")  # the same page
    in_language(page, "en")
    page.goto("/tasks/")
    in_language(page, "en")
    assert page.get_by_role("heading", name="Tasks").first.is_visible()

    page.get_by_role("button", name="Norsk (bokmål)").click()
    page.wait_for_load_state()
    in_language(page, "nb")
    assert page.get_by_role("heading", name="Oppgaver").first.is_visible()
