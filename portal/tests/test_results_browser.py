"""Her results and her baby's growth chart on her phone (390 x 844) in Chromium: the explained results of
the issue's walk-through visit, and the SFH chart's text measured as it renders after the SVG is scaled to
the screen (at least 12 px), each checked with axe-core; phone-size screenshots written to
docs/screenshots/ with UPDATE_SCREENSHOTS=1."""

from datetime import timedelta

import pytest
from django.utils import timezone

from maternity import services

from .conftest import PHONE, assert_accessible, signed_in_page
from .test_explained_results import WALK_THROUGH
from .test_pregnancy_page import fill_record

pytestmark = pytest.mark.django_db(transaction=True)

MIN_TEXT_PX = 12

# Every <text> of the chart shown: its font size after the SVG is scaled to its width on the screen, and
# the height of its box on the screen (for text turned on its side, the width).
RENDERED_TEXT = """svg => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll('text')].map(t => {
    const box = t.getBoundingClientRect();
    const turned = (t.getAttribute('transform') || '').includes('rotate');
    return {
      text: t.textContent,
      size: parseFloat(getComputedStyle(t).fontSize) * scale,
      box: turned ? box.width : box.height,
    };
  });
}"""


def test_her_growth_chart_text_renders_at_12_px_or_more_on_a_phone(
    phone, record, midwife_actor, patient, shots
):
    fill_record(record, midwife_actor, her=patient, appointments=1, sfh=3)
    phone.goto(f"/portal/pregnancies/{record.pk}/#growth")
    chart = phone.locator("svg.sfh-chart-phone")
    assert chart.is_visible()
    assert not phone.locator("svg#portal-sfh, svg[aria-labelledby^='portal-sfh-title']").is_visible()
    texts = chart.evaluate(RENDERED_TEXT)
    assert len(texts) >= 15  # ticks, axis titles, centile names, legend
    small = [t for t in texts if t["size"] < MIN_TEXT_PX]
    assert not small, small
    # the box on the screen agrees: a line of text is at least as tall as its font size
    assert all(t["box"] >= MIN_TEXT_PX for t in texts), texts
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(phone)
    phone.locator("#growth").screenshot(path=shots / "portal-growth-phone.png")


def test_the_wide_chart_is_still_shown_on_a_wide_screen(
    new_page, live_server, record, midwife_actor, patient
):
    fill_record(record, midwife_actor, appointments=0, sfh=2)
    wide = signed_in_page(new_page, live_server, patient, viewport={"width": 1000, "height": 900})
    wide.goto(f"/portal/pregnancies/{record.pk}/")
    assert wide.locator("svg[aria-labelledby='portal-sfh-title portal-sfh-desc']").is_visible()
    assert not wide.locator("svg.sfh-chart-phone").is_visible()
    assert_accessible(wide)


def test_her_results_are_explained_on_a_phone(phone, record, midwife_actor, patient, shots):
    fill_record(record, midwife_actor, her=patient, appointments=2, sfh=2)
    services.resource_create(
        record_id=record.pk,
        resource_type="antenatalAppointments",
        data={"appointment_date": timezone.localdate() - timedelta(days=1), **WALK_THROUGH},
        actor=midwife_actor,
    )
    phone.goto(f"/portal/pregnancies/{record.pk}/")
    last = phone.locator("article.visit", has=phone.locator("#last-1"))
    assert last.get_by_text("Your blood pressure was higher than usual").is_visible()
    assert last.get_by_text("There was some protein in your urine").is_visible()
    assert last.get_by_text("Your baby's heartbeat was outside the usual range").is_visible()
    assert last.get_by_text("call your midwife or the maternity unit now").is_visible()
    assert last.get_by_text("Referred to hospital").is_visible()
    assert last.get_by_text("Note written by Kari Jordmor, midwife at St Olavs hospital").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(phone)
    last.screenshot(path=shots / "portal-results.png")
