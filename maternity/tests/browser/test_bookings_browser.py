"""Booking in Chromium on a tablet: plan the visits of the national schedule, book one by hand, see them on
the record, cancel one with a reason; every page accessible (axe-core: no serious or critical
violations). With UPDATE_SCREENSHOTS=1 the record's bookings section goes to docs/screenshots/bookings.png."""

from datetime import timedelta

import pytest
from django.utils import timezone

from maternity.models import Booking
from maternity.tests.web.factories import actor_for, edd_at, make_pregnancy

from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

TABLET_PORTRAIT = {"width": 768, "height": 1024}
TABLET_LANDSCAPE = {"width": 1024, "height": 768}


@pytest.fixture
def pregnancy(midwife, location_a):
    """Nora Berg at 30+0, at St Olavs, with nothing booked."""
    return make_pregnancy(actor_for(midwife, location_a), name="Nora Berg", edd=edd_at(30))


@pytest.mark.parametrize("viewport", [TABLET_LANDSCAPE, TABLET_PORTRAIT], ids=["landscape", "portrait"])
def test_a_midwife_plans_books_and_cancels_visits_on_a_tablet(new_page, pregnancy, shots, viewport):
    page = new_page(viewport=viewport)
    sign_in(page, "kari")
    page.goto(f"/records/{pregnancy.pk}/")
    section = page.locator("#section-bookings")
    assert section.get_by_text("None booked.").is_visible()

    # the plan of the national schedule, with the booking visit she has not had yet
    section.get_by_role("link", name="Plan visits").click()
    page.get_by_role("heading", name="Plan the visits").wait_for()
    assert_accessible(page)
    page.get_by_label("Book the week 41 visit").uncheck()
    page.get_by_role("button", name="Book these").click()
    page.get_by_text("5 visits booked.").wait_for()
    assert sorted(Booking.objects.values_list("planned_week", flat=True)) == [10, 32, 36, 38, 40]

    # one booked by hand
    section.get_by_role("link", name="Add booking").click()
    page.get_by_role("heading", name="Book a visit").wait_for()
    day = timezone.localdate() + timedelta(days=3)
    page.get_by_label("Date (required)").fill(day.isoformat())
    page.get_by_label("Time (required)").fill("13:30")
    page.get_by_label("Kind of visit").select_option("GLUCOSE_TEST")
    page.get_by_label("Where").fill("Laboratory, level 2")
    page.get_by_label("With whom").fill("Bioingeniør on duty")
    page.get_by_label("Length (minutes)").fill("120")
    assert_accessible(page)
    page.get_by_role("button", name="Book", exact=True).click()
    page.get_by_text("Booked: Glucose tolerance test").wait_for()
    row = section.get_by_role("row").filter(has_text="Glucose tolerance test, 120 minutes")
    assert row.get_by_text("Laboratory, level 2").is_visible()
    assert_accessible(page)

    # cancel it, with a reason, after the confirmation
    row.get_by_role("link", name="Cancel Glucose tolerance test").click()
    page.get_by_role("heading", name="Cancel this booking?").wait_for()
    assert_accessible(page)
    page.get_by_label("Why is it cancelled?").fill("She had the test at her GP's")
    page.get_by_role("button", name="Cancel the booking").click()
    page.get_by_text("The booking is cancelled.").wait_for()
    row = section.get_by_role("row").filter(has_text="Glucose tolerance test")
    assert row.get_by_text("Cancelled", exact=True).is_visible()
    assert row.get_by_text("by Kari Jordmor, St Olavs hospital, fødeavdelingen on").is_visible()
    assert Booking.objects.get(kind="GLUCOSE_TEST").status == "CANCELLED"
    assert_accessible(page)

    box = section.bounding_box()
    assert box is not None and box["x"] + box["width"] <= viewport["width"]  # no sideways scrolling
    if viewport is TABLET_LANDSCAPE:
        section.screenshot(path=shots / "bookings.png")
