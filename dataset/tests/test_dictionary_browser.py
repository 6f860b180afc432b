"""The data dictionary and the changelog in Chromium, signed in as nobody: on a laptop, a tablet held upright
and a phone, in English and Bokmål, each passing axe-core and fitting the screen's width (the field tables
stack into one card per field below 900 px). With UPDATE_SCREENSHOTS=1 the screenshots are written to
docs/screenshots/ (data-dictionary.png, data-dictionary-phone.png; the changelog's is taken after the demo's
release, dataset/tests/test_proposal_browser.py)."""

from datetime import date

import pytest

from dataset.models import DataSetRelease
from maternity.tests.browser.conftest import assert_accessible
from maternity.tests.browser.session import LAPTOP

pytestmark = pytest.mark.django_db(transaction=True)

TABLET_PORTRAIT = {"width": 768, "height": 1024}
PHONE = {"width": 390, "height": 844}
BROWSER_LANGUAGE = {"nb": "nb-NO", "en": "en-GB"}
WORDS = {
    "en": {"title": "Data dictionary", "find": "Find a field", "show": "Show", "changelog": "Changelog"},
    "nb": {"title": "Dataordbok", "find": "Finn et felt", "show": "Vis", "changelog": "Endringslogg"},
}


def fits(page, viewport: dict) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


@pytest.mark.parametrize("language", ["en", "nb"])
def test_anyone_finds_a_field_and_reads_its_codes_on_a_laptop(new_page, shots, language):
    words = WORDS[language]
    page = new_page(viewport=LAPTOP, locale=BROWSER_LANGUAGE[language])
    page.goto("/data-set/")
    page.get_by_role("heading", name=words["title"], level=1).wait_for()
    assert page.evaluate("document.documentElement.lang") == language
    assert page.locator("section.dataset-resource").count() == 22
    fits(page, LAPTOP)
    assert_accessible(page)

    page.get_by_label(words["find"]).fill("presentation")
    page.get_by_role("button", name=words["show"], exact=True).click()
    page.wait_for_url("**/data-set/?q=presentation*")
    row = page.locator('[id="antenatalAppointments-fetusesVitalSigns-fetalPresentationLie"]')
    row.wait_for()
    assert page.locator("section.dataset-resource").count() == 1
    row.locator("summary").click()
    assert row.locator("details li").first.is_visible()
    assert_accessible(page)

    page.goto("/data-set/?resource=antenatalAppointments")
    page.locator('[id="antenatalAppointments-fetusesVitalSigns-fetalPresentationLie"] summary').click()
    fits(page, LAPTOP)
    assert_accessible(page)
    if language == "en":
        page.screenshot(path=shots / "data-dictionary.png", full_page=True)


@pytest.mark.parametrize(("viewport", "language"), [(PHONE, "nb"), (TABLET_PORTRAIT, "en"), (PHONE, "en")])
def test_the_fields_stack_into_cards_on_a_phone_and_a_tablet(new_page, shots, viewport, language):
    page = new_page(viewport=viewport, locale=BROWSER_LANGUAGE[language])
    page.goto("/data-set/?resource=lifestyleFactors")
    cell = page.locator('[id="lifestyleFactors-stimuli-stimuliType"] td').first
    cell.wait_for()
    assert cell.evaluate("cell => getComputedStyle(cell).display") == "block"
    assert cell.evaluate("cell => getComputedStyle(cell, '::before').content") != "none"  # its column's name
    fits(page, viewport)
    assert_accessible(page)
    page.goto("/data-set/")
    fits(page, viewport)
    if viewport == PHONE and language == "nb":
        page.goto("/data-set/?resource=lifestyleFactors")
        page.screenshot(path=shots / "data-dictionary-phone.png", full_page=True)


@pytest.mark.parametrize("language", ["en", "nb"])
def test_the_changelog_lists_the_versions_and_links_back_to_the_fields(new_page, shots, language):
    DataSetRelease.objects.create(
        version="1.5.0",
        released_on=date(2027, 1, 15),
        summary="Released after the winter review of the change proposals.",
        changes=[{"number": 12, "title": "Cord blood gases at birth", "resources": ["births"]}],
    )
    words = WORDS[language]
    page = new_page(viewport=LAPTOP, locale=BROWSER_LANGUAGE[language])
    page.goto("/data-set/")
    page.get_by_role("link", name=words["changelog"], exact=True).first.click()
    page.get_by_role("heading", name=words["changelog"], level=1).wait_for()
    assert page.locator("section.dataset-version-log").count() == 7
    fits(page, LAPTOP)
    assert_accessible(page)

    page.locator('a[href="/data-set/#vitalMeasurementsBeforePregnancy-height"]').click()
    page.wait_for_url("**/data-set/#vitalMeasurementsBeforePregnancy-height")
    assert page.locator('[id="vitalMeasurementsBeforePregnancy-height"]').is_visible()


def test_the_language_switch_turns_the_dictionary_into_bokmal(new_page):
    page = new_page(viewport=PHONE, locale="en-GB")
    page.goto("/data-set/?resource=births")
    page.get_by_role("button", name="Norsk (bokmål)").click()
    page.get_by_role("heading", name="Dataordbok", level=1).wait_for()
    assert page.url.endswith("/data-set/?resource=births")
    codes = page.locator('[id="births-sex"] details')
    codes.locator("summary").click()
    assert codes.locator("li").first.inner_text() == "FEMALE Jente"
    fits(page, PHONE)
    assert_accessible(page)
