"""The delivery step with twins, at tablet size (portrait and landscape), in Chromium: "Delivered" on the
status page, labour and both babies on one form, saved together; then a postnatal visit of the mother (the
EPDS) and of a baby. Every page passes the axe-core check. Screenshots: docs/screenshots/delivery-twins.png
and postnatal-visit.png (written there with UPDATE_SCREENSHOTS=1, as test_screenshots.py does)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from maternity import services
from maternity.models import Birth, Labour, PostnatalBabyVisit, PostnatalMotherVisit, Pregnancy

from .conftest import assert_accessible, make_midwife, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

TABLET_PORTRAIT = {"width": 768, "height": 1024}
TABLET_LANDSCAPE = {"width": 1024, "height": 768}
LOCAL = "%Y-%m-%dT%H:%M"


@pytest.fixture
def expecting_twins(record, midwife_actor):
    services.resource_create(
        record_id=record.pk,
        resource_type="mother",
        data={"name": "Ingrid Solberg"},
        actor=midwife_actor,
    )
    services.resource_create(
        record_id=record.pk,
        resource_type="currentPregnancy",
        data={"number_of_fetuses": 2, "due_date": timezone.localdate() + timedelta(days=20)},
        actor=midwife_actor,
    )
    return record


@pytest.mark.parametrize("viewport", [TABLET_PORTRAIT, TABLET_LANDSCAPE], ids=["portrait", "landscape"])
def test_twins_are_delivered_in_one_step_and_their_postnatal_visits_recorded(
    new_page, expecting_twins, location_a, viewport, shots
):
    record = expecting_twins
    make_midwife("kari", location_a)
    page = new_page(viewport=viewport)
    sign_in(page, "kari")
    page.goto(f"/records/{record.pk}/status/")
    page.get_by_label("Delivered").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Record the delivery").wait_for()
    assert page.get_by_role("group", name="Baby 2").is_visible()

    page.locator("#id_onset").select_option("INDUCED")
    page.locator("#id_induction_reason").fill("Twins at 37 weeks")
    page.locator("#id_first_stage_minutes").fill("310")
    page.locator("#id_second_stage_minutes").fill("40")
    page.locator("#id_blood_loss_ml").fill("600")
    page.locator("#id_perineal_trauma").select_option("FIRST_DEGREE")
    page.get_by_label("Epidural").check()
    first = timezone.localtime() - timedelta(hours=4)
    for number, (sex, weight, when) in enumerate(
        [("FEMALE", "2710", first), ("MALE", "2480", first + timedelta(minutes=18))], start=1
    ):
        block = page.get_by_role("group", name=f"Baby {number}")
        page.locator(f"#id_baby{number}-birth_time").fill(when.strftime(LOCAL))
        page.locator(f"#id_baby{number}-sex").select_option(sex)
        page.locator(f"#id_baby{number}-birth_weight").fill(weight)
        block.get_by_role("radio", name="Live birth").check()
        page.locator(f"#id_baby{number}-mode_of_birth").select_option("SPONTANEOUS_VAGINAL")
        for minutes, score in (("1_minute", "8"), ("5_minutes", "9"), ("10_minutes", "10")):
            page.locator(f"#id_baby{number}-apgar_{minutes}").fill(score)
        page.locator(f"#id_baby{number}-feeding").select_option("BREAST")
    assert_accessible(page)
    if viewport is TABLET_LANDSCAPE:
        page.screenshot(path=shots / "delivery-twins.png", full_page=True)

    save = page.get_by_role("button", name="Record the delivery")
    save.focus()
    with page.expect_navigation(timeout=30_000):  # a shared machine: the save may be slow
        # the form submitted by its save button (a click was now and then lost after the full-page shot)
        save.evaluate("button => button.form.requestSubmit(button)")
    page.get_by_text("The record is now delivered, with 2 babies.").first.wait_for()
    assert_accessible(page)
    assert Pregnancy.objects.get(pk=record.pk).status == "DELIVERED"
    assert Birth.objects.filter(record=record).count() == 2
    assert len(Labour.objects.get(record=record).newborns) == 2

    page.goto(f"/records/{record.pk}/postnatal/mother/new/")
    page.locator("#id_blood_pressure").fill("128/84")
    page.locator("#id_bleeding").select_option("AS_EXPECTED")
    page.locator("#id_wound").select_option("HEALING")
    for number, answer in enumerate(
        [
            "Not quite so much now",
            "Rather less than I used to",
            "Yes, some of the time",
            "Yes, sometimes",
            "Yes, sometimes",
            "Yes, sometimes I haven't been coping as well as usual",
            "Not very often",
            "Yes, quite often",
            "Only occasionally",
            "Never",
        ],
        start=1,
    ):
        page.get_by_role("group", name=f"{number}.").get_by_label(answer, exact=True).check()
    assert_accessible(page)
    if viewport is TABLET_LANDSCAPE:
        page.screenshot(path=shots / "postnatal-visit.png", full_page=True)
    with page.expect_navigation(timeout=30_000):
        page.get_by_role("button", name="Save").click()
    page.get_by_text("EPDS score 14 of 30").first.wait_for()
    assert PostnatalMotherVisit.objects.get(record=record).epds_answers == [1, 1, 2, 2, 2, 2, 1, 2, 1, 0]

    page.goto(f"/records/{record.pk}/postnatal/baby/new/")
    page.locator("#id_birth_id").select_option(index=1)
    page.locator("#id_weight").fill("2200")
    page.locator("#id_feeding").select_option("MIXED")
    assert_accessible(page)
    with page.expect_navigation(timeout=30_000):
        page.get_by_role("button", name="Save").click()
    page.get_by_text("11.3% below the birth weight").first.wait_for()
    assert PostnatalBabyVisit.objects.get(record=record).weight == 2200
    page.locator("#section-postnatalMotherVisits").scroll_into_view_if_needed()
    assert_accessible(page)
