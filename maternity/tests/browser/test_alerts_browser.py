"""Alerts in Chromium on a tablet: the task list, then acknowledging an alert from the record page's
"Needs attention" banner, each state accessible (axe-core: no serious or critical violations). With
UPDATE_SCREENSHOTS=1 the screenshots go to docs/screenshots/ (task-list.png, record-alerts.png)."""

import pytest
from django.utils import timezone

from maternity import services
from maternity.models import AlertAcknowledgement
from maternity.tests.web.alerts_factories import book, set_haemoglobin
from maternity.tests.web.factories import actor_for, edd_at, make_pregnancy

from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

TABLET_PORTRAIT = {"width": 768, "height": 1024}
TABLET_LANDSCAPE = {"width": 1024, "height": 768}


@pytest.fixture
def alerts(midwife, location_a):
    """At St Olavs: Alert Aas at 37+0 with BP 165/112 and FHR 190 at today's visit, Hb 10.1 in the third
    trimester and nothing booked; Missed Moe at 25+0 who missed a visit;
    Quiet Qvale with a visit booked and only her record to complete."""
    actor = actor_for(midwife, location_a)
    record = make_pregnancy(actor, name="Alert Aas", edd=edd_at(37))
    services.resource_create(
        record_id=record.pk,
        resource_type="antenatalAppointments",
        data={
            "appointment_date": timezone.localdate(),
            "blood_pressure": "165/112",
            "fetuses_vital_signs": [{"fosterId": 1, "fetalHeartRate": 190}],
        },
        actor=actor,
    )
    set_haemoglobin(actor, record, at_booking=12.0, third_trimester=10.1)
    missed = make_pregnancy(actor, name="Missed Moe", edd=edd_at(25))
    book(actor, missed, days=-2)
    book(actor, missed, days=12)
    quiet = make_pregnancy(actor, name="Quiet Qvale", edd=edd_at(30))
    book(actor, quiet, days=7)
    return record


@pytest.mark.parametrize("viewport", [TABLET_PORTRAIT, TABLET_LANDSCAPE], ids=["portrait", "landscape"])
def test_acknowledging_an_alert_from_the_task_list_and_the_record_banner(new_page, alerts, shots, viewport):
    page = new_page(viewport=viewport)
    sign_in(page, "kari")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Tasks").click()
    page.get_by_role("heading", name="Tasks").wait_for()
    first = page.locator("table.tasks tbody tr").first
    assert "Alert Aas" in first.inner_text() and "BP 165/112" in first.inner_text()
    assert page.get_by_role("row", name="Missed Moe").get_by_text("Missed booking", exact=True).is_visible()
    quiet = page.locator("table.tasks tbody tr", has_text="Quiet Qvale")
    assert quiet.count() == 1 and quiet.get_attribute("data-task") == "data-quality"  # no alert
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert_accessible(page)
    if viewport is TABLET_PORTRAIT:
        page.screenshot(path=shots / "task-list.png", full_page=True)

    first.get_by_role("link", name="Acknowledge").click()
    page.wait_for_url("**/records/*/#alerts")
    banner = page.get_by_role("region", name="Needs attention")
    assert banner.get_by_text("Review today.").first.is_visible()
    assert_accessible(page)

    banner.locator("summary", has_text="Acknowledge BP 165/112").click()  # opens the form
    banner.get_by_label("What was done").first.fill(
        "Obstetrician reviewed at 10:40: admitted for monitoring."
    )
    assert_accessible(page)
    banner.get_by_role("button", name="Acknowledge BP 165/112").click()
    page.get_by_text("Alert acknowledged.").wait_for()
    banner = page.get_by_role("region", name="Needs attention")
    acknowledged = banner.locator("li.acknowledged")
    assert acknowledged.count() == 1
    assert "by Kari Jordmor, St Olavs hospital, fødeavdelingen" in acknowledged.inner_text()
    assert "admitted for monitoring" in acknowledged.inner_text()
    assert AlertAcknowledgement.objects.get().alert_code == "bp-high"
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert_accessible(page)
    if viewport is TABLET_PORTRAIT:
        banner.locator(
            "summary", has_text="Acknowledge FHR 190"
        ).click()  # one form open, as she would see it
        # the record's header, then the banner (clip in page coordinates)
        bottom = page.evaluate("document.querySelector('#alerts').getBoundingClientRect().bottom + scrollY")
        clip = {"x": 0, "y": 0, "width": viewport["width"], "height": bottom + 16}
        page.screenshot(path=shots / "record-alerts.png", full_page=True, clip=clip)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Tasks").click()
    page.get_by_role("heading", name="Tasks").wait_for()
    assert page.get_by_text("BP 165/112").count() == 0  # acknowledged: off the list
