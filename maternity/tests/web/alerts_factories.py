"""Bookings, blood tests and readings for the alert, caseload and task list tests, made through the
services as a midwife would make them."""

from datetime import datetime, time, timedelta
from unittest import mock

from django.utils import timezone

from maternity import services
from maternity.actors import Actor
from maternity.models import Booking, Pregnancy


def book(
    actor: Actor,
    record: Pregnancy,
    *,
    days: int,
    at: time = time(10, 0),
    kind: str = "ANTENATAL",
    status: str = "BOOKED",
) -> Booking:
    """A booking `days` from today at `at`, local time. One in the past was made a week before its day (a
    new booking cannot start in the past: `services.booking_checks`), so it is missed unless changed."""
    starts = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=days), at))
    data = {"starts_at": starts, "kind": kind, "status": "BOOKED"}
    booked_on = min(timezone.now(), starts - timedelta(days=7))
    with mock.patch("django.utils.timezone.now", return_value=booked_on):
        booking = services.resource_create(
            record_id=record.pk, resource_type="bookings", data=data, actor=actor
        )
    assert isinstance(booking, Booking)
    if status == "CANCELLED":
        booking = services.resource_update(
            record_id=record.pk,
            resource_type="bookings",
            resource_id=booking.pk,
            version=booking.version,
            data={**data, "status": "CANCELLED", "cancellation_reason": "She asked to move it."},
            actor=actor,
        )
    return booking


def set_haemoglobin(actor: Actor, record: Pregnancy, *, at_booking=None, third_trimester=None):
    return services.resource_create(
        record_id=record.pk,
        resource_type="clinicalTests",
        data={"hemoglobin": at_booking, "hemoglobin_at_3rd_trimester": third_trimester},
        actor=actor,
    )
