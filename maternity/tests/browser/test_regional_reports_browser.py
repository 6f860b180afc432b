"""The regional reports in Chromium on a tablet, in both languages, on the demo data (`seed_demo`) with more
pregnancies and births at the demo hospital: the demo's regional viewer signs in, lands on her regions, and
reads the region's reports and data quality, small numbers suppressed; both pages pass axe-core and fit the
tablet's width (the wide tables scroll inside themselves). With UPDATE_SCREENSHOTS=1 the screenshot of the
regional report is written to docs/screenshots/regional-report.png."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from conftest import new_nin
from maternity import services
from maternity.actors import Actor
from maternity.models import CareLocation, UserType
from maternity.rules.identifiers import parse_national_id
from spine.management.commands.seed_demo import LOCATIONS

from .conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

TABLET_PORTRAIT = {"width": 768, "height": 1024}
BROWSER_LANGUAGE = {"nb": "nb-NO", "en": "en-GB"}
HEADINGS = {
    "en": ("Regional reports", "Regional data quality", "Data quality"),
    "nb": ("Regionale rapporter", "Regional datakvalitet", "Datakvalitet"),
}


def busier_hospital() -> None:
    """Eight more pregnancies at the demo hospital, six of them born last month: counts of 5 and more
    beside the demo's small ones."""
    location = CareLocation.objects.get(org_nr=LOCATIONS[0][0])
    actor = Actor(user_type=UserType.HEALTH_CARE_PROFESSIONAL, care_location=location, name="Kari Nordmann")
    last_month = timezone.localdate().replace(day=1) - timedelta(days=10)
    for i in range(8):
        record = services.pregnancy_create_by_keys(
            national_id=parse_national_id(new_nin(date(1993, 3, 9))),
            date_of_birth=date(1993, 3, 9),
            edds={"agreed": timezone.localdate() + timedelta(days=280 - 7 * (12 + 3 * i))},
            actor=actor,
            mother={"name": f"Demo Mor {i}"},
        ).record
        if i < 6:
            born = timezone.make_aware(datetime.combine(last_month, time(3 + i, 15)))
            services.record_status_update(
                record_id=record.pk,
                version=record.version,
                status="DELIVERED",
                delivery_date=born,
                live_birth=True,
                actor=actor,
            )
            services.resource_create(
                record_id=record.pk,
                resource_type="births",
                data={"birth_time": born, "live_birth": True, "mode_of_birth": "SPONTANEOUS_VAGINAL"},
                actor=actor,
            )


@pytest.mark.parametrize("language", ["en", "nb"])
def test_the_demo_regional_viewer_reads_her_regions_reports_on_a_tablet(new_page, shots, capsys, language):
    call_command("seed_demo")
    capsys.readouterr()  # the demo's own printout
    busier_hospital()
    reports_heading, quality_heading, quality_link = HEADINGS[language]
    page = new_page(viewport=TABLET_PORTRAIT, locale=BROWSER_LANGUAGE[language])
    page.goto("/login/")
    page.locator("input[name=username]").fill("region")
    page.locator("input[name=password]").fill("region")
    page.locator("form button[type=submit].primary").click()
    page.wait_for_url("**/regions/")  # she belongs to no Care Location: her regions are her start
    assert page.evaluate("document.documentElement.lang") == language
    assert_accessible(page)

    page.get_by_role("link", name="Helse Fjordvik", exact=True).click()
    page.get_by_role("heading", name=reports_heading, level=1).wait_for()
    active = page.locator('[data-table="summary"] tr[data-row="active"] td')
    # The GP practice and the health centre have 4 together: each "<5", and no sum pins either.
    assert [active.nth(i).inner_text() for i in range(active.count())] == ["<5", "<5", "6", "10"]
    assert page.locator("abbr.suppressed").count() > 10
    assert "Demo Mor" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET_PORTRAIT["width"]
    assert_accessible(page)
    if language == "en":
        page.screenshot(path=shots / "regional-report.png", full_page=True)

    page.get_by_role("link", name=quality_link, exact=True).click()
    page.get_by_role("heading", name=quality_heading, level=1).wait_for()
    checked = page.locator('[data-table="summary"] tr[data-row="checked"] td')
    assert checked.count() == 4
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET_PORTRAIT["width"]
    assert_accessible(page)
    if language == "en":
        page.screenshot(path=shots / "regional-data-quality.png", full_page=True)
