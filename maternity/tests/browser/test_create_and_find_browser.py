"""Creating a pregnancy (due date from the LMP, a dating scan, or entered directly) and finding one by its
keys (break glass), in Chromium, each page and each error state accessible (axe-core)."""

import re
from datetime import date

import pytest

from conftest import new_nin
from maternity.models import AccessAction, AccessLog, CurrentPregnancy, Note, NoteKind, Pregnancy
from maternity.rules.clinical import edd_from_crl, edd_from_lmp
from maternity.tests.web.factories import actor_for, days_from_today, edd_at, make_pregnancy

from .conftest import assert_accessible, make_midwife, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

BORN = date(1994, 5, 17)
RECORD_URL = re.compile(r".*/records/(?P<id>[0-9a-f-]{36})/$")


def record_of(page) -> Pregnancy:
    page.wait_for_url(RECORD_URL)
    return Pregnancy.objects.get(pk=RECORD_URL.match(page.url)["id"])


def open_new_pregnancy(page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="New pregnancy").click()
    page.get_by_role("heading", name="New pregnancy").wait_for()


def fill_keys(page, nin: str) -> None:
    page.get_by_label("National ID").fill(nin)
    page.get_by_label("Date of birth").fill(BORN.isoformat())


def test_create_with_the_lmp_after_fixing_a_mistake(page, midwife, location_a):
    sign_in(page, "kari")
    open_new_pregnancy(page)
    assert_accessible(page)
    nin = new_nin(BORN)
    fill_keys(page, nin[:-1] + str((int(nin[-1]) + 1) % 10))  # a typo: the check digit is wrong
    page.get_by_label("From her last menstrual period (LMP)").check()
    lmp = days_from_today(-84)
    page.get_by_label("First day of the last menstrual period").fill(lmp.isoformat())
    page.get_by_label("Her name (optional)").fill("Astrid Berg")
    page.get_by_role("button", name="Create the pregnancy").click()

    summary = page.get_by_role("alert")
    summary.get_by_text("This is not a valid national ID").wait_for()
    assert page.get_by_label("Her name (optional)").input_value() == "Astrid Berg"  # nothing lost
    assert page.get_by_label("From her last menstrual period (LMP)").is_checked()
    assert_accessible(page)
    assert not Pregnancy.objects.exists()

    page.get_by_label("National ID").fill(nin)
    page.get_by_role("button", name="Create the pregnancy").click()
    record = record_of(page)
    assert record.agreed_edd == edd_from_lmp(lmp)
    assert record.active_care_location == location_a
    assert record.mother.name == "Astrid Berg"

    page.goto("/")
    row = page.get_by_role("row", name="Astrid Berg")
    assert row.get_by_role("cell", name="12+0", exact=True).is_visible()


def test_create_from_a_dating_scan(page, midwife):
    sign_in(page, "kari")
    open_new_pregnancy(page)
    assert page.get_by_text("15 to 95 mm (about 8+3 to 15+0 weeks)").is_visible()
    fill_keys(page, new_nin(BORN))
    page.get_by_label("From a dating scan (crown-rump length)").check()
    page.get_by_label("Crown-rump length (mm)").fill("120")
    scan = days_from_today(-5)
    page.get_by_label("Date of the scan").fill(scan.isoformat())
    page.get_by_role("button", name="Create the pregnancy").click()
    page.get_by_text("Crown-rump length dating works for 15 to 95 mm").first.wait_for()
    assert_accessible(page)

    page.get_by_label("Crown-rump length (mm)").fill("45")
    page.get_by_role("button", name="Create the pregnancy").click()
    record = record_of(page)
    assert record.agreed_edd == edd_from_crl(crl_mm=45, scan_date=scan)
    assert CurrentPregnancy.objects.get(record=record).due_date_based_on_ultrasound == record.agreed_edd


def test_create_with_the_agreed_due_date_on_a_tablet(new_page, midwife):
    page = new_page(viewport={"width": 820, "height": 1180})
    sign_in(page, "kari")
    open_new_pregnancy(page)
    assert_accessible(page)
    fill_keys(page, new_nin(BORN))
    page.get_by_label("I know the agreed due date").check()
    edd = days_from_today(140)
    page.get_by_label("Agreed due date (EDD)").fill(edd.isoformat())
    page.get_by_role("button", name="Create the pregnancy").click()
    assert record_of(page).agreed_edd == edd


def test_create_when_it_exists_elsewhere_leads_to_breaking_glass(page, midwife, location_a, location_b):
    nin = new_nin(BORN)
    existing = make_pregnancy(actor_for(midwife, location_a), name="Astrid Berg", edd=edd_at(30), nin=nin)
    make_midwife("ingrid", location_b, name="Ingrid Haugen")
    sign_in(page, "ingrid")
    open_new_pregnancy(page)
    fill_keys(page, nin)
    page.get_by_label("I know the agreed due date").check()
    page.get_by_label("Agreed due date (EDD)").fill(existing.agreed_edd.isoformat())
    page.get_by_role("button", name="Create the pregnancy").click()
    page.get_by_role("heading", name="This pregnancy is already on record").wait_for()
    assert_accessible(page)
    page.get_by_label("Care transferred or referral received").check()
    page.get_by_label("Why do you need this record?").fill("She came to our clinic for a scan today.")
    page.get_by_role("button", name="Find this pregnancy").click()
    assert record_of(page) == existing
    assert Pregnancy.objects.count() == 1
    assert Note.objects.filter(record=existing, kind=NoteKind.BREAK_GLASS).exists()


def test_break_glass_find(page, midwife, location_a, location_b):
    nin = new_nin(BORN)
    existing = make_pregnancy(actor_for(midwife, location_a), name="Astrid Berg", edd=edd_at(39), nin=nin)
    make_midwife("ingrid", location_b, name="Ingrid Haugen")
    sign_in(page, "ingrid")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Find a pregnancy").click()
    page.get_by_role("heading", name="Find a pregnancy by its keys").wait_for()
    assert page.get_by_text("This is breaking glass, and it is recorded.").is_visible()
    assert_accessible(page)

    page.get_by_label("National ID").fill(nin)
    page.get_by_label("Date of birth").fill(BORN.isoformat())
    page.get_by_label("Agreed due date (EDD)").fill(days_from_today(60).isoformat())
    page.get_by_role("button", name="Find the pregnancy").click()
    page.get_by_text("it is required to break glass").first.wait_for()  # no reason chosen
    page.get_by_text("Say why you need this record in at least 10 characters").first.wait_for()
    assert_accessible(page)

    page.get_by_role("group", name="Reason for breaking glass").get_by_label(
        "In labour or giving birth at this location"
    ).check()
    page.get_by_label("Why do you need this record?").fill("labour")
    page.get_by_role("button", name="Find the pregnancy").click()
    page.get_by_text("at least 10 characters (you gave 6)").first.wait_for()  # too short to say why
    assert page.get_by_label("In labour or giving birth at this location").is_checked()  # kept

    page.get_by_label("Why do you need this record?").fill("Admitted to our unit in labour.")
    page.get_by_role("button", name="Find the pregnancy").click()
    page.get_by_role("heading", name="No pregnancy matches these keys").wait_for()  # EDD too far off
    assert_accessible(page)
    assert AccessLog.objects.filter(action=AccessAction.FIND, status_code=404).exists()

    page.get_by_label("Agreed due date (EDD)").fill(existing.agreed_edd.isoformat())
    page.get_by_role("button", name="Find the pregnancy").click()
    assert record_of(page) == existing
    entry = AccessLog.objects.filter(action=AccessAction.BREAK_GLASS).get()
    assert (entry.reason_code, entry.reason) == ("LABOUR", "Admitted to our unit in labour.")
