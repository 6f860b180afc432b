"""The forms of the booking pages: booking (or changing) a visit, cancelling one, and the plan of visits.

The date and the time are asked apart (a tablet's date and time pickers) and joined in local time. The
services check the rules of the record again (a new booking in the past, a blank reason); the forms are
for clear messages on the page.
"""

from datetime import date, datetime, time
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from maternity.models import Booking, VisitKind
from maternity.presentation import specs
from maternity.rules.resources import RESOURCE_TYPES

BOOKINGS = RESOURCE_TYPES["bookings"]


def local_moment(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def _text(name: str, **attrs: Any) -> forms.CharField:
    model_field = specs.own_field(BOOKINGS, name)
    return forms.CharField(
        label=specs.label(BOOKINGS, name),
        required=False,
        max_length=model_field.max_length,
        empty_value=None,
        **attrs,
    )


def _duration() -> forms.IntegerField:
    return forms.IntegerField(
        label=specs.label(BOOKINGS, "duration_minutes"),
        required=False,
        min_value=5,
        max_value=480,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class BookingForm(forms.Form):
    """Book a visit, or change a booked one: when, what, where, with whom, how long, and a note."""

    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    at = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    kind = forms.ChoiceField(label=specs.label(BOOKINGS, "kind"), choices=VisitKind.choices)
    place = _text("place")
    with_whom = _text("with_whom")
    duration_minutes = _duration()
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=4000,
        empty_value=None,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def service_data(self) -> dict[str, Any]:
        """The booking's fields for the services (after is_valid)."""
        data = self.cleaned_data
        return {
            "starts_at": local_moment(data["day"], data["at"]),
            "kind": data["kind"],
            "place": data["place"],
            "with_whom": data["with_whom"],
            "duration_minutes": data["duration_minutes"],
            "note": data["note"],
        }

    @classmethod
    def initial_for(cls, booking: Booking) -> dict[str, Any]:
        local = timezone.localtime(booking.starts_at)
        return {
            "day": local.date(),
            "at": local.time().replace(second=0, microsecond=0),
            "kind": booking.kind,
            "place": booking.place,
            "with_whom": booking.with_whom,
            "duration_minutes": booking.duration_minutes,
            "note": booking.note,
        }


NO_REASON = _("Say why the booking is cancelled: the reason is kept with it.")


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it cancelled?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": NO_REASON},
    )

    def clean_reason(self) -> str:
        reason = " ".join(self.cleaned_data["reason"].split())
        if not reason:
            raise forms.ValidationError(NO_REASON)
        return reason


class PlannedVisitForm(forms.Form):
    """One visit of the plan: book it or not, and when (its week says what it is)."""

    week = forms.IntegerField(min_value=4, max_value=45, widget=forms.HiddenInput)
    book = forms.BooleanField(required=False, label=pgettext_lazy("a visit", "Book"))
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    at = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))

    def clean(self):
        data = super().clean()
        if not data.get("book"):  # an unticked visit's date and time do not matter
            for name in ("day", "at"):
                self.errors.pop(name, None)
        return data


PlannedVisitFormSet = forms.formset_factory(
    PlannedVisitForm, extra=0, max_num=20, absolute_max=20, validate_max=True
)


class PlanDetailsForm(forms.Form):
    """What the accepted visits share: where, with whom, and how long each takes."""

    place = _text("place")
    with_whom = _text("with_whom")
    duration_minutes = _duration()
