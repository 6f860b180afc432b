"""Who to contact, on every portal page: her Care Location's name, phone as a tap-to-call link, address and
opening hours, and her named midwife where the record has one; the number to call when something is urgent
(the location's urgent line, else its phone, else 113); on the overview, her current pregnancy's location
and her next booked visit. Each page costs the same queries whatever the record holds."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import new_nin
from maternity import services
from maternity.actors import Actor
from maternity.models import RecordStatus, UserType
from maternity.rules.identifiers import parse_national_id

from .conftest import link_patient
from .test_booked_visits import book
from .test_overview import ended

pytestmark = pytest.mark.django_db

CONTACT = {
    "phone": "+47 73 86 80 00",
    "address": "Prinsesse Kristinas gate 3, 7030 Trondheim",
    "opening_hours": "Weekdays 08:00-15:30",
    "urgent_phone": "72 57 30 00",
}


def pages(record) -> list[str]:
    base = f"/portal/pregnancies/{record.pk}/"
    return ["/portal/", base, f"{base}access-log/", f"{base}birth-plan/"]


def contact_box(response) -> str:
    text = response.content.decode()
    start = text.index('<aside class="contact-box"')
    return text[start : text.index("</aside>", start)]


@pytest.fixture
def with_contact(location_a):
    return services.care_location_contact_update(care_location=location_a, **CONTACT, by=None)


def test_every_page_shows_her_locations_contact_with_tap_to_call(portal, record, with_contact):
    for url in pages(record):
        response = portal.get(url)
        assert response.status_code == 200, url
        box = contact_box(response)
        assert "St Olavs hospital, fødeavdelingen" in box, url
        assert '<a class="tel" href="tel:+4773868000">+47 73 86 80 00</a>' in box, url
        assert "Prinsesse Kristinas gate 3, 7030 Trondheim" in box and "Weekdays 08:00-15:30" in box, url
        assert 'href="tel:72573000">Call 72 57 30 00</a>' in box, url
        assert "the urgent line, day and night" in box, url
        assert 'href="tel:113">113</a>' in box, url


def test_without_an_urgent_line_the_urgent_number_is_her_locations_phone(portal, record, location_a):
    services.care_location_contact_update(
        care_location=location_a, **(CONTACT | {"urgent_phone": ""}), by=None
    )

    box = contact_box(portal.get(f"/portal/pregnancies/{record.pk}/"))

    assert 'href="tel:+4773868000">Call +47 73 86 80 00</a>' in box
    assert "call St Olavs hospital, fødeavdelingen." in box
    assert 'href="tel:113">113</a>' in box


def test_without_any_number_she_is_told_to_call_113(portal, record):
    box = contact_box(portal.get(f"/portal/pregnancies/{record.pk}/"))

    assert 'href="tel:113">Call 113</a>' in box
    assert "the medical emergency number" in box
    assert "has not added their phone number or address here yet" in box
    assert "Phone</dt>" not in box


def test_the_urgent_advice_on_her_pregnancy_page_gives_the_number_to_tap(portal, record, with_contact):
    text = portal.get(f"/portal/pregnancies/{record.pk}/").content.decode()

    assert 'straight away (<a class="tel" data-urgent href="tel:72573000">call 72 57 30 00</a>).' in text


def test_her_named_midwife_is_shown_where_the_record_has_one(portal, record, midwife_actor, with_contact):
    assert "Your midwife</dt>" not in contact_box(portal.get("/portal/"))
    services.resource_create(
        record_id=record.pk,
        resource_type="pointsOfContact",
        data={"midwife_name": "Kari Nordmann", "midwife_organization_name": "Fjordvik helsestasjon"},
        actor=midwife_actor,
    )

    for url in pages(record):
        assert "<dd>Kari Nordmann, Fjordvik helsestasjon</dd>" in contact_box(portal.get(url)), url


def test_the_overview_shows_her_current_pregnancys_location_else_her_latest(
    midwife_actor, location_b, with_contact
):
    services.care_location_contact_update(
        care_location=location_b, **(CONTACT | {"phone": "22 22 22 22", "urgent_phone": ""}), by=None
    )
    at_b = Actor(user_type=UserType.HEALTH_CARE_PROFESSIONAL, care_location=location_b, name="Ingrid")
    nin = new_nin()
    earlier = ended(at_b, nin, RecordStatus.TERMINATED, edd=timezone.localdate() - timedelta(days=300))
    portal = Client()
    portal.force_login(link_patient(earlier.person))
    assert "tel:22222222" in contact_box(portal.get("/portal/"))  # no current pregnancy: her latest

    services.record_create(national_id=parse_national_id(nin), actor=midwife_actor)

    box = contact_box(portal.get("/portal/"))
    assert "tel:+4773868000" in box and "22 22 22 22" not in box
    assert "tel:22222222" in contact_box(portal.get(f"/portal/pregnancies/{earlier.pk}/"))


def test_a_page_for_a_record_that_is_not_hers_shows_her_own_locations_contact(
    portal, record, midwife_actor, with_contact
):
    other = services.record_create(national_id=parse_national_id(new_nin()), actor=midwife_actor)
    link_patient(other.person, username="someone-else")

    response = portal.get(f"/portal/pregnancies/{other.pk}/")

    assert response.status_code == 404
    assert "tel:+4773868000" in contact_box(response)


def test_signed_out_pages_show_no_contact_box(client, record, with_contact):
    assert 'class="contact-box"' not in client.get("/portal/login/").content.decode()


# --- her next booked visit on the overview --------------------------------------------------------------


def test_the_overview_shows_her_next_booked_visit_in_plain_words(portal, record, midwife_actor):
    book(record, midwife_actor, 10, kind="ULTRASOUND")
    soonest = book(record, midwife_actor, 3, kind="GLUCOSE_TEST")
    cancelled = book(record, midwife_actor, 1, kind="ANTI_D")
    services.booking_cancel(
        record_id=record.pk, booking_id=cancelled.pk, version=1, reason="ill", actor=midwife_actor
    )

    text = portal.get("/portal/").content.decode()

    assert "Your next appointment" in text
    when = timezone.localtime(soonest.starts_at)
    assert f"{when:%A} {when.day} {when:%B} at 09:15" in text
    assert "Blood sugar test (glucose tolerance test), at Fjordvik helsestasjon, with Kari" in text
    assert "Ultrasound scan" not in text and "Anti-D" not in text


def test_an_attended_booking_is_not_her_next_visit(portal, record, midwife_actor):
    attended = book(record, midwife_actor, 1)
    services.visit_record_for_booking(
        record_id=record.pk,
        booking_id=attended.pk,
        booking_version=1,
        data={"appointment_date": timezone.localdate()},
        actor=midwife_actor,
    )

    assert "Your next appointment" not in portal.get("/portal/").content.decode()


# --- queries --------------------------------------------------------------------------------------------


def test_the_contact_box_and_next_visit_cost_the_same_queries_however_full_the_record(
    portal, patient, record, midwife_actor, with_contact
):
    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert portal.get(url).status_code == 200
        return len(queries)

    before = {url: count(url) for url in pages(record)}
    for days in range(1, 8):
        book(record, midwife_actor, days)
    services.resource_create(
        record_id=record.pk,
        resource_type="pointsOfContact",
        data={"midwife_name": "Kari Nordmann"},
        actor=midwife_actor,
    )
    services.record_create(national_id=parse_national_id(new_nin()), actor=midwife_actor)

    assert {url: count(url) for url in pages(record)} == before
