"""The change site in Chromium, on the demo data (`seed_demo`): the list, a proposal's thread, the form for a
new proposal and the upcoming changes, each on a laptop, a tablet and a phone, in English and in Bokmål, pass
axe-core and fit the screen's width (a wide table scrolls inside itself). A midwife proposes (adding rows to
the draft) and another comments, then changes her comment; the demo's national administrator moves a proposal
and releases 1.5.0 from the upcoming page. With UPDATE_SCREENSHOTS=1 the screenshots (laptop and phone) go to
docs/screenshots/."""

import pytest
from django.core.management import call_command
from django.db import connection

from dataset.models import DataSetRelease, Proposal, ProposalState
from maternity.tests.browser.conftest import assert_accessible
from maternity.tests.browser.session import LAPTOP

# The demo numbered from #1 in every test (its screenshots alike) on SQLite. Not on PostgreSQL: there
# django-guardian's anonymous user, made as the test database is, holds the first user id a reset would give.
pytestmark = pytest.mark.django_db(transaction=True, reset_sequences=connection.vendor == "sqlite")

TABLET = {"width": 820, "height": 1180}
PHONE = {"width": 390, "height": 844}
BROWSER_LANGUAGE = {"nb": "nb-NO", "en": "en-GB"}
HEADINGS = {
    "list": {"en": "Change proposals", "nb": "Endringsforslag"},
    "new": {"en": "Propose a change to the data set", "nb": "Foreslå en endring i datasettet"},
    "upcoming": {"en": "Upcoming changes", "nb": "Kommende endringer"},
    "change": {"en": "Change your comment", "nb": "Endre kommentaren din"},
}
CHANGE_MY_COMMENT = {"en": "Change my comment", "nb": "Endre kommentaren min"}
THREAD_TITLE = "Record the umbilical cord blood gases"


@pytest.fixture
def demo(capsys):
    call_command("seed_demo")
    capsys.readouterr()  # the demo's own printout
    return Proposal.objects.get(title=THREAD_TITLE)


def sign_in(page, username: str, then: str) -> None:
    page.goto(f"/login/?next={then}")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(username)
    page.locator("form button[type=submit].primary").click()
    page.wait_for_url(f"**{then}")


def fits(page, viewport: dict) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], page.url
    assert_accessible(page)


@pytest.mark.parametrize("language", ["en", "nb"])
@pytest.mark.parametrize("size", ["laptop", "tablet", "phone"])
def test_every_page_of_the_change_site_is_accessible_and_fits_in_both_languages(
    new_page, demo, shots, language, size
):
    viewport = {"laptop": LAPTOP, "tablet": TABLET, "phone": PHONE}[size]
    page = new_page(viewport=viewport, locale=BROWSER_LANGUAGE[language])
    suffix = "" if size == "laptop" else f"-{size}"
    suffix += "" if language == "en" else "-nb"
    keep = size != "tablet" and language == "en"  # the README's: laptop and phone, in English

    page.goto("/data-set/upcoming/")  # public: no sign-in
    page.get_by_role("heading", name=HEADINGS["upcoming"][language], level=1).wait_for()
    assert page.evaluate("document.documentElement.lang") == language
    assert page.locator("[data-version='1.5.0'] .upcoming-item").count() == 1
    assert page.locator("[data-version='1.6.0'] .upcoming-item").count() == 2
    fits(page, viewport)
    if keep:
        page.screenshot(path=shots / f"upcoming-changes{suffix}.png", full_page=True)

    sign_in(page, "midwife", "/data-set/proposals/")
    page.get_by_role("heading", name=HEADINGS["list"][language], level=1).wait_for()
    assert page.locator(".proposal-item").count() == 10
    fits(page, viewport)
    if keep:
        page.screenshot(path=shots / f"proposals{suffix}.png", full_page=True)

    page.goto(f"/data-set/proposals/{demo.number}/")
    page.get_by_role("heading", name=f"#{demo.number} {THREAD_TITLE}", level=1).wait_for()
    assert page.locator(".thread > li").count() == 6  # three comments, three state changes
    assert page.locator(".supporters strong").inner_text() == "4"
    fits(page, viewport)
    if keep:
        page.screenshot(path=shots / f"proposal-thread{suffix}.png", full_page=True)

    page.get_by_role("link", name=CHANGE_MY_COMMENT[language]).click()  # the demo's midwife wrote one here
    page.get_by_role("heading", name=HEADINGS["change"][language], level=1).wait_for()
    fits(page, viewport)
    if keep:
        page.screenshot(path=shots / f"proposal-comment-change{suffix}.png", full_page=True)

    page.goto("/data-set/proposals/new/")
    page.get_by_role("heading", name=HEADINGS["new"][language], level=1).wait_for()
    fits(page, viewport)
    if keep:
        page.screenshot(path=shots / f"proposal-new{suffix}.png", full_page=True)


def test_a_midwife_proposes_with_a_draft_and_another_comments(new_page, demo):
    page = new_page()
    sign_in(page, "midwife3", "/data-set/proposals/new/")
    page.get_by_label("Title").fill("Record the birth companion")
    page.get_by_label("What should change").fill("Who was with her at the birth: partner, doula, other.")
    page.get_by_label("Why", exact=True).fill("Continuity-of-care audits ask for it.")
    page.get_by_label("Births (births)").check()
    page.get_by_role("button", name="More rows").click()
    page.locator("fieldset.draft-row").nth(5).wait_for()  # the server sends the page back with more rows
    assert page.locator("fieldset.draft-row").count() == 6
    assert page.get_by_label("Title").input_value() == "Record the birth companion"  # kept
    page.locator("#id_fields-4-name").fill("birthCompanion")
    page.locator("#id_fields-4-type").select_option("code")
    page.locator("#id_fields-4-name").press("Enter")  # Enter proposes, as "Propose this change" does
    page.get_by_text("You follow it:").first.wait_for()
    proposal = Proposal.objects.get(title="Record the birth companion")
    assert (
        proposal.draft_fields[0]["name"] == "birthCompanion" and proposal.proposed_by.username == "midwife3"
    )
    assert_accessible(page)

    other = new_page()
    sign_in(other, "midwife2", f"/data-set/proposals/{proposal.number}/")
    other.get_by_role("button", name="Support this proposal").click()
    other.get_by_label("Your comment").fill("A code list would help: partner, mother, doula, none.")
    other.get_by_role("button", name="Add my comment").click()
    other.get_by_text("A code list would help").wait_for()
    assert other.locator(".supporters strong").inner_text() == "1"
    assert_accessible(other)

    # She thinks better of it: she changes her comment, and the thread keeps what it said before.
    other.get_by_role("link", name="Change my comment").click()
    other.get_by_role("heading", name="Change your comment", level=1).wait_for()
    assert_accessible(other)
    other.get_by_label("Your comment").fill("A code list would help: partner, mother, doula, other, none.")
    other.get_by_role("button", name="Save my change").click()
    other.get_by_text("Your comment is changed").wait_for()
    mine = other.locator(".thread-comment").last
    assert "doula, other, none." in mine.inner_text() and "changed" in mine.locator(".edited").inner_text()
    mine.get_by_text("What it said before (1 earlier text)").click()
    assert mine.get_by_text("A code list would help: partner, mother, doula, none.").is_visible()
    assert_accessible(other)


def test_the_national_administrator_moves_a_proposal_and_releases_the_version(new_page, demo, shots):
    page = new_page(viewport=LAPTOP)
    proposal = Proposal.objects.get(state=ProposalState.PROPOSED)
    sign_in(page, "admin", f"/data-set/proposals/{proposal.number}/")
    page.get_by_label("Under review").check()
    page.get_by_label("Reason").fill("On the agenda for the next meeting.")
    page.get_by_role("button", name="Move it").click()
    page.get_by_text("is now under review").wait_for()
    assert_accessible(page)

    page.goto("/data-set/upcoming/")
    summary = "Restricted entries: a location may keep an entry to itself."
    page.get_by_label("Summary of the release").fill(summary)
    page.get_by_role("button", name="Release 1.5.0").click()
    page.get_by_text("Version 1.5.0 is released with 1 proposal").wait_for()
    assert_accessible(page)
    release = DataSetRelease.objects.get(version="1.5.0")
    restricted = "Let a Care Location restrict a sensitive entry"
    assert [change["title"] for change in release.changes] == [restricted]
    assert Proposal.objects.filter(state=ProposalState.RELEASED).count() == 2

    page.goto("/data-set/changelog/")  # the release is in the changelog, under its version, with its proposal
    version = page.locator('[id="version-1.5.0"]')
    version.get_by_text(summary).wait_for()
    assert version.get_by_role("link", name=restricted).count() == 1
    assert_accessible(page)
    page.screenshot(path=shots / "data-set-changelog.png", full_page=True)
