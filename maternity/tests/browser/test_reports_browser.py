"""The reports and data quality pages in a browser, on the demo data (`seed_demo`): reached from the main
navigation, accessible (axe), and photographed. With UPDATE_SCREENSHOTS=1 the screenshots are written to
docs/screenshots/ for the README; otherwise to a temporary directory."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command

from conftest import new_nin
from maternity import services
from maternity.actors import Actor
from maternity.models import CareLocation, UserType
from maternity.rules.identifiers import parse_national_id

from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def booked_in_a_hurry(location) -> None:
    """Two new pregnancies with only a name and an EDD: the data-quality list has something to show."""
    actor = Actor(user_type=UserType.HEALTH_CARE_PROFESSIONAL, care_location=location, name="Kari Nordmann")
    for name, weeks in (("Ida Solberg", 20), ("Leila Ahmadi", 9)):
        services.pregnancy_create_by_keys(
            national_id=parse_national_id(new_nin()),
            date_of_birth=date(1994, 5, 17),
            edds={"agreed": date.today() + timedelta(days=280 - 7 * weeks)},
            actor=actor,
            mother={"name": name},
        )


def test_reports_and_data_quality_pages(page, shots, capsys):
    call_command("seed_demo")
    capsys.readouterr()  # the demo's own printout
    booked_in_a_hurry(CareLocation.objects.get(group__user__username="midwife"))
    sign_in(page, "midwife", "midwife")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    page.get_by_role("heading", name="Reports", level=1).wait_for()
    assert page.locator("svg.report-chart").count() == 4
    assert page.locator('[data-figure="active"]').inner_text() == "6"  # the demo's four, and two more
    assert_accessible(page)
    page.screenshot(path=shots / "reports.png", full_page=True)

    page.get_by_role("link", name="Data quality").click()
    page.get_by_role("heading", name="Data quality", level=1).wait_for()
    assert page.locator('[data-figure="checked"]').inner_text() == "6"
    assert page.get_by_text("No blood group").count() >= 2  # the two booked in a hurry
    assert_accessible(page)
    page.screenshot(path=shots / "data-quality.png", full_page=True)

    page.get_by_role("link", name="Completeness").click()
    page.wait_for_load_state()
    assert "sort=-completeness" in page.url
    assert page.locator("th[aria-sort]").get_attribute("aria-sort") == "descending"
