"""Who to contact, on her phone (390 x 844) in Chromium: the contact box under every page with her Care
Location's phone to tap, its address and opening hours and her midwife; the urgent number as a large
button; her next booked visit on the overview. Checked with axe-core and for sideways scrolling; a
phone-size screenshot of the overview (docs/screenshots/portal-contact.png, with UPDATE_SCREENSHOTS=1)."""

import pytest

from maternity import services

from .conftest import PHONE, assert_accessible
from .test_booked_visits import book
from .test_pregnancy_page import fill_record

pytestmark = pytest.mark.django_db(transaction=True)

CONTACT = {
    "phone": "+47 73 86 80 00",
    "address": "Prinsesse Kristinas gate 3, 7030 Trondheim",
    "opening_hours": "Weekdays 08:00-15:30",
    "urgent_phone": "72 57 30 00",
}


def fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_who_to_contact_and_her_next_visit_on_a_phone(
    phone, record, midwife_actor, patient, location_a, shots
):
    fill_record(record, midwife_actor, her=patient)
    services.care_location_contact_update(care_location=location_a, **CONTACT, by=None)
    # fill_record names her midwife, Kari Jordmor, in the record's points of contact
    book(record, midwife_actor, 4, kind="GLUCOSE_TEST")

    phone.goto("/portal/")
    box = phone.get_by_role("complementary", name="Who to contact")
    box.wait_for()
    assert phone.get_by_role("heading", name="Your next appointment").is_visible()
    assert phone.get_by_text(
        "Blood sugar test (glucose tolerance test), at Fjordvik helsestasjon"
    ).is_visible()
    assert box.get_by_role("link", name="+47 73 86 80 00").get_attribute("href") == "tel:+4773868000"
    call = box.get_by_role("link", name="Call 72 57 30 00")
    assert call.get_attribute("href") == "tel:72573000"
    assert call.bounding_box()["height"] >= 44  # a target a thumb can hit
    assert box.get_by_text("Kari Jordmor", exact=True).is_visible()
    assert_accessible(phone)
    fits_the_phone(phone)
    phone.screenshot(path=shots / "portal-contact.png", full_page=True)

    for url in (
        f"/portal/pregnancies/{record.pk}/",
        f"/portal/pregnancies/{record.pk}/access-log/",
        f"/portal/pregnancies/{record.pk}/birth-plan/",
    ):
        phone.goto(url)
        box = phone.get_by_role("complementary", name="Who to contact")
        assert box.get_by_role("link", name="Call 72 57 30 00").count() == 1, url
        assert_accessible(phone)
        fits_the_phone(phone)
