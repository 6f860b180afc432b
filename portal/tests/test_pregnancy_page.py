"""One pregnancy (/portal/pregnancies/<id>/): gestation and due date, the Care Location, appointments and
the SFH chart in plain words, every section with who last updated it and when; read-only; "not found" for
any record that is not hers; one READ audit entry; the same queries for an empty and a full record."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from conftest import new_nin
from maternity import services
from maternity.actors import Actor
from maternity.models import AccessAction, AccessLog, AccessOutcome, RecordStatus, StakeholderReason, UserType
from maternity.rules.identifiers import parse_national_id
from maternity.rules.pregnancy_keys import PregnancyKeys

from .conftest import link_patient

pytestmark = pytest.mark.django_db

EDD_IN_DAYS = 80  # 28+4 today


def her_actor(user) -> Actor:
    return Actor(user_type=UserType.PATIENT, user=user, name=user.get_full_name(), source_system="portal")


def fill_record(record, actor, *, her=None, appointments: int = 6, sfh: int = 5):
    """Every singleton, `appointments` past appointments and two booked ones, `sfh` SFH measurements from
    24 weeks on, and her birth plan when `her` (her user) is given."""
    today = timezone.localdate()
    edd = today + timedelta(days=EDD_IN_DAYS)
    lmp = edd - timedelta(days=280)
    add = lambda resource_type, data, who=actor: services.resource_create(  # noqa: E731
        record_id=record.pk, resource_type=resource_type, data=data, actor=who
    )
    add("currentPregnancy", {"due_date": edd, "date_last_period": lmp, "number_of_fetuses": 1})
    add("mother", {"name": "Astrid Berg", "language": "NO", "needs_language_interpreter": False})
    add(
        "clinicalTests",
        {
            "hemoglobin": 12.4,
            "abo_type": "A",
            "rhesus_d_type": "NEGATIVE",
            "hiv": False,
            "rubella_antigen": True,
        },
    )
    add("medicalConditions", {"nothing_particular": True})
    add("medication", {"folate_taken_during": True})
    add(
        "lifestyleFactors",
        {"stimuli": [{"stimuliType": "1", "stimuliFrequencyFirstConsultation": {"stimuliFrequency": "5"}}]},
    )
    add("rhesusDNegative", {"consent_fetal_rhesus_typing": True})
    add("vitalMeasurementsBeforePregnancy", {"height": 168, "pre_pregnancy_weight": 64, "bmi": 22.7})
    add("previousPregnancies", {"number_of_previous_pregnancies": 1, "number_of_previous_live_births": 1})
    add("geneticDisorders", {"none_known": True})
    add("pointsOfContact", {"midwife_name": "Kari Jordmor", "birth_institute": "St Olavs hospital"})
    if her is not None:
        add("birthPlan", {"place_of_birth": "At the hospital", "pain_relief": "Water first"}, her_actor(her))
    for i in range(appointments):
        add(
            "antenatalAppointments",
            {
                "appointment_date": today - timedelta(days=7 * (i + 1)),
                "mother_weight": 70.5,
                "blood_pressure": "152/98" if i == 0 else "118/76",
                "protein_in_urine_test_result": "2+" if i == 0 else "Neg",
                "edema": 0,
                "fetuses_vital_signs": [
                    {"fosterId": 1, "fetalHeartRate": 140, "motherFeelsBabyMovements": True}
                ],
            },
        )
    for days in (14, 42):
        add("antenatalAppointments", {"appointment_date": today + timedelta(days=days)})
    for i in range(sfh):
        on = lmp + timedelta(weeks=24 + 2 * i)
        add("symphysisFundalHeights", {"measurement_date": on, "measurement": 24 + 2 * i})
    record.refresh_from_db()
    return record


def care_elsewhere(record, location):
    doctor = Actor(
        user_type=UserType.HEALTH_CARE_PROFESSIONAL,
        care_location=location,
        name="Ola Lege",
        hpr_nr="1234567",
        hpr_role="LE",
        source_system="tests",
    )
    services.stakeholder_grant(record=record, care_location=location, reason=StakeholderReason.API_ACCESS)
    services.care_pull(record_id=record.pk, actor=doctor, start_time=timezone.now() - timedelta(days=3))
    return doctor


def page(client, record):
    return client.get(f"/portal/pregnancies/{record.pk}/")


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_she_sees_how_far_along_she_is_her_due_date_and_who_looks_after_her(
    portal, patient, record, midwife_actor
):
    fill_record(record, midwife_actor, her=patient)
    response = page(portal, record)
    assert response.status_code == 200
    text = text_of(response)
    edd = timezone.localdate() + timedelta(days=EDD_IN_DAYS)
    assert "You are 28 weeks and 4 days pregnant" in text and "(28+4)" in text
    assert "11 weeks and 3 days to go until your due date." in text
    assert f"{edd:%A} {edd.day} {edd:%B %Y}" in text
    assert "St Olavs hospital, fødeavdelingen" in text and "(hospital maternity ward)" in text


def test_appointments_coming_up_and_earlier_ones_say_what_was_measured_in_plain_words(
    portal, patient, record, midwife_actor
):
    fill_record(record, midwife_actor, appointments=3)
    text = text_of(page(portal, record))
    today = timezone.localdate()
    coming, earlier = text.split("Your last appointment")
    coming = coming.split("Coming up")[1]
    soon, later = today + timedelta(days=14), today + timedelta(days=42)
    assert coming.index(f"{soon:%A} {soon.day}") < coming.index(f"{later:%A} {later.day}")
    assert "Booked by Kari Jordmor, midwife at St Olavs hospital, fødeavdelingen." in coming
    last_week = today - timedelta(days=7)
    assert earlier.index(f"{last_week:%A} {last_week.day}") < earlier.index("118/76 mmHg")
    for words in (
        "Blood pressure</dt><dd>152/98 mmHg",
        "Your weight</dt><dd>70.5 kg",
        "Protein in your urine</dt><dd>Some (2+)",
        "Protein in your urine</dt><dd>None",
        "Swelling (oedema)</dt><dd>None",
        "Baby</dt><dd>Heartbeat 140 beats a minute, you felt the baby move",
        "27 weeks and 4 days pregnant (27+4)",
        "Recorded by Kari Jordmor, midwife at St Olavs hospital, fødeavdelingen.",
    ):
        assert words in earlier, words


def test_no_appointments_and_no_measurements_say_so(portal, record):
    text = text_of(page(portal, record))
    assert "No appointment is booked in your record." in text
    assert "Your due date has not been recorded yet" in text
    assert '<svg class="sfh-chart"' not in text


def test_sfh_measurements_are_on_the_centile_chart_with_a_plain_explanation(portal, record, midwife_actor):
    fill_record(record, midwife_actor, sfh=4)
    text = text_of(page(portal, record))
    assert '<svg class="sfh-chart"' in text and 'id="portal-sfh-title"' in text
    assert text.count('class="point') == 2 * 4  # on the wide chart and on the phone's
    assert 'class="sfh-chart sfh-chart-phone"' in text and 'id="portal-sfh-phone-title"' in text
    assert "The solid middle line is the 50th centile" in text
    assert "94 out of 100 between the 3rd and 97th" in text
    # 24 cm at 24+0 weeks is about the median
    assert "<strong>24 cm</strong> at 24 weeks (24+0), " in text
    assert 'Between the 10th and 90th lines <span class="muted">(' in text
    assert "Measured by Kari Jordmor, midwife at St Olavs hospital, fødeavdelingen" in text


def test_each_section_says_what_it_is_what_was_recorded_by_whom_and_when(
    portal, patient, record, midwife_actor
):
    fill_record(record, midwife_actor, her=patient)
    text = text_of(page(portal, record))
    for words in (
        "Blood and other tests",
        "Results of the blood tests",
        "Blood group</dt><dd>A",
        "Rhesus (RhD) type</dt><dd>RhD negative",
        "Haemoglobin (iron in your blood), g/dL</dt><dd>12.4",
        "Smoking: at your first appointment: stopped",
        "First day of your last period",
        "Number of babies</dt><dd>1",
        "Language</dt><dd>Norwegian",  # the code's English display on an English page
        "Read by your midwife</dt><dd>Not yet",
        "Last updated ",
        " by Kari Jordmor, midwife at St Olavs hospital, fødeavdelingen.",
        " by you.",  # her birth plan
        "Where you have been cared for",
        "St Olavs hospital, fødeavdelingen</h3>",
    ):
        assert words in text, words
    # The births section of an active pregnancy: nothing yet
    births = text.split('id="section-births"')[1].split("</details>")[0]
    assert "Nothing recorded yet." in births


def test_an_empty_record_says_nothing_recorded_yet_in_every_section(portal, record):
    text = text_of(page(portal, record))
    sections = re.findall(r'<details class="card record-section" id="section-(\w+)">(.*?)</details>', text)
    assert len(sections) == 18  # with labour and the postnatal visits of mother and baby
    recorded = {name for name, body in sections if "Nothing recorded yet." not in body}
    assert recorded == {"careLocations"}  # creating the record started its first care episode


def test_a_care_location_taking_over_and_a_break_glass_note_are_shown(
    portal, record, midwife_actor, location_b, location_c
):
    fill_record(record, midwife_actor)
    care_elsewhere(record, location_b)
    stranger = Actor(
        user_type=UserType.HEALTH_CARE_PROFESSIONAL,
        care_location=location_c,
        name="Per Vakt",
        hpr_role="LE",
    )
    record.refresh_from_db()
    services.record_find_by_keys(
        keys=PregnancyKeys(
            parse_national_id(record.person.identifier_value), record.person.date_of_birth, record.agreed_edd
        ),
        reason_code="EMERGENCY",
        reason="Came to A&E in labour",
        actor=stranger,
    )
    text = text_of(page(portal, record))
    assert "Munkholmen jordmortjeneste" in text and "Looked after by" in text
    assert "A new Care Location took over your care" in text
    highlighted = '<div class="entry highlight"> <h3 class="entry-title">Someone outside your care team'
    assert highlighted in text
    assert "Per Vakt at Haukeland fødeavdeling found this record by its keys (break glass)." in text
    assert "Emergency care or an acute admission" in text  # the code, in her words
    assert "Came to A&amp;E in labour" not in text  # never the text they wrote (Normen, as Helsenorge)


def test_a_delivered_pregnancy_tells_how_the_baby_was_born(portal, record, midwife_actor):
    born = timezone.now() - timedelta(days=2)
    record = services.record_status_update(
        record_id=record.pk,
        version=record.version,
        status=RecordStatus.DELIVERED,
        actor=midwife_actor,
        delivery_date=born,
        live_birth=True,
    )
    services.resource_create(
        record_id=record.pk,
        resource_type="births",
        data={
            "birth_time": born,
            "sex": "FEMALE",
            "birth_weight": 3480,
            "gestation_weeks": 39,
            "gestation_days": 4,
            "live_birth": True,
            "mode_of_birth": "VENTOUSE",
            "apgar_1_minute": 9,
            "apgar_5_minutes": 10,
        },
        actor=midwife_actor,
    )
    text = text_of(page(portal, record))
    assert "An earlier pregnancy" in text
    assert f"Your baby was born on {timezone.localtime(born):%-d %b %Y}." in text
    for words in (
        "Sex</dt><dd>Girl",
        "Weight</dt><dd>3480 g",
        "Weeks of pregnancy at birth</dt><dd>39 weeks and 4 days (39+4)",
        "How your baby was born</dt><dd>Vaginal birth helped by a suction cup (ventouse)",
        "9 at 1 minute, 10 at 5 minutes",
    ):
        assert words in text, words
    assert "weeks to go" not in text


def test_links_to_her_birth_plan_and_the_access_log_and_none_to_change_clinical_data(
    portal, patient, record, midwife_actor
):
    fill_record(record, midwife_actor, her=patient)
    text = page(portal, record).content.decode()
    assert f'href="/portal/pregnancies/{record.pk}/access-log/"' in text
    try:
        birth_plan = reverse("portal:birth-plan", args=[record.pk])
    except NoReverseMatch:  # the birth-plan page is built alongside; the link appears once it exists
        birth_plan = None
    if birth_plan:
        assert f'href="{birth_plan}"' in text
    links = set(re.findall(r'href="([^"#]+)"', text)) - {birth_plan, "/static/portal/portal.css"}
    links = {link for link in links if not link.startswith("tel:")}  # who to call (test_contact.py)
    app = {"/portal/manifest.webmanifest", "/static/portal/icons/icon-192.png"}  # the app (test_offline.py)
    assert links - app <= {"/portal/", f"/portal/pregnancies/{record.pk}/access-log/"}, links
    forms = re.findall(r'<form[^>]*action="([^"]*)"', text)
    # signing out is the only form, besides the choice of language on every page
    assert [form for form in forms if form != reverse("set_language")] == ["/portal/logout/"]


def test_there_are_no_write_endpoints(portal, record):
    for method in ("post", "put", "patch", "delete"):
        assert getattr(portal, method)(f"/portal/pregnancies/{record.pk}/").status_code == 405
    assert not AccessLog.objects.exists()


def test_another_persons_record_is_not_found_and_the_attempt_is_audited(
    portal, patient, record, midwife_actor
):
    other = services.record_create(national_id=parse_national_id(new_nin()), actor=midwife_actor)
    response = page(portal, other)
    assert response.status_code == 404
    assert "There is no pregnancy record here for you." in response.content.decode()
    entry = AccessLog.objects.get()
    assert (entry.action, entry.outcome, entry.record_id, entry.user) == (
        AccessAction.READ,
        AccessOutcome.DENIED,
        other.pk,
        patient,
    )


def test_an_id_that_does_not_exist_is_not_found(portal, record):
    response = portal.get("/portal/pregnancies/9b0d4b8e-8c9f-4b1b-9d7e-2d3f4a5b6c7d/")
    assert response.status_code == 404


def test_her_record_entered_in_error_is_not_found(portal, record, midwife_actor):
    services.record_status_update(
        record_id=record.pk, version=record.version, status=RecordStatus.ENTERED_IN_ERROR, actor=midwife_actor
    )
    assert page(portal, record).status_code == 404


def test_signed_in_but_not_linked_is_403(record):
    client = Client()
    client.force_login(get_user_model().objects.create_user("stranger"))
    assert page(client, record).status_code == 403


def test_signed_out_is_sent_to_the_portal_sign_in(record):
    response = page(Client(), record)
    assert response.status_code == 302
    assert response.url.startswith("/portal/login/")
    assert not AccessLog.objects.exists()


def test_each_view_writes_one_read_audit_entry(portal, patient, record):
    page(portal, record)
    entry = AccessLog.objects.get()
    assert (entry.action, entry.outcome, entry.user_type, entry.user) == (
        AccessAction.READ,
        AccessOutcome.ALLOWED,
        UserType.PATIENT,
        patient,
    )
    assert (entry.record_id, entry.person_id) == (record.pk, record.person_id)


def test_queries_are_the_same_for_an_empty_and_a_full_record(
    portal, patient, record, midwife_actor, location_b
):
    full = services.record_create(national_id=parse_national_id(new_nin()), actor=midwife_actor)
    full_client = Client()
    full_client.force_login(link_patient(full.person, username="full"))
    fill_record(full, midwife_actor, her=full.person.user, appointments=30, sfh=8)
    care_elsewhere(full, location_b)

    def count(client, record):
        with CaptureQueriesContext(connection) as queries:
            assert page(client, record).status_code == 200
        return len(queries)

    count(portal, record)  # warm up (content types)
    empty, filled = count(portal, record), count(full_client, full)
    # session, her, the record, 8 lists, audit, and the contact box's record (its location, her midwife)
    assert empty == filled <= 14, (empty, filled)
