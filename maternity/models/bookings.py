"""Booked appointments (an extension to NHN's record): a visit planned for a date and time, of a kind, at
a place, with someone. Cancelling keeps the booking (status CANCELLED, with its reason, who and when in
its version); a visit recorded against it marks it ATTENDED and names the visit. A booking still BOOKED
once its day has passed is missed (`maternity.rules.bookings`), which is read, never stored."""

from django.db import models
from django.utils.translation import gettext_lazy

from .base import ListResource
from .validators import between


class VisitKind(models.TextChoices):
    BOOKING = "BOOKING", gettext_lazy("Booking visit")
    ANTENATAL = "ANTENATAL", gettext_lazy("Antenatal check")
    ULTRASOUND = "ULTRASOUND", gettext_lazy("Ultrasound scan")
    GLUCOSE_TEST = "GLUCOSE_TEST", gettext_lazy("Glucose tolerance test")
    ANTI_D = "ANTI_D", gettext_lazy("Anti-D prophylaxis")
    INDUCTION = "INDUCTION", gettext_lazy("Induction of labour")
    POSTNATAL = "POSTNATAL", gettext_lazy("Postnatal visit")
    OTHER = "OTHER", gettext_lazy("Other")


class BookingStatus(models.TextChoices):
    BOOKED = "BOOKED", gettext_lazy("Booked")
    CANCELLED = "CANCELLED", gettext_lazy("Cancelled")
    ATTENDED = "ATTENDED", gettext_lazy("Attended")


class Booking(ListResource):
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(null=True, blank=True, validators=between(5, 480))
    kind = models.CharField(max_length=20, choices=VisitKind.choices)
    place = models.CharField(max_length=200, null=True, blank=True)
    with_whom = models.CharField(max_length=200, null=True, blank=True)
    status = models.CharField(max_length=10, choices=BookingStatus.choices, default=BookingStatus.BOOKED)
    cancellation_reason = models.CharField(max_length=500, null=True, blank=True)
    # the visit recorded against it: an antenatalAppointments item's id (or a postnatal visit's)
    visit_id = models.UUIDField(null=True, blank=True)
    # the completed week of pregnancy the national schedule planned it for (None: booked by hand)
    planned_week = models.PositiveSmallIntegerField(null=True, blank=True, validators=between(4, 45))
    note = models.TextField(null=True, blank=True, max_length=4000)

    class Meta:
        ordering = ["starts_at", "last_updated"]
        indexes = [models.Index(fields=["record", "starts_at"], name="booking_record_starts")]
