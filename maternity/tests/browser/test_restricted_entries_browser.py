"""Restricted entries in Chromium (issue 23), on a tablet: the restricting midwife restricts an appointment
through the form and its confirmation; a midwife of another location sees the placeholder with the
open-with-reason form (screenshot docs/screenshots/restricted-entry.png with UPDATE_SCREENSHOTS=1), opens it
with a reason, and reads it. Every page checked with axe-core, in English and Bokmål."""

from datetime import timedelta

import pytest
from django.utils import timezone

from maternity import services
from maternity.models import AccessReview, Restriction, ReviewKind, StakeholderReason

from .conftest import assert_accessible, make_midwife, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

TABLET = {"width": 1024, "height": 768}
SECRET = "Seen by the perinatal mental health team; safety plan agreed"


@pytest.fixture
def visits(record, midwife_actor, location_b):
    services.resource_create(
        record_id=record.pk, resource_type="mother", data={"name": "Nora Hansen"}, actor=midwife_actor
    )
    today = timezone.localdate()
    for days, note in [(21, "Routine visit, all well"), (7, SECRET)]:
        services.resource_create(
            record_id=record.pk,
            resource_type="antenatalAppointments",
            data={"appointment_date": today - timedelta(days=days), "blood_pressure": "118/76", "note": note},
            actor=midwife_actor,
        )
    services.stakeholder_grant(record=record, care_location=location_b, reason=StakeholderReason.ACTIVE_CARE)
    return record


def test_a_restricted_appointment_restricted_then_opened_with_a_reason(
    new_page, location_a, location_b, visits, shots
):
    make_midwife("kari", location_a)
    make_midwife("ingrid", location_b, name="Ingrid Haugen", hpr_nr="9213457")
    kari = new_page(viewport=TABLET)
    sign_in(kari, "kari")
    kari.goto(f"/records/{visits.pk}/")
    section = kari.locator("#section-antenatalAppointments")
    section.get_by_role("link", name="Restrict").last.click()
    kari.get_by_role("heading", name="Restrict").wait_for()
    assert_accessible(kari)
    kari.get_by_label("Safeguarding").check()
    kari.get_by_role("button", name="Restrict the entry").click()
    kari.get_by_text("Confirm that you understand").wait_for()  # the confirmation is required
    kari.get_by_label("Safeguarding").check()
    kari.get_by_label("I understand").check()
    kari.get_by_role("button", name="Restrict the entry").click()
    kari.get_by_text("The entry is restricted.").wait_for()
    assert kari.get_by_text("restricted by your Care Location").is_visible()
    assert kari.get_by_role("button", name="Lift the restriction").is_visible()
    assert_accessible(kari)
    assert Restriction.objects.get().category == "SAFEGUARDING"

    ingrid = new_page(viewport=TABLET)
    sign_in(ingrid, "ingrid")
    ingrid.goto(f"/records/{visits.pk}/")
    placeholder = ingrid.locator(".restricted-placeholder")
    assert placeholder.get_by_text("A restricted entry.").is_visible()
    assert ingrid.get_by_text(SECRET).count() == 0
    placeholder.locator("summary").click()
    placeholder.get_by_label("Why do you need to see it?").wait_for()
    assert_accessible(ingrid)
    ingrid.locator("#section-antenatalAppointments").screenshot(path=shots / "restricted-entry.png")

    placeholder.get_by_label("Emergency care or acute admission").check()
    placeholder.get_by_label("Why do you need to see it?").fill("Admitted acutely to our ward tonight")
    placeholder.get_by_role("button", name="Open the entry").click()
    ingrid.get_by_text("You opened a restricted entry.").wait_for()
    assert ingrid.get_by_text(SECRET).is_visible()
    assert_accessible(ingrid)
    assert AccessReview.objects.get(kind=ReviewKind.RESTRICTED_OPENED).care_location == location_a


def test_the_placeholder_in_bokmal(new_page, location_a, location_b, visits, midwife_actor):
    item = visits.antenatalappointments.order_by("appointment_date").last()
    services.restriction_add(
        record_id=visits.pk,
        resource_type="antenatalAppointments",
        resource_id=item.pk,
        category="MENTAL_HEALTH",
        actor=midwife_actor,
    )
    make_midwife("ingrid", location_b, name="Ingrid Haugen", hpr_nr="9213457")
    ingrid = new_page(viewport=TABLET, locale="nb-NO")
    sign_in_nb(ingrid, "ingrid")
    ingrid.goto(f"/records/{visits.pk}/")
    placeholder = ingrid.locator(".restricted-placeholder")
    placeholder.locator("summary").click()
    assert ingrid.evaluate("document.documentElement.lang") == "nb"
    assert "Open it with a reason" not in placeholder.inner_text()
    assert_accessible(ingrid)


def sign_in_nb(page, username):
    from .conftest import PASSWORD

    page.goto("/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit].primary").click()
    page.wait_for_load_state()
