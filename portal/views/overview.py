"""Her pregnancies: the current one first, then earlier ones (delivered or ended), the latest first. A
record entered in error is not hers to follow (it may even have been made under the wrong person), so it is
not listed. Her current pregnancy shows her next booked visit, if one is booked.
"""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from maternity.models import AccessAction, Booking, BookingStatus, Pregnancy, RecordStatus
from maternity.reads.access import visible_records
from maternity.rules.bookings import next_booking

from .. import plain_language as words
from ..acting import patient_view
from ..booking_words import kind_words


@dataclass(frozen=True)
class PregnancyCard:
    record: Pregnancy
    gestation: dict | None  # {"words", "short"} for the current pregnancy
    to_go: str
    outcome: str
    next_visit: Booking | None = None  # her next booked visit, for the current pregnancy
    next_visit_what: str = ""  # what kind of visit, in her words


def her_pregnancies(actor):
    """Her records that are hers to follow, with what the overview shows of each: one query, and one for
    the visits still booked in all of them."""
    booked = Booking.objects.filter(status=BookingStatus.BOOKED, entered_in_error=False)
    return (
        visible_records(actor)
        .exclude(status=RecordStatus.ENTERED_IN_ERROR)
        .select_related("active_care_location")
        .prefetch_related(Prefetch("bookings", queryset=booked))
        .order_by("-created_at", "-pk")
    )


def ended_at(record: Pregnancy):
    return record.delivery_date or record.termination_date or record.created_at


@require_safe
@patient_view(AccessAction.LIST)
def home(request):
    request.audit.person_id = request.user.person.pk
    now = timezone.now()
    today = timezone.localdate(now)
    current, earlier = [], []
    for record in her_pregnancies(request.actor):
        if record.is_active:
            upcoming = next_booking(record.bookings.all(), now=now)
            card = PregnancyCard(
                record,
                words.gestation_today(record.agreed_edd, today),
                words.time_to_go(record.agreed_edd, today),
                "",
                next_visit=upcoming,
                next_visit_what=kind_words(upcoming.kind) if upcoming else "",
            )
            current.append(card)
        else:
            earlier.append(PregnancyCard(record, None, "", words.outcome_words(record)))
    earlier.sort(key=lambda card: ended_at(card.record), reverse=True)
    return render(request, "portal/home.html", {"current": current, "earlier": earlier})
