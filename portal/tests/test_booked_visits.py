"""Her booked visits on her pregnancy page: when, what in plain words, where and with whom; a cancelled
one says so; past, attended and entered-in-error bookings are left out; the page's queries stay the same."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from maternity import services

pytestmark = pytest.mark.django_db


def page(client, record):
    return client.get(f"/portal/pregnancies/{record.pk}/")


def book(record, actor, days: int, kind: str = "ANTENATAL", **more):
    starts = (timezone.localtime() + timedelta(days=days)).replace(hour=9, minute=15, second=0, microsecond=0)
    data = {"starts_at": starts, "kind": kind, "place": "Fjordvik helsestasjon", "with_whom": "Kari", **more}
    return services.resource_create(record_id=record.pk, resource_type="bookings", data=data, actor=actor)


def test_she_sees_her_upcoming_bookings_in_plain_words(portal, record, midwife_actor):
    book(record, midwife_actor, 3, kind="GLUCOSE_TEST")
    book(record, midwife_actor, 10, kind="ULTRASOUND", with_whom=None)
    text = page(portal, record).content.decode()
    assert "Booked visits" in text
    assert "Blood sugar test (glucose tolerance test), at Fjordvik helsestasjon, with Kari" in text
    assert "Ultrasound scan, at Fjordvik helsestasjon" in text
    assert "at 09:15" in text
    assert text.index("Blood sugar test") < text.index("Ultrasound scan")


def test_a_cancelled_booking_says_it_was_cancelled(portal, record, midwife_actor):
    booking = book(record, midwife_actor, 3)
    services.booking_cancel(
        record_id=record.pk, booking_id=booking.pk, version=1, reason="ill", actor=midwife_actor
    )
    text = page(portal, record).content.decode()
    assert "Cancelled: " in text
    assert "This visit was cancelled." in text
    assert "Moved to Orkdal" not in text  # the reason is for the midwives


def test_attended_and_entered_in_error_bookings_are_not_listed(portal, record, midwife_actor):
    attended = book(record, midwife_actor, 1)
    services.visit_record_for_booking(
        record_id=record.pk,
        booking_id=attended.pk,
        booking_version=1,
        data={"appointment_date": timezone.localdate()},
        actor=midwife_actor,
    )
    wrong = book(record, midwife_actor, 5, kind="ANTI_D")
    services.resource_enter_in_error(
        record_id=record.pk, resource_type="bookings", resource_id=wrong.pk, version=1, actor=midwife_actor
    )
    text = page(portal, record).content.decode()
    assert "No visit is booked in your record yet." in text
    assert "Anti-D" not in text


def test_her_bookings_cost_no_extra_queries(portal, record, midwife_actor):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert page(portal, record).status_code == 200
        return len(queries)

    count()
    empty = count()
    for days in range(1, 9):
        book(record, midwife_actor, days)
    assert count() == empty
