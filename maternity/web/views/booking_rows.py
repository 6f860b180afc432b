"""The bookings section of the record page: each booking with its state in words and what she may do
with it. Built from the bookings the record page has already loaded (no queries), so the page costs the
same however many there are.

States: "Booked"; "Missed" (its day has passed without a visit, `rules.bookings.is_missed`); "Cancelled"
with who cancelled it, when and why (a cancelled booking takes no new version, so its last version's stamp
is the cancellation); "Attended" with the visit recorded against it.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from maternity.models import Booking, BookingStatus, Pregnancy
from maternity.presentation import specs
from maternity.rules.bookings import is_missed

CANCELLED, ATTENDED = BookingStatus.CANCELLED, BookingStatus.ATTENDED
BOOKED_STATE, MISSED, CANCELLED_STATE, ATTENDED_STATE = "booked", "missed", "cancelled", "attended"
STATE_WORDS = {
    BOOKED_STATE: pgettext_lazy("booking state", "Booked"),
    MISSED: pgettext_lazy("booking state", "Missed"),
    CANCELLED_STATE: pgettext_lazy("booking state", "Cancelled"),
    ATTENDED_STATE: pgettext_lazy("booking state", "Attended"),
}
STATE_CLASSES = {MISSED: "flag bad", CANCELLED_STATE: "badge muted", ATTENDED_STATE: "badge"}
VISIT_RECORDED = gettext_lazy("Visit recorded")


@dataclass
class BookingRow:
    booking: Booking
    when: str  # "14 Mar 2026, 10:30"
    what: str  # "Antenatal check, 30 minutes"
    where: str
    with_whom: str
    state_code: str  # booked, missed, cancelled, attended
    detail: str = ""  # who cancelled it and when, and why
    note: str = ""
    planned: str = ""  # "Week 32 of the schedule" for a visit booked from the plan
    title: str = ""  # the booking in a few words, for screen readers' link texts
    change_url: str = ""
    cancel_url: str = ""
    visit_url: str = ""
    history_url: str = ""

    @property
    def state(self) -> str:
        """The state in words: Booked, Missed, Cancelled, Attended."""
        return str(STATE_WORDS[self.state_code])

    @property
    def state_class(self) -> str:
        return STATE_CLASSES.get(self.state_code, "badge")


def _what(booking: Booking) -> str:
    kind = booking.get_kind_display()
    if not booking.duration_minutes:
        return str(kind)
    minutes = ngettext("%(minutes)s minute", "%(minutes)s minutes", booking.duration_minutes) % {
        "minutes": booking.duration_minutes
    }
    return f"{kind}, {minutes}"


def _cancelled_detail(booking: Booking) -> str:
    who = booking.updated_by_name or _("the system")
    if booking.updated_by_org_name:
        who = f"{who}, {booking.updated_by_org_name}"
    return _("by %(who)s on %(when)s: %(reason)s") % {
        "who": who,
        "when": specs.when(booking.last_updated),
        "reason": booking.cancellation_reason,
    }


def booking_rows(
    record: Pregnancy, bookings: Iterable[Booking], *, today: date, can_write: bool, history_url: str
) -> list[BookingRow]:
    """The record's bookings (those entered in error left out), in date order."""
    rows = []
    for booking in sorted((b for b in bookings if not b.entered_in_error), key=lambda b: b.starts_at):
        when = specs.when(booking.starts_at)
        row = BookingRow(
            booking=booking,
            when=when,
            what=_what(booking),
            where=booking.place or "",
            with_whom=booking.with_whom or "",
            state_code=BOOKED_STATE,
            note=booking.note or "",
            planned=_("Week %(week)s of the schedule") % {"week": booking.planned_week}
            if booking.planned_week
            else "",
            title=_("%(kind)s on %(when)s") % {"kind": booking.get_kind_display(), "when": when},
            history_url=f"{history_url}?item={booking.pk}",
        )
        if booking.status == CANCELLED:
            row.state_code, row.detail = CANCELLED_STATE, _cancelled_detail(booking)
        elif booking.status == ATTENDED:
            row.state_code, row.detail = ATTENDED_STATE, str(VISIT_RECORDED)
        elif is_missed(booking, today=today):
            row.state_code = MISSED
        if can_write and booking.status == BookingStatus.BOOKED:
            args = [record.pk, booking.pk]
            row.change_url = reverse("web:booking-change", args=args)
            row.cancel_url = reverse("web:booking-cancel", args=args)
            row.visit_url = reverse("web:booking-visit", args=args)
        rows.append(row)
    return rows
