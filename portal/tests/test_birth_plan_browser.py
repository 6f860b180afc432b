"""Her birth plan on a phone-sized screen, in Chromium: she writes and saves it, her midwife marks it read
in the professional UI (a second browser), and she sees who read it and when. Every page is checked with
axe-core. With UPDATE_SCREENSHOTS=1 the phone screenshot is written to docs/screenshots/."""

import pytest

from maternity import services
from maternity.actors import Actor
from maternity.models import BirthPlan, UserType
from maternity.tests.browser.conftest import make_midwife, sign_in

from .conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

WHERE = "Where would you like to give birth?"


@pytest.fixture
def her(patient) -> Actor:
    return Actor(
        user_type=UserType.PATIENT, user=patient, name="Astrid Berg", source_system="maternity portal"
    )


def plan_url(record) -> str:
    return f"/portal/pregnancies/{record.pk}/birth-plan/"


def test_she_writes_her_plan_and_sees_when_her_midwife_has_read_it(
    phone, new_page, record, location_a, shots
):
    phone.goto(plan_url(record))
    phone.get_by_role("heading", name="Your birth plan").wait_for()
    assert phone.get_by_text("Your midwife can read your plan once you have saved it.").is_visible()
    assert_accessible(phone)

    phone.get_by_label(WHERE).fill("St Olavs hospital. A midwife-led room if there is one.")
    phone.get_by_label("Who would you like with you?").fill("My partner Jonas, the whole time.")
    phone.get_by_label("Pain relief").fill("Warm water and gas and air first. An epidural only if I ask.")
    phone.get_by_label("Skin to skin").fill("Straight away, before the baby is weighed. Jonas if I cannot.")
    phone.get_by_label("Language and interpreter").fill("Norwegian or English is fine.")
    phone.get_by_role("button", name="Save my birth plan").click()
    phone.get_by_text("Your birth plan is saved.").wait_for()
    assert phone.get_by_text("Not read yet.").is_visible()
    assert phone.get_by_label(WHERE).input_value().startswith("St Olavs hospital")
    assert_accessible(phone)
    assert BirthPlan.objects.get(record=record).updated_by_user_type == UserType.PATIENT

    make_midwife("kari", location_a)
    midwife = new_page()
    sign_in(midwife, "kari")
    midwife.goto(f"/records/{record.pk}/")
    section = midwife.locator("#section-birthPlan")
    assert section.get_by_text("An epidural only if I ask.").is_visible()
    assert section.get_by_text("Not yet marked as read.").is_visible()
    assert_accessible(midwife)
    section.get_by_role("button", name="Mark as read").click()
    midwife.get_by_text("Birth plan marked as read.").wait_for()
    assert section.get_by_text("by Kari Jordmor, St Olavs hospital, fødeavdelingen on").is_visible()
    assert section.get_by_role("button", name="Mark as read").count() == 0
    assert_accessible(midwife)

    phone.reload()
    phone.get_by_text("Read by Kari Jordmor, St Olavs hospital, fødeavdelingen, on").wait_for()
    assert_accessible(phone)
    phone.screenshot(path=shots / "portal-birth-plan-read.png")  # what her phone shows: the read mark first


def test_a_save_from_her_other_phone_meanwhile_is_a_choice_on_the_phone(phone, record, her):
    services.birth_plan_save(record_id=record.pk, version=None, data={"feeding": "Breastfeeding"}, actor=her)
    phone.goto(plan_url(record))
    phone.get_by_label("Feeding your baby").wait_for()
    services.birth_plan_save(
        record_id=record.pk, version=1, data={"feeding": "Breastfeeding", "photos": "No photos"}, actor=her
    )

    phone.get_by_label("Feeding your baby").fill("Breastfeeding, with help the first night")
    phone.get_by_role("button", name="Save my birth plan").click()
    phone.get_by_role(
        "heading", name="Your birth plan was saved somewhere else while you were writing"
    ).wait_for()
    feeding = phone.get_by_role("group", name="Feeding your baby")
    assert feeding.get_by_text("Breastfeeding, with help the first night").is_visible()
    assert feeding.get_by_label("Keep what you wrote here").is_checked()
    assert (
        phone.get_by_role("group", name="Photos and video")
        .get_by_label("Keep the saved version")
        .is_checked()
    )
    assert_accessible(phone)
    phone.get_by_role("button", name="Save my choices").click()

    phone.get_by_text("Your birth plan is saved.").wait_for()
    plan = BirthPlan.objects.get(record=record)
    assert (plan.version, plan.feeding, plan.photos) == (
        3,
        "Breastfeeding, with help the first night",
        "No photos",
    )


def test_too_long_an_answer_is_explained_on_the_phone(phone, record):
    phone.goto(plan_url(record))
    phone.get_by_label("Photos and video").fill("Photos please. " * 40)
    phone.get_by_role("button", name="Save my birth plan").click()
    phone.get_by_role("heading", name="Your plan is not saved yet").wait_for()
    assert phone.get_by_text(
        "This is too long: it has 599 characters and can have at most 500."
    ).first.is_visible()
    assert phone.get_by_label("Photos and video").input_value().startswith("Photos please.")
    assert_accessible(phone)
    assert not BirthPlan.objects.filter(record=record).exists()


def test_she_fills_her_plan_in_steps_and_reads_it_whole(phone, record, shots):
    phone.goto(f"/portal/pregnancies/{record.pk}/birth-plan/step/1/")
    phone.get_by_text("Step 1 of 5").wait_for()
    assert phone.locator('[aria-current="step"]').inner_text() == "Where and with whom"
    assert_accessible(phone)
    phone.get_by_label(WHERE).fill("St Olavs hospital")
    phone.get_by_role("button", name="Save and continue").click()

    phone.get_by_text("Step 2 of 5").wait_for()
    assert phone.locator('[aria-current="step"]').inner_text() == "During labour"
    phone.get_by_label("Pain relief").fill("Warm water first, an epidural only if I ask.")
    assert_accessible(phone)
    phone.screenshot(path=shots / "portal-birth-plan.png", full_page=True)  # a step, with the progress
    phone.get_by_role("button", name="Save and continue").click()

    phone.get_by_text("Step 3 of 5").wait_for()
    phone.get_by_role("link", name="See your whole plan, or print it").click()
    phone.get_by_role("heading", name="During labour").wait_for()
    assert phone.get_by_text("Warm water first, an epidural only if I ask.").is_visible()
    assert_accessible(phone)
    phone.emulate_media(media="print")
    assert phone.get_by_role("link", name="Change “During labour”").is_hidden()
    plan = BirthPlan.objects.get(record=record)
    assert (plan.version, plan.place_of_birth) == (2, "St Olavs hospital")
