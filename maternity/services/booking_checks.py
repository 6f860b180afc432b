"""The rules of the record for a booking, on every path that writes one: the record API's POST and PUT of
`bookings`, the midwives' pages and the accepted plan. `resources.create_in_locked_record` and
`resources.resource_update` call `booking_check` for each new version of a booking, so no path can skip
them.

- A new booking is BOOKED and starts now or later (from the start of the current minute): a visit that
  has happened is recorded as an appointment, not booked. Changing an old booking is allowed, but a
  booking cannot be moved to a new time in the past.
- CANCELLED carries the reason (non-blank); no other status has one.
- ATTENDED names the visit recorded against it (`visit_id`: an antenatal appointment or a postnatal visit
  of the same record, not entered in error); no other status names a visit.
- A CANCELLED or ATTENDED booking is closed: it takes no new version, so its last version keeps who
  cancelled it (or recorded its visit) and when. To undo one, mark it entered in error and book again.
  One exception, made by the system: when the visit recorded against a booking is marked entered in error,
  the visit did not happen, so the booking is BOOKED again (a new version, with who marked the visit)
  and, if its day has passed, missed (`bookings_reopen_for_visit`).
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from ..actors import Actor
from ..errors import Invalid, NotAllowed
from ..models import (
    AntenatalAppointment,
    Booking,
    BookingStatus,
    EventAction,
    PostnatalBabyVisit,
    PostnatalMotherVisit,
    Pregnancy,
)
from ..models.base import Resource
from .versioning import save_resource_version

CLOSED = {BookingStatus.CANCELLED, BookingStatus.ATTENDED}
VISIT_MODELS = (AntenatalAppointment, PostnatalMotherVisit, PostnatalBabyVisit)


@dataclass(frozen=True)
class Stored:
    """What the version being replaced said (the checks compare the new version with it)."""

    status: str
    starts_at: datetime


def booking_stored(instance: Resource) -> Stored | None:
    """The stored state of a booking before a new version is written over it; None for other resources."""
    if isinstance(instance, Booking):
        return Stored(status=instance.status, starts_at=instance.starts_at)
    return None


def closed_refusal(booking: Booking | Stored) -> NotAllowed | None:
    """Why this booking takes no new version, or None while it is BOOKED."""
    if booking.status == BookingStatus.CANCELLED:
        return NotAllowed(
            _("This booking was cancelled: it can no longer be changed. Book a new visit instead."),
            rule="booking-closed",
        )
    if booking.status == BookingStatus.ATTENDED:
        return NotAllowed(
            _("A visit has been recorded against this booking: it can no longer be changed or cancelled."),
            rule="booking-closed",
        )
    return None


def _not_before(at: datetime) -> datetime:
    """The earliest start a new booking may have: the start of the current minute (the pages ask for the
    time to the minute)."""
    return at.replace(second=0, microsecond=0)


def booking_check(instance: Resource, *, stored: Stored | None, at: datetime) -> None:
    """Refuse a version of a booking that breaks a rule of the record (module docstring). `stored`: the
    version it replaces (None for a new booking); `at`: the time of the write. Other resources pass."""
    if not isinstance(instance, Booking):
        return
    if stored is None:
        if instance.status != BookingStatus.BOOKED:
            raise Invalid(
                "status: " + _("a new booking is BOOKED. Cancel it, or record its visit, once it is booked."),
                field="status",
            )
        if instance.starts_at < _not_before(at):
            raise Invalid(
                "starts_at: "
                + _(
                    "a new booking cannot be in the past (it starts %(starts)s, now is %(now)s). Record a "
                    "visit that has happened as an appointment."
                )
                % {"starts": _local(instance.starts_at), "now": _local(at)},
                field="starts_at",
            )
    else:
        refusal = closed_refusal(stored)
        if refusal is not None:
            raise refusal
        if instance.starts_at != stored.starts_at and instance.starts_at < _not_before(at):
            raise Invalid(
                "starts_at: "
                + _("a booking cannot be moved into the past (%(starts)s, now is %(now)s).")
                % {"starts": _local(instance.starts_at), "now": _local(at)},
                field="starts_at",
            )
    _status_check(instance)


def _status_check(booking: Booking) -> None:
    reason = (booking.cancellation_reason or "").strip()
    if booking.status == BookingStatus.CANCELLED and not reason:
        raise Invalid(
            "cancellation_reason: " + _("say why the booking is cancelled; the reason is kept with it."),
            field="cancellation_reason",
        )
    if booking.status != BookingStatus.CANCELLED and booking.cancellation_reason:
        raise Invalid(
            "cancellation_reason: " + _("only a cancelled booking has a cancellation reason."),
            field="cancellation_reason",
        )
    if booking.status == BookingStatus.ATTENDED:
        if booking.visit_id is None:
            raise Invalid(
                "visit_id: " + _("an attended booking names the visit recorded against it."), field="visit_id"
            )
        if not any(
            model._default_manager.filter(
                record_id=booking.record_id, pk=booking.visit_id, entered_in_error=False
            ).exists()
            for model in VISIT_MODELS
        ):
            raise Invalid(
                "visit_id: "
                + _("this record has no appointment or postnatal visit with id %(id)s.")
                % {"id": booking.visit_id},
                field="visit_id",
            )
    elif booking.visit_id is not None:
        raise Invalid("visit_id: " + _("only an attended booking names a visit."), field="visit_id")


def _local(moment: datetime) -> str:
    """The time in the message, to the minute; ISO order, which reads the same in every language."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def bookings_reopen_for_visit(*, record: Pregnancy, visit: Resource, actor: Actor) -> list[Booking]:
    """Inside the transaction that marks `visit` entered in error (the record locked): each booking
    ATTENDED by it is BOOKED again, without the visit, as a new version."""
    if not isinstance(visit, VISIT_MODELS):
        return []
    reopened = list(
        Booking.objects.filter(
            record=record, visit_id=visit.pk, status=BookingStatus.ATTENDED, entered_in_error=False
        )
    )
    for booking in reopened:
        booking.status, booking.visit_id = BookingStatus.BOOKED, None
        booking.version += 1
        save_resource_version(
            booking, record=record, resource_type="bookings", action=EventAction.UPDATED, actor=actor
        )
    return reopened
