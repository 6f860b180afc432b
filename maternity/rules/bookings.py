"""What a record's bookings say about her care: the next one, the missed ones, and whether she has any.

Plain values in, plain answers out (no queries), like the other rules: the caseload, the record page, the
task list and the portal read the bookings once and ask these. A booking is missed when it is still BOOKED
after the local day it was booked for has ended without a visit recorded against it: a visit is usually
recorded the same day, so a booking for this morning is not missed yet.
"""

from collections.abc import Iterable
from datetime import date, datetime

from django.utils import timezone

from maternity.models import Booking, BookingStatus


def is_missed(booking: Booking, *, today: date) -> bool:
    return (
        booking.status == BookingStatus.BOOKED
        and not booking.entered_in_error
        and booking.visit_id is None
        and timezone.localdate(booking.starts_at) < today
    )


def missed_bookings(bookings: Iterable[Booking], *, today: date) -> list[Booking]:
    """The missed bookings, earliest first."""
    return sorted((b for b in bookings if is_missed(b, today=today)), key=lambda b: b.starts_at)


def upcoming_bookings(bookings: Iterable[Booking], *, today: date) -> list[Booking]:
    """The visits still booked from today on, earliest first (one earlier today but not yet recorded
    counts: she may be in the waiting room). Cancelled, attended and missed ones are not ahead of her."""
    return sorted(
        (
            b
            for b in bookings
            if b.status == BookingStatus.BOOKED
            and not b.entered_in_error
            and b.visit_id is None
            and timezone.localdate(b.starts_at) >= today
        ),
        key=lambda b: b.starts_at,
    )


def next_booking(bookings: Iterable[Booking], *, now: datetime) -> Booking | None:
    """The next of the upcoming bookings, or None."""
    upcoming = upcoming_bookings(bookings, today=timezone.localdate(now))
    return upcoming[0] if upcoming else None
