"""Booking visits: book, change, cancel, record the visit of a booking, and plan the national schedule."""

from django.urls import path

from .views import bookings

BOOKINGS = "records/<uuid:record_id>/bookings/"

urlpatterns = [
    path(f"{BOOKINGS}new/", bookings.booking_new, name="booking-new"),
    path(f"{BOOKINGS}plan/", bookings.booking_plan, name="booking-plan"),
    path(f"{BOOKINGS}<uuid:booking_id>/", bookings.booking_change, name="booking-change"),
    path(f"{BOOKINGS}<uuid:booking_id>/cancel/", bookings.booking_cancel, name="booking-cancel"),
    path(f"{BOOKINGS}<uuid:booking_id>/visit/", bookings.booking_visit, name="booking-visit"),
]
