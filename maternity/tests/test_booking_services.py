"""Booked appointments through the services and the record API: booking, changing, cancelling, recording
the visit against a booking and accepting a plan; every refusal changes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import new_nin
from maternity import services
from maternity.actors import Actor
from maternity.errors import EnteredInError, Invalid, NotAllowed, NotFound, ResourceNotFound, VersionConflict
from maternity.models import AntenatalAppointment, Booking, BookingStatus, RecordEvent, UserType
from maternity.rules.identifiers import parse_national_id

pytestmark = pytest.mark.django_db


def in_days(days: int, hour: int = 10):
    moment = timezone.localtime() + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def book(record, actor, *, days: int = 7, **more) -> Booking:
    data = {"starts_at": in_days(days), "kind": "ANTENATAL", "place": "Room 3", "with_whom": "Kari", **more}
    return services.resource_create(record_id=record.pk, resource_type="bookings", data=data, actor=actor)


def state(record) -> tuple:
    """Everything a refused write must leave as it was."""
    record.refresh_from_db()
    return (
        record.revision,
        list(Booking.objects.filter(record=record).values_list("pk", "version", "status")),
        AntenatalAppointment.objects.filter(record=record).count(),
        RecordEvent.objects.filter(record=record).count(),
    )


@pytest.fixture
def booking(record, midwife_actor) -> Booking:
    return book(record, midwife_actor)


@pytest.fixture
def stranger(location_b) -> Actor:
    return Actor(
        user_type=UserType.HEALTH_CARE_PROFESSIONAL,
        care_location=location_b,
        name="Ingrid",
        source_system="t",
    )


# --- booking ----------------------------------------------------------------------------------------------


def test_a_booking_is_a_versioned_item_of_the_record_with_its_event(record, booking):
    assert (booking.version, booking.status, booking.updated_by_name) == (
        1,
        BookingStatus.BOOKED,
        "Kari Jordmor",
    )
    event = RecordEvent.objects.filter(record=record, resource_type="bookings").get()
    assert (event.resource_id, event.action) == (booking.pk, "CREATED")
    assert booking.history.count() == 1


def test_a_new_booking_in_the_past_is_refused_and_nothing_is_saved(record, midwife_actor):
    before = state(record)
    with pytest.raises(Invalid, match="cannot be in the past") as refused:
        book(record, midwife_actor, days=-1)
    assert refused.value.field == "starts_at"
    assert state(record) == before


def test_a_booking_needs_its_start(record, midwife_actor):
    with pytest.raises(Invalid) as refused:
        services.resource_create(
            record_id=record.pk, resource_type="bookings", data={"kind": "ANTENATAL"}, actor=midwife_actor
        )
    assert refused.value.field == "starts_at"
    assert not Booking.objects.exists()


def test_a_new_booking_cannot_start_cancelled_or_attended(record, midwife_actor):
    for status, more in (("CANCELLED", {"cancellation_reason": "x"}), ("ATTENDED", {})):
        with pytest.raises(Invalid) as refused:
            book(record, midwife_actor, status=status, **more)
        assert refused.value.field == "status"
    assert not Booking.objects.exists()


def test_changing_an_old_booking_is_allowed_but_not_moving_one_into_the_past(
    record, midwife_actor, monkeypatch
):
    made = timezone.now() - timedelta(days=5)
    monkeypatch.setattr("maternity.services.resources.now", lambda: made)  # booked five days ago
    booking = book(record, midwife_actor, days=-3)  # for two days ago: its day has passed
    monkeypatch.undo()
    changed = services.booking_change(
        record_id=record.pk, booking_id=booking.pk, version=1, data={"place": "Room 5"}, actor=midwife_actor
    )
    assert (changed.version, changed.place, changed.starts_at) == (2, "Room 5", in_days(-3))
    before = state(record)
    with pytest.raises(Invalid, match="moved into the past"):
        services.booking_change(
            record_id=record.pk,
            booking_id=booking.pk,
            version=2,
            data={"starts_at": in_days(-2)},
            actor=midwife_actor,
        )
    assert state(record) == before


def test_a_change_at_a_stale_version_is_a_conflict(record, booking, midwife_actor):
    services.booking_change(
        record_id=record.pk, booking_id=booking.pk, version=1, data={"place": "A"}, actor=midwife_actor
    )
    before = state(record)
    with pytest.raises(VersionConflict):
        services.booking_change(
            record_id=record.pk, booking_id=booking.pk, version=1, data={"place": "B"}, actor=midwife_actor
        )
    assert state(record) == before


def test_a_change_keeps_what_it_does_not_name_and_refuses_the_status(record, booking, midwife_actor):
    changed = services.booking_change(
        record_id=record.pk,
        booking_id=booking.pk,
        version=1,
        data={"note": "Bring urine"},
        actor=midwife_actor,
    )
    assert (changed.place, changed.with_whom, changed.note) == ("Room 3", "Kari", "Bring urine")
    with pytest.raises(Invalid, match="cannot be changed here"):
        services.booking_change(
            record_id=record.pk,
            booking_id=booking.pk,
            version=2,
            data={"status": "ATTENDED"},
            actor=midwife_actor,
        )


# --- cancelling -------------------------------------------------------------------------------------------


def test_cancelling_keeps_the_booking_with_its_reason_who_and_when(record, booking, location_b):
    other = Actor(
        user_type=UserType.HEALTH_CARE_PROFESSIONAL,
        care_location=booking.record.active_care_location,
        name="Siri Lund",
        source_system="t",
    )
    cancelled = services.booking_cancel(
        record_id=record.pk, booking_id=booking.pk, version=1, reason="  She  phoned:\nill ", actor=other
    )
    assert (cancelled.status, cancelled.cancellation_reason, cancelled.version) == (
        "CANCELLED",
        "She phoned: ill",
        2,
    )
    assert cancelled.updated_by_name == "Siri Lund"
    assert RecordEvent.objects.filter(resource_id=booking.pk).count() == 2


def test_cancelling_needs_a_reason(record, booking, midwife_actor):
    before = state(record)
    for reason in ("", "   \n"):
        with pytest.raises(Invalid, match="Say why"):
            services.booking_cancel(
                record_id=record.pk, booking_id=booking.pk, version=1, reason=reason, actor=midwife_actor
            )
    assert state(record) == before


def test_cancelling_a_cancelled_or_attended_booking_is_refused(record, booking, midwife_actor):
    services.booking_cancel(
        record_id=record.pk, booking_id=booking.pk, version=1, reason="ill", actor=midwife_actor
    )
    before = state(record)
    with pytest.raises(NotAllowed, match="was cancelled"):
        services.booking_cancel(
            record_id=record.pk, booking_id=booking.pk, version=2, reason="again", actor=midwife_actor
        )
    attended = book(record, midwife_actor, days=1)
    services.visit_record_for_booking(
        record_id=record.pk,
        booking_id=attended.pk,
        booking_version=1,
        data={"appointment_date": timezone.localdate()},
        actor=midwife_actor,
    )
    before = state(record)
    with pytest.raises(NotAllowed, match="visit has been recorded"):
        services.booking_cancel(
            record_id=record.pk, booking_id=attended.pk, version=2, reason="late", actor=midwife_actor
        )
    assert state(record) == before


def test_cancelling_at_a_stale_version_is_a_conflict(record, booking, midwife_actor):
    services.booking_change(
        record_id=record.pk, booking_id=booking.pk, version=1, data={"place": "A"}, actor=midwife_actor
    )
    before = state(record)
    with pytest.raises(VersionConflict):
        services.booking_cancel(
            record_id=record.pk, booking_id=booking.pk, version=1, reason="ill", actor=midwife_actor
        )
    assert state(record) == before


def test_a_stranger_cannot_cancel_and_learns_nothing(record, booking, stranger):
    before = state(record)
    with pytest.raises(NotFound):
        services.booking_cancel(
            record_id=record.pk, booking_id=booking.pk, version=1, reason="x", actor=stranger
        )
    assert state(record) == before


def test_an_entered_in_error_booking_cannot_be_cancelled(record, booking, midwife_actor):
    services.resource_enter_in_error(
        record_id=record.pk, resource_type="bookings", resource_id=booking.pk, version=1, actor=midwife_actor
    )
    with pytest.raises(EnteredInError):
        services.booking_cancel(
            record_id=record.pk, booking_id=booking.pk, version=2, reason="x", actor=midwife_actor
        )


# --- recording the visit ----------------------------------------------------------------------------------


def test_recording_the_visit_marks_the_booking_attended_in_the_same_change(record, booking, midwife_actor):
    appointment, attended = services.visit_record_for_booking(
        record_id=record.pk,
        booking_id=booking.pk,
        booking_version=1,
        data={"appointment_date": timezone.localdate(), "blood_pressure": "118/76"},
        actor=midwife_actor,
    )
    assert (attended.status, attended.visit_id, attended.version) == ("ATTENDED", appointment.pk, 2)
    assert appointment.blood_pressure == "118/76"
    types = list(
        RecordEvent.objects.filter(record=record).order_by("pk").values_list("resource_type", flat=True)
    )
    assert types[-2:] == ["antenatalAppointments", "bookings"]


def test_a_visit_entered_in_error_books_its_booking_again_with_who_did_it(record, booking, midwife_actor):
    appointment, _ = services.visit_record_for_booking(
        record_id=record.pk,
        booking_id=booking.pk,
        booking_version=1,
        data={"appointment_date": timezone.localdate()},
        actor=midwife_actor,
    )

    services.resource_enter_in_error(
        record_id=record.pk,
        resource_type="antenatalAppointments",
        resource_id=appointment.pk,
        actor=midwife_actor,
        reason="Recorded on the wrong woman",
    )

    booking.refresh_from_db()
    assert (booking.status, booking.visit_id, booking.version) == ("BOOKED", None, 3)
    assert booking.updated_by_name == midwife_actor.name
    assert list(booking.history.order_by("version").values_list("status", flat=True)) == [
        "BOOKED",
        "ATTENDED",
        "BOOKED",
    ]
    types = list(
        RecordEvent.objects.filter(record=record).order_by("pk").values_list("resource_type", "action")
    )
    assert types[-2:] == [("antenatalAppointments", "ENTERED_IN_ERROR"), ("bookings", "UPDATED")]


def test_an_invalid_visit_records_nothing_and_leaves_the_booking_booked(record, booking, midwife_actor):
    before = state(record)
    with pytest.raises(Invalid):
        services.visit_record_for_booking(
            record_id=record.pk,
            booking_id=booking.pk,
            booking_version=1,
            data={"appointment_date": timezone.localdate(), "blood_pressure": "high"},
            actor=midwife_actor,
        )
    assert state(record) == before


def test_a_visit_cannot_be_recorded_twice_against_one_booking(record, booking, midwife_actor):
    args = {"record_id": record.pk, "booking_id": booking.pk, "actor": midwife_actor}
    services.visit_record_for_booking(
        **args, booking_version=1, data={"appointment_date": timezone.localdate()}
    )
    before = state(record)
    with pytest.raises(NotAllowed, match="visit has been recorded"):
        services.visit_record_for_booking(
            **args, booking_version=2, data={"appointment_date": timezone.localdate()}
        )
    with pytest.raises(VersionConflict):
        services.visit_record_for_booking(
            **args, booking_version=1, data={"appointment_date": timezone.localdate()}
        )
    assert state(record) == before


def test_a_visit_cannot_be_recorded_against_a_cancelled_booking(record, booking, midwife_actor):
    services.booking_cancel(
        record_id=record.pk, booking_id=booking.pk, version=1, reason="ill", actor=midwife_actor
    )
    before = state(record)
    with pytest.raises(NotAllowed, match="was cancelled"):
        services.visit_record_for_booking(
            record_id=record.pk,
            booking_id=booking.pk,
            booking_version=2,
            data={"appointment_date": timezone.localdate()},
            actor=midwife_actor,
        )
    assert state(record) == before


# --- the plan ---------------------------------------------------------------------------------------------


def plan_visit(week: int, days: int) -> dict:
    return {"starts_at": in_days(days, hour=9), "kind": "ANTENATAL", "planned_week": week, "place": "Clinic"}


def test_accepting_a_plan_books_every_visit_in_one_change(record, midwife_actor):
    booked = services.bookings_plan_accept(
        record_id=record.pk, visits=[plan_visit(32, 7), plan_visit(36, 35)], actor=midwife_actor
    )
    assert [b.planned_week for b in booked] == [32, 36]
    assert Booking.objects.filter(record=record, status="BOOKED").count() == 2


def test_a_plan_with_one_bad_visit_books_nothing_and_says_which(record, midwife_actor):
    before = state(record)
    with pytest.raises(Invalid, match="The week 36 visit: starts_at: a new booking cannot be in the past"):
        services.bookings_plan_accept(
            record_id=record.pk, visits=[plan_visit(32, 7), plan_visit(36, -1)], actor=midwife_actor
        )
    assert state(record) == before


def test_accepting_the_same_plan_twice_is_a_conflict_that_books_nothing(record, midwife_actor):
    services.bookings_plan_accept(record_id=record.pk, visits=[plan_visit(32, 7)], actor=midwife_actor)
    before = state(record)
    with pytest.raises(VersionConflict, match="week 32"):
        services.bookings_plan_accept(
            record_id=record.pk, visits=[plan_visit(36, 35), plan_visit(32, 7)], actor=midwife_actor
        )
    assert state(record) == before


def test_an_empty_or_malformed_plan_is_refused(record, midwife_actor):
    for visits in ([], [plan_visit(32, 7), plan_visit(32, 8)], [{**plan_visit(32, 7), "planned_week": None}]):
        with pytest.raises(Invalid):
            services.bookings_plan_accept(record_id=record.pk, visits=visits, actor=midwife_actor)
    assert not Booking.objects.exists()


# --- the record API keeps the same rules --------------------------------------------------------------------


def api_booking(days: int, **more) -> dict:
    return {"startsAt": in_days(days).isoformat(), "kind": "ANTENATAL", **more}


def test_the_api_books_and_refuses_a_booking_in_the_past(api, record, nin):
    created = api.post(f"record/{record.pk}/bookings", api_booking(3))
    assert created.status_code == 201, created.content
    refused = api.post(f"record/{record.pk}/bookings", api_booking(-3))
    assert refused.status_code == 400
    assert refused.json()["errorCode"] == "DHG-0012"
    assert Booking.objects.filter(record=record).count() == 1


def test_the_api_cannot_cancel_without_a_reason_or_reopen_a_cancelled_booking(api, record):
    created = api.post(f"record/{record.pk}/bookings", api_booking(3)).json()
    booking_id = created["metadata"]["id"] if "id" in created["metadata"] else created["id"]
    path = f"record/{record.pk}/bookings/{booking_id}"
    no_reason = api.put(path, {**api_booking(3), "status": "CANCELLED", "metadata": {"version": 1}})
    assert no_reason.status_code == 400
    cancelled = api.put(
        path,
        {**api_booking(3), "status": "CANCELLED", "cancellationReason": "ill", "metadata": {"version": 1}},
    )
    assert cancelled.status_code == 200, cancelled.content
    reopened = api.put(path, {**api_booking(3), "metadata": {"version": 2}})
    assert reopened.status_code == 403
    assert Booking.objects.get(pk=booking_id).status == "CANCELLED"


def test_the_api_marks_attended_only_with_a_visit_of_the_record(api, record, midwife_actor):
    booking = book(record, midwife_actor)
    path = f"record/{record.pk}/bookings/{booking.pk}"
    made_up = api.put(
        path, {**api_booking(7), "status": "ATTENDED", "visitId": str(booking.pk), "metadata": {"version": 1}}
    )
    assert made_up.status_code == 400
    appointment = services.resource_create(
        record_id=record.pk,
        resource_type="antenatalAppointments",
        data={"appointment_date": timezone.localdate()},
        actor=midwife_actor,
    )
    attended = api.put(
        path,
        {**api_booking(7), "status": "ATTENDED", "visitId": str(appointment.pk), "metadata": {"version": 1}},
    )
    assert attended.status_code == 200, attended.content
    assert Booking.objects.get(pk=booking.pk).visit_id == appointment.pk


def test_a_booking_is_in_the_record_document(api, record, midwife_actor):
    booking = book(record, midwife_actor)
    document = api.get(f"record/{record.pk}").json()
    assert [b["kind"] for b in document["bookings"]] == ["ANTENATAL"]
    assert document["bookings"][0]["status"] == "BOOKED"
    assert str(booking.pk) in str(document["bookings"][0]["metadata"])


def test_a_booking_of_another_record_is_not_found_through_this_one(record, midwife_actor):
    other = services.record_create(national_id=parse_national_id(new_nin()), actor=midwife_actor)
    booking = book(other, midwife_actor)
    with pytest.raises(ResourceNotFound):
        services.booking_cancel(
            record_id=record.pk, booking_id=booking.pk, version=1, reason="x", actor=midwife_actor
        )
    with pytest.raises(NotFound):
        services.booking_cancel(
            record_id="not-a-uuid", booking_id=booking.pk, version=1, reason="x", actor=midwife_actor
        )
    assert Booking.objects.get(pk=booking.pk).status == "BOOKED"
