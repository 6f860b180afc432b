"""The portal on her phone (390 x 844) in Chromium: her pregnancies, one pregnancy and who has opened her
record, each checked with axe-core and for sideways scrolling; and phone-size screenshots of the pregnancy
page and the access log from the demo data (written to docs/screenshots/ with UPDATE_SCREENSHOTS=1)."""

from dataclasses import replace
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from conftest import new_nin
from maternity import services
from maternity.actors import Actor
from maternity.models import (
    AccessAction,
    AccessLog,
    AccessOutcome,
    CareLocation,
    Practitioner,
    Pregnancy,
    StakeholderReason,
    UserType,
)
from maternity.rules.identifiers import parse_national_id
from portal.access_questions import access_question_answer, access_question_ask
from spine.services import spine_client_create

from .conftest import PHONE, assert_accessible, link_patient, signed_in_page
from .test_pregnancy_page import fill_record

pytestmark = pytest.mark.django_db(transaction=True)


def fits_the_phone(page) -> None:
    """Nothing makes the page scroll sideways on a 390-pixel-wide screen."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def open_every_section(page) -> None:
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")


def test_her_pregnancies_lead_to_her_pregnancy(phone, record, midwife_actor, patient):
    fill_record(record, midwife_actor, her=patient)
    phone.goto("/portal/")
    phone.get_by_role("heading", name="Your pregnancy now").wait_for()
    assert phone.get_by_text("28 weeks and 4 days pregnant").is_visible()
    assert_accessible(phone)
    fits_the_phone(phone)

    phone.get_by_role("link", name="See your pregnancy").click()
    phone.get_by_role("heading", name="Your pregnancy", exact=True).wait_for()
    assert phone.url.endswith(f"/portal/pregnancies/{record.pk}/")


def test_her_pregnancy_reads_plainly_on_a_phone(phone, record, midwife_actor, patient):
    fill_record(record, midwife_actor, her=patient)
    phone.goto(f"/portal/pregnancies/{record.pk}/")
    assert phone.get_by_text("You are 28 weeks and 4 days pregnant").is_visible()
    assert phone.locator("svg.sfh-chart-phone").is_visible()  # the phone's chart, in place of the wide one
    assert_accessible(phone)
    fits_the_phone(phone)

    tests = phone.locator("#section-clinicalTests")
    assert not tests.get_by_text("Blood group").is_visible()  # closed until she opens it
    tests.locator("summary").click()
    assert tests.get_by_text("Rhesus (RhD) type").is_visible()
    assert tests.get_by_text("by Kari Jordmor, midwife at St Olavs hospital").is_visible()

    open_every_section(phone)
    assert_accessible(phone)
    fits_the_phone(phone)
    assert phone.get_by_role("link", name="Edit").count() == 0

    phone.get_by_role("link", name="Who has opened your record").first.click()
    phone.get_by_role("heading", name="Who has opened your record").wait_for()


def test_who_has_opened_her_record_on_a_phone(phone, record, location_b, client_a):
    glass = Actor(
        user_type=UserType.HEALTH_CARE_PROFESSIONAL,
        care_location=location_b,
        name="Ingrid Haugen",
        hpr_role="JO",
    )
    epj = replace(client_a.client.actor(), name="Kari Jordmor", hpr_nr="9144889", source_system="DIPS Arena")
    for actor, action, reason in (
        (epj, AccessAction.READ, ""),
        (glass, AccessAction.BREAK_GLASS, "Came to the emergency department in labour"),
    ):
        services.access_log_write(
            action=action,
            outcome=AccessOutcome.ALLOWED,
            actor=actor,
            record_id=record.pk,
            reason=reason,
            reason_code="EMERGENCY" if reason else "",
        )
    services.stakeholder_grant(record=record, care_location=location_b, reason=StakeholderReason.BREAK_GLASS)

    phone.goto(f"/portal/pregnancies/{record.pk}/access-log/")
    glass_entry = phone.locator("li.break-glass")
    assert glass_entry.get_by_text("Break glass", exact=True).is_visible()
    assert glass_entry.get_by_text("Emergency care or an acute admission").is_visible()  # the coded reason
    assert phone.get_by_text("through their own patient record system (DIPS Arena)").is_visible()
    assert_accessible(phone)
    open_every_section(phone)
    assert_accessible(phone)
    fits_the_phone(phone)


def test_another_persons_record_is_not_found_on_a_phone(phone, midwife_actor):
    other = services.record_create(national_id=parse_national_id(new_nin()), actor=midwife_actor)
    response = phone.goto(f"/portal/pregnancies/{other.pk}/")
    assert response.status == 404
    assert phone.get_by_role("heading", name="Not found").is_visible()
    assert_accessible(phone)


def test_screenshots_of_her_pregnancy_and_the_access_log(new_page, live_server, shots, capsys):
    call_command("seed_demo")
    capsys.readouterr()  # the demo's own printout
    today = timezone.localdate()
    record = (  # one in her third trimester, around 32 weeks, with a few SFH measurements
        Pregnancy.objects.filter(
            status="ACTIVE",
            symphysisfundalheights__isnull=False,
            agreed_edd__range=(today + timedelta(weeks=6), today + timedelta(weeks=10)),
        )
        .select_related("person", "mother", "active_care_location")
        .distinct()
        .order_by("agreed_edd")
        .first()
    )
    assert record is not None
    user = link_patient(record.person, username="demo-patient", name=record.mother.name)
    demo_accesses(record)
    demo_question(record, user)

    page = signed_in_page(new_page, live_server, user)
    page.goto(f"/portal/pregnancies/{record.pk}/")
    assert page.locator("svg.sfh-chart-phone").is_visible()
    assert_accessible(page)
    page.screenshot(path=shots / "portal-overview.png")

    page.goto(f"/portal/pregnancies/{record.pk}/access-log/")
    page.locator("li.access").first.wait_for()
    page.locator("li.access:not(.break-glass) details.entries summary").first.click()  # one line opened
    assert_accessible(page)
    page.screenshot(path=shots / "portal-access-log.png", full_page=True)


def demo_accesses(record) -> None:
    """What a few days of care leave in the audit trail: her midwife in the app, the hospital's own system
    with the midwife behind it, and a midwife elsewhere who broke glass."""
    location = record.active_care_location
    practitioner = Practitioner.objects.filter(user__groups=location.group).select_related("user").first()
    midwife = Actor(
        user_type=UserType.HEALTH_CARE_PROFESSIONAL,
        user=practitioner.user,
        care_location=location,
        name=practitioner.display_name,
        hpr_role=practitioner.role_code,
        source_system="maternity web",
    )
    client = spine_client_create(care_location=location, name="Hospital EPJ")
    epj = replace(
        client.client.actor(),
        name=practitioner.display_name,
        hpr_nr="9144889",
        source_system="DIPS Arena 9.1",
    )
    elsewhere = CareLocation.objects.exclude(pk=location.pk).order_by("name").first()
    colleague = Practitioner.objects.filter(user__groups=elsewhere.group).select_related("user").first()
    stranger = Actor(
        user_type=UserType.HEALTH_CARE_PROFESSIONAL,
        user=colleague.user,
        care_location=elsewhere,
        name=colleague.display_name,
        hpr_role=colleague.role_code,
        source_system="maternity web",
    )
    why = "Seen at the out-of-hours clinic with bleeding; needs her blood group"
    services.stakeholder_grant_user(
        record=record, user=colleague.user, reason=StakeholderReason.BREAK_GLASS, detail=why
    )
    for actor, action, resource_type, reason in (
        (epj, AccessAction.READ, "", ""),
        (epj, AccessAction.WRITE, "antenatalAppointments", ""),
        (stranger, AccessAction.BREAK_GLASS, "", why),
        (midwife, AccessAction.READ, "", ""),
        (midwife, AccessAction.READ, "", ""),
        (midwife, AccessAction.WRITE, "antenatalAppointments", ""),
    ):
        services.access_log_write(
            action=action,
            outcome=AccessOutcome.ALLOWED,
            actor=actor,
            record_id=record.pk,
            person_id=record.person_id,
            resource_type=resource_type,
            reason=reason,
            reason_code="EMERGENCY" if reason else "",
        )


def demo_question(record, user) -> None:
    """She asked about the break glass, and the admin of that Care Location answered."""
    glass = AccessLog.objects.get(record_id=record.pk, action=AccessAction.BREAK_GLASS)
    her = Actor(user_type=UserType.PATIENT, user=user, name=user.get_full_name())
    question = access_question_ask(
        actor=her, record_id=record.pk, entry_id=glass.pk, question="I was not at that clinic. Why was this?"
    )
    admin = get_user_model().objects.create_user(
        "demo-admin", first_name="Siri", last_name="Dahl", is_staff=True
    )
    glass.care_location.admins.add(admin)
    access_question_answer(
        question_id=question.pk,
        answer="Our midwife looked up your blood group for a patient with the same name by mistake. "
        "We have followed it up with her and are sorry.",
        user=admin,
    )
