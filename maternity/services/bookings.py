"""Booked appointments: change one, cancel one, record the visit it was booked for, and accept the national
schedule's plan as several bookings at once.

A booking is booked like any list item (`resource_create` of "bookings", by the API or the midwives'
pages); the rules of the record for every version of a booking are in `booking_checks`, which the generic
write path applies. The services here are the changes that need more than one step, each one transaction
through the write gate, with a version check: what they write together is all or nothing.
"""

from collections.abc import Sequence
from typing import Any, cast
from uuid import UUID

from django.utils.translation import gettext_lazy as _

from maternity.rules.resources import RESOURCE_TYPES
from maternity.rules.visit_schedule import covered
from maternity.rules.wording import worded

from ..actors import Actor
from ..errors import EnteredInError, Invalid, ResourceNotFound, VersionConflict
from ..models import AntenatalAppointment, Booking, BookingStatus, Pregnancy
from .booking_checks import closed_refusal
from .gate import record_write
from .resources import create_in_locked_record, resource_update, resource_write_check
from .versioning import lock_record_for_write, now

BOOKINGS = "bookings"
APPOINTMENTS = "antenatalAppointments"
# What the midwives' booking form sets; the status, its reason, the visit and the planned week are set by
# the services below, never by a change of the booking.
CHANGEABLE = ("starts_at", "duration_minutes", "kind", "place", "with_whom", "note")
MAX_PLANNED = 20  # more visits than any schedule has: a plan longer than this is not one


def booking_content(booking: Booking) -> dict[str, Any]:
    """What a booking holds, by field name (the full content a new version starts from)."""
    return {f.name: getattr(booking, f.name) for f in Booking.content_fields()}


def _booking_in_locked_record(record: Pregnancy, booking_id: UUID | str, version: int | None) -> Booking:
    """The booking at the version the caller read; else ResourceNotFound, EnteredInError or
    VersionConflict."""
    try:
        booking = Booking.objects.filter(record=record, pk=UUID(str(booking_id))).first()
    except ValueError:
        booking = None
    if booking is None:
        raise ResourceNotFound(worded(_("This record has no booking with id %(id)s."), id=booking_id))
    if booking.entered_in_error:
        raise EnteredInError(_("This booking was marked entered-in-error and can no longer be changed."))
    if version != booking.version:
        raise VersionConflict(
            worded(
                _(
                    "The booking has changed since you read it: you read version %(version)s, the current "
                    "version is %(current)s. Read it again and reapply your change."
                ),
                version=version,
                current=booking.version,
            ),
            field="version",
        )
    return booking


@record_write()
def booking_change(
    *, record_id: UUID | str, booking_id: UUID | str, version: int | None, data: dict[str, Any], actor: Actor
) -> Booking:
    """A new version of a BOOKED booking with new values for some of `CHANGEABLE` (the others are kept).
    A closed (cancelled or attended) booking is refused."""
    unknown = set(data) - set(CHANGEABLE)
    if unknown:
        raise Invalid(
            worded(_("These cannot be changed here: %(names)s."), names=", ".join(sorted(unknown))),
            field=sorted(unknown)[0],
        )
    record = lock_record_for_write(record_id, actor)
    resource_write_check(record=record, resource_type=BOOKINGS, actor=actor)
    booking = _booking_in_locked_record(record, booking_id, version)
    refusal = closed_refusal(booking)
    if refusal is not None:
        raise refusal
    return cast(
        Booking,
        resource_update(
            record_id=record.pk,
            resource_type=BOOKINGS,
            resource_id=booking.pk,
            version=version,
            data={**booking_content(booking), **data},
            actor=actor,
        ),
    )


@record_write()
def booking_cancel(
    *, record_id: UUID | str, booking_id: UUID | str, version: int | None, reason: str, actor: Actor
) -> Booking:
    """Cancel a BOOKED booking: status CANCELLED with `reason` (required, its spaces tidied), in a new
    version that says who cancelled it and when. Refused for a booking already cancelled or attended."""
    record = lock_record_for_write(record_id, actor)
    resource_write_check(record=record, resource_type=BOOKINGS, actor=actor)
    booking = _booking_in_locked_record(record, booking_id, version)
    refusal = closed_refusal(booking)
    if refusal is not None:
        raise refusal
    reason = " ".join((reason or "").split())
    if not reason:
        raise Invalid(
            _("Say why the booking is cancelled: the reason is kept with it."), field="cancellation_reason"
        )
    return cast(
        Booking,
        resource_update(
            record_id=record.pk,
            resource_type=BOOKINGS,
            resource_id=booking.pk,
            version=version,
            data={
                **booking_content(booking),
                "status": BookingStatus.CANCELLED,
                "cancellation_reason": reason,
            },
            actor=actor,
        ),
    )


@record_write()
def visit_record_for_booking(
    *,
    record_id: UUID | str,
    booking_id: UUID | str,
    booking_version: int | None,
    data: dict[str, Any],
    actor: Actor,
) -> tuple[AntenatalAppointment, Booking]:
    """Record the antenatal appointment a booking was made for (`data`: the appointment's fields) and mark
    the booking ATTENDED, naming the appointment: both or neither. Refused when the booking is already
    attended or cancelled, or has changed since `booking_version`."""
    record = lock_record_for_write(record_id, actor)
    resource_write_check(record=record, resource_type=APPOINTMENTS, actor=actor, adding=True)
    resource_write_check(record=record, resource_type=BOOKINGS, actor=actor)
    booking = _booking_in_locked_record(record, booking_id, booking_version)
    refusal = closed_refusal(booking)
    if refusal is not None:
        raise refusal
    appointment = cast(
        AntenatalAppointment,
        create_in_locked_record(record=record, rt=RESOURCE_TYPES[APPOINTMENTS], data=data, actor=actor),
    )
    attended = resource_update(
        record_id=record.pk,
        resource_type=BOOKINGS,
        resource_id=booking.pk,
        version=booking_version,
        data={**booking_content(booking), "status": BookingStatus.ATTENDED, "visit_id": appointment.pk},
        actor=actor,
    )
    return appointment, cast(Booking, attended)


@record_write()
def bookings_plan_accept(
    *, record_id: UUID | str, visits: Sequence[dict[str, Any]], actor: Actor
) -> list[Booking]:
    """Book the visits of an accepted plan (`maternity.rules.visit_schedule`), each a booking's fields
    with its `planned_week`: all of them or none.

    The plan's version check: under the record's lock, a planned week that a booking now covers (booked
    since the plan was shown, by someone else or by accepting the same plan twice) refuses the whole plan
    with VersionConflict, so nothing is booked twice. Any visit that breaks a rule refuses the plan too,
    and the message says which visit."""
    record = lock_record_for_write(record_id, actor)
    resource_write_check(record=record, resource_type=BOOKINGS, actor=actor, adding=True)
    if not visits:
        raise Invalid(_("Tick at least one visit to book."), field="visits")
    if len(visits) > MAX_PLANNED:
        raise Invalid(worded(_("A plan has at most %(most)s visits."), most=MAX_PLANNED), field="visits")
    weeks = [visit.get("planned_week") for visit in visits]
    if not all(isinstance(week, int) for week in weeks) or len(set(weeks)) != len(weeks):
        raise Invalid(_("Each visit of a plan names its week, and each week once."), field="planned_week")
    existing = list(
        Booking.objects.filter(record=record, entered_in_error=False).exclude(status=BookingStatus.CANCELLED)
    )
    for week in weeks:
        if covered(existing, week=cast(int, week), edd=record.agreed_edd):
            raise VersionConflict(
                worded(
                    _(
                        "A visit for week %(week)s has been booked since the plan was made: nothing was "
                        "booked. Look at the plan again."
                    ),
                    week=week,
                ),
                field="planned_week",
            )
    at = now()
    booked = []
    for visit in visits:
        try:
            booking = create_in_locked_record(
                record=record, rt=RESOURCE_TYPES[BOOKINGS], data=dict(visit), actor=actor, at=at
            )
        except Invalid as error:
            raise Invalid(
                worded(
                    _("The week %(week)s visit: %(refusal)s Nothing was booked."),
                    week=visit["planned_week"],
                    refusal=error.message,
                ),
                field=error.field,
            ) from None
        booked.append(cast(Booking, booking))
    return booked
