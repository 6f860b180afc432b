"""The record page, section forms, version conflicts, history and the SFH chart in Chromium: two midwives
in two browser contexts, every page checked with axe-core."""

from datetime import timedelta

import pytest
from django.utils import timezone

from maternity import services
from maternity.models import AntenatalAppointment, CurrentPregnancy, StakeholderReason, SymphysisFundalHeight

from .conftest import assert_accessible, make_midwife, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def dated(record, midwife_actor):
    """The record with a name and an agreed EDD that makes today 34+0."""
    services.resource_create(
        record_id=record.pk, resource_type="mother", data={"name": "Nora Hansen"}, actor=midwife_actor
    )
    services.resource_create(
        record_id=record.pk,
        resource_type="currentPregnancy",
        data={
            "due_date_corrected_date": timezone.localdate() + timedelta(days=280 - 34 * 7),
            "number_of_fetuses": 1,
        },
        actor=midwife_actor,
    )
    return record


def test_a_conflict_from_a_second_browser_is_resolved_field_by_field(new_page, location_a, dated):
    make_midwife("kari", location_a)
    make_midwife("ingrid", location_a, name="Ingrid Haugen", hpr_nr="9213457")
    kari, ingrid = new_page(), new_page()
    sign_in(kari, "kari")
    sign_in(ingrid, "ingrid")

    kari.goto(f"/records/{dated.pk}/")
    assert kari.get_by_role("heading", name="Nora Hansen").is_visible()
    assert_accessible(kari)
    kari.locator("#section-currentPregnancy").get_by_role("link", name="Edit current pregnancy").click()
    kari.get_by_role("heading", name="Edit current pregnancy").wait_for()
    assert_accessible(kari)

    ingrid.goto(f"/records/{dated.pk}/sections/currentPregnancy/")
    ingrid.get_by_label("Number of fetuses").fill("2")
    ingrid.get_by_role("button", name="Save", exact=True).click()
    ingrid.get_by_text("Current pregnancy saved (version 2).").wait_for()

    kari.get_by_role("group", name="Breastfeeding guidance given").get_by_label("Yes").check()
    kari.get_by_role("button", name="Save", exact=True).click()
    kari.get_by_role("heading", name="Someone else saved current pregnancy while you were editing").wait_for()
    assert kari.get_by_text("Ingrid Haugen").first.is_visible()
    table = kari.locator("table.conflict-table")
    assert table.get_by_role("row", name="Number of fetuses").get_by_text("They changed").is_visible()
    assert (
        table.get_by_role("row", name="Breastfeeding guidance given").get_by_text("You changed").is_visible()
    )
    assert_accessible(kari)
    kari.get_by_role("button", name="Save with these choices").click()

    kari.get_by_text("Current pregnancy saved (version 3).").wait_for()
    saved = CurrentPregnancy.objects.get(record=dated)
    assert (saved.version, saved.number_of_fetuses, saved.breastfeeding_guidance) == (3, 2, True)


def test_an_appointment_and_an_sfh_measurement_end_up_on_the_chart(page, location_a, dated):
    make_midwife("kari", location_a)
    sign_in(page, "kari")
    page.goto(f"/records/{dated.pk}/")
    page.locator("#section-antenatalAppointments").get_by_role("link", name="Add appointment").click()
    page.get_by_role("heading", name="Add an appointment").wait_for()
    assert_accessible(page)
    page.get_by_label("Blood pressure (mmHg)").fill("150/95")
    page.get_by_label("Fetus 1: heart rate (beats per minute)").fill("142")
    page.get_by_label("Fetus 1: presentation and lie").select_option(label="Cephalic")
    page.get_by_role("button", name="Save and add an SFH measurement").click()

    page.get_by_role("heading", name="Add an SFH measurement").wait_for()
    assert page.get_by_label("Date measured").input_value() == timezone.localdate().isoformat()
    page.get_by_label("Symphysis-fundal height (cm)").fill("99")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_role("alert").get_by_text("Nothing was saved").wait_for()
    assert_accessible(page)
    page.get_by_label("Symphysis-fundal height (cm)").fill("33")
    page.get_by_role("button", name="Save", exact=True).click()

    page.get_by_text("SFH measurement saved (version 1).").wait_for()
    section = page.locator("#section-symphysisFundalHeights")
    assert section.locator("svg.sfh-chart circle.point").count() == 1
    assert section.get_by_role("cell", name="34+0").is_visible()
    appointments = page.locator("#section-antenatalAppointments")
    assert appointments.get_by_text("High").is_visible()
    assert_accessible(page)
    visit = AntenatalAppointment.objects.get(record=dated)
    assert (visit.pregnancy_week, visit.days_after_full_pregnancy_week) == (34, 0)

    section.get_by_role("link", name="Chart page").click()
    page.wait_for_url("**/sfh/")
    assert page.locator("svg.sfh-chart").is_visible()
    assert_accessible(page)

    page.goto(f"/records/{dated.pk}/")
    page.locator("#section-antenatalAppointments").get_by_role("link", name="Edit Appointment on").click()
    page.get_by_role("heading", name="Edit appointment").wait_for()
    assert page.get_by_label("Fetus 1: heart rate (beats per minute)").input_value() == "142"
    assert_accessible(page)
    page.goto(f"/records/{dated.pk}/sfh/")
    page.get_by_role("link", name="Entered in error (SFH of").click()
    page.get_by_role("heading", name="Mark this SFH measurement entered in error?").wait_for()
    assert_accessible(page)
    page.get_by_label("Why is it entered in error?").fill("Measured on the wrong woman")
    page.get_by_role("button", name="Mark entered in error").click()
    page.get_by_text("is marked entered in error").wait_for()
    marked = SymphysisFundalHeight.objects.get(record=dated)
    assert (marked.entered_in_error, marked.entered_in_error_reason) == (True, "Measured on the wrong woman")


def test_the_history_shows_what_changed_between_versions(page, location_a, dated):
    make_midwife("kari", location_a)
    sign_in(page, "kari")
    for fetuses in ("2", "1"):
        page.goto(f"/records/{dated.pk}/sections/currentPregnancy/")
        page.get_by_label("Number of fetuses").fill(fetuses)
        page.get_by_role("button", name="Save", exact=True).click()
        page.get_by_text("Current pregnancy saved").wait_for()
    page.goto(f"/records/{dated.pk}/")
    page.get_by_role("link", name="History of current pregnancy").click()
    page.get_by_role("heading", name="Version 2 → version 3").wait_for()
    assert page.locator("table.diff tr.changed").count() == 1
    assert page.locator("table.diff tr.changed").get_by_text("Changed").is_visible()
    assert_accessible(page)
    page.get_by_label("Compare").select_option("0")
    page.get_by_label("with").select_option("3")
    page.get_by_role("button", name="Compare").click()
    page.get_by_role("heading", name="Before it was recorded → version 3").wait_for()
    assert_accessible(page)
    page.goto(f"/records/{dated.pk}/sections/careLocations/history/")
    page.get_by_role("heading", name="History: Care episodes").wait_for()
    assert_accessible(page)


def test_key_demographics_elsewhere_are_refused_with_the_reason(page, location_b, dated):
    services.stakeholder_grant(record=dated, care_location=location_b, reason=StakeholderReason.API_ACCESS)
    make_midwife("ingrid", location_b, name="Ingrid Haugen")
    sign_in(page, "ingrid")
    page.goto(f"/records/{dated.pk}/")
    assert page.locator("#section-mother").get_by_role("link", name="Pull active care").is_visible()
    page.goto(f"/records/{dated.pk}/sections/mother/")
    page.get_by_role("heading", name="Only the active Care Location can change key demographics").wait_for()
    assert_accessible(page)


def test_a_non_stakeholder_gets_not_found(page, location_c, dated):
    make_midwife("solveig", location_c, name="Solveig Bakke")
    sign_in(page, "solveig")
    page.goto(f"/records/{dated.pk}/")
    page.get_by_role("heading", name="Not found").wait_for()
    assert "Nora Hansen" not in page.content()
    assert_accessible(page)


def test_the_appointments_table_fits_a_tablet_in_landscape_actions_included(
    new_page, location_a, dated, midwife_actor
):
    make_midwife("kari", location_a)
    for week in range(8):
        services.resource_create(
            record_id=dated.pk,
            resource_type="antenatalAppointments",
            data={
                "appointment_date": timezone.localdate() - timedelta(days=7 * week),
                "blood_pressure": "118/76",
                "mother_weight": 71.5,
                "protein_in_urine_test_result": "Neg",
                "note": "Well. Baby moving.",
            },
            actor=midwife_actor,
        )
    page = new_page(viewport={"width": 1024, "height": 768})
    sign_in(page, "kari")
    page.goto(f"/records/{dated.pk}/")
    table = page.locator("#section-antenatalAppointments .table-wrap").first
    table.wait_for()
    overflow = table.evaluate("wrap => wrap.scrollWidth - wrap.clientWidth")
    assert overflow <= 0, f"the table is {overflow} px wider than its box"
    last_history = page.get_by_role("link", name="History of Appointment on").last
    box = last_history.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 1024
    assert_accessible(page)
