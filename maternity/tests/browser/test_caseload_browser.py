"""The caseload in Chromium: flags, search, sort and pages, on a laptop and a tablet, each state accessible
(axe-core: no serious or critical violations)."""

import pytest

from maternity.tests.web.factories import (
    actor_for,
    days_from_today,
    edd_at,
    make_flagged_pregnancy,
    make_pregnancy,
)

from .conftest import assert_accessible, make_midwife, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

TABLET = {"width": 820, "height": 1180}


def row_names(page) -> list[str]:
    return [
        name.strip() for name in page.locator("table.caseload tbody td:first-child > a").all_inner_texts()
    ]


@pytest.fixture
def caseload(midwife, location_a):
    """27 pregnancies at St Olavs (more than a page): one with every flag but overdue, one overdue."""
    actor = actor_for(midwife, location_a)
    make_flagged_pregnancy(actor, name="Flagged Fjell")
    make_pregnancy(actor, name="Overdue Ødegård", edd=days_from_today(-4))
    for number in range(25):
        make_pregnancy(actor, name=f"Mother {number:02d}", edd=edd_at(12 + number % 25))
    return actor


def test_caseload_shows_flags_and_sorts_searches_and_pages(page, caseload):
    sign_in(page, "kari")
    page.get_by_role("heading", name="Caseload").wait_for()
    assert page.locator("table.caseload tbody tr").count() == 25
    assert page.get_by_text("27 pregnancies, showing 1–25; sorted by agreed EDD, soonest first.").is_visible()
    assert row_names(page)[0] == "Overdue Ødegård"  # due soonest first: the overdue come first
    overdue = page.get_by_role("row", name="Overdue Ødegård")
    assert overdue.get_by_text("Overdue 40+4").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Name").click()
    page.wait_for_url("**/?sort=name")
    assert page.locator('th[aria-sort="ascending"]').inner_text().startswith("Name")
    assert row_names(page)[:2] == ["Flagged Fjell", "Mother 00"]
    flagged = page.get_by_role("row", name="Flagged Fjell")
    for label in ("SFH < 3rd centile", "BP 150/95", "Protein 2+", "RhD−: no anti-D"):
        assert flagged.get_by_text(label).is_visible()
    assert flagged.get_by_text("Today").count() == 0

    page.get_by_role("link", name="Next →").click()
    page.wait_for_url("**/?sort=name&page=2")
    assert row_names(page) == ["Mother 24", "Overdue Ødegård"]
    assert page.get_by_text("Page 2 of 2").is_visible()
    page.get_by_role("link", name="Name").click()  # again: the other way round
    page.wait_for_url("**/?sort=-name")
    assert row_names(page)[0] == "Overdue Ødegård"

    page.get_by_label("Name or national ID").fill("fjell")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/?q=fjell&sort=-name")
    assert row_names(page) == ["Flagged Fjell"]
    assert page.get_by_text("1 pregnancy matching “fjell”").is_visible()
    assert_accessible(page)

    page.get_by_label("Name or national ID").fill("Nobody")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("heading", name="No pregnancy in your caseload matches “Nobody”").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Clear search").click()
    page.wait_for_url("**/?sort=-name")
    page.locator("table.caseload").wait_for()  # the URL turns before the new page has loaded
    assert page.locator("table.caseload tbody tr").count() == 25


def test_caseload_on_a_tablet_is_readable_and_accessible(new_page, caseload):
    page = new_page(viewport=TABLET)
    sign_in(page, "kari")
    page.get_by_role("heading", name="Caseload").wait_for()
    assert_accessible(page)
    # The page never scrolls sideways: a wide table scrolls inside its own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET["width"]
    page.get_by_role("row", name="Flagged Fjell").get_by_role("link").click()
    page.wait_for_url("**/records/*/")


def test_a_midwife_elsewhere_sees_an_empty_caseload_that_says_what_to_do(page, caseload, location_b):
    make_midwife("ingrid", location_b, name="Ingrid Haugen")
    sign_in(page, "ingrid")
    page.get_by_role("heading", name="No active pregnancies at Munkholmen jordmortjeneste").wait_for()
    assert page.get_by_text("Flagged Fjell").count() == 0
    assert_accessible(page)
    page.locator("main").get_by_role("link", name="New pregnancy").click()
    page.get_by_role("heading", name="New pregnancy").wait_for()
