"""The booking pages of the midwives' app: book, change (with a version conflict), cancel with a reason,
record the visit of a booking, plan the national schedule; the bookings on the record page (missed,
cancelled with who and when); what each professional may do; a query count that does not grow."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import new_nin
from maternity import services
from maternity.models import (
    AccessAction,
    AccessLog,
    AntenatalAppointment,
    Booking,
    RecordStatus,
    StakeholderReason,
)
from maternity.rules.identifiers import parse_national_id

from .conftest import midwife
from .factories import edd_at, make_pregnancy

pytestmark = pytest.mark.django_db


@pytest.fixture
def kari(location_a):
    return midwife("kari", location_a)


@pytest.fixture
def record(kari):
    return make_pregnancy(kari[1], edd=edd_at(30))


@pytest.fixture
def ingrid(record, location_b):
    """A midwife at a stakeholder location that is not the active one."""
    services.stakeholder_grant(record=record, care_location=location_b, reason=StakeholderReason.API_ACCESS)
    return midwife("ingrid", location_b, "Ingrid Haugen")


@pytest.fixture
def stranger(location_c):
    return midwife("solveig", location_c, "Solveig Bakke")


def url(record, tail: str = "") -> str:
    return f"/records/{record.pk}/bookings/{tail}"


def text(response) -> str:
    return response.content.decode()


def in_days(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def book(record, actor, *, days: int = 7, **more) -> Booking:
    starts = (timezone.localtime() + timedelta(days=days)).replace(
        hour=10, minute=30, second=0, microsecond=0
    )
    data = {"starts_at": starts, "kind": "ANTENATAL", "place": "Room 3", "with_whom": "Kari", **more}
    return services.resource_create(record_id=record.pk, resource_type="bookings", data=data, actor=actor)


FORM = {"day": "", "at": "10:30", "kind": "ANTENATAL", "place": "Room 3", "with_whom": "Kari Jordmor"}


# --- book -------------------------------------------------------------------------------------------------


def test_a_midwife_books_a_visit_and_sees_it_on_the_record(kari, record):
    client, _ = kari
    assert client.get(url(record, "new/")).status_code == 200
    response = client.post(url(record, "new/"), {**FORM, "day": in_days(3), "duration_minutes": "30"})
    assert response.status_code == 302
    booking = Booking.objects.get(record=record)
    assert (booking.kind, booking.place, booking.duration_minutes, booking.updated_by_name) == (
        "ANTENATAL",
        "Room 3",
        30,
        "Kari Jordmor",
    )
    assert timezone.localtime(booking.starts_at).strftime("%H:%M") == "10:30"
    page = text(client.get(f"/records/{record.pk}/"))
    assert "Antenatal check, 30 minutes" in page and "Room 3" in page and ">Booked<" in page
    entry = AccessLog.objects.filter(action=AccessAction.WRITE, resource_type="bookings").latest("pk")
    assert "booked" in entry.detail


def test_a_booking_in_the_past_is_refused_on_the_page_and_nothing_is_saved(kari, record):
    client, _ = kari
    response = client.post(url(record, "new/"), {**FORM, "day": in_days(-1)})
    assert response.status_code == 400
    assert "cannot be in the past" in text(response)
    assert not Booking.objects.exists()


def test_a_booking_needs_a_date_and_time(kari, record):
    client, _ = kari
    response = client.post(url(record, "new/"), {**FORM, "at": ""})
    assert response.status_code == 400
    assert "Nothing was saved" in text(response)
    assert not Booking.objects.exists()


# --- change ----------------------------------------------------------------------------------------------


def test_a_change_saves_a_new_version(kari, record):
    client, actor = kari
    booking = book(record, actor)
    form = client.get(url(record, f"{booking.pk}/"))
    assert 'name="version" value="1"' in text(form)
    response = client.post(url(record, f"{booking.pk}/"), {**FORM, "day": in_days(8), "version": "1"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert (booking.version, booking.with_whom) == (2, "Kari Jordmor")


def test_a_change_at_a_stale_version_shows_the_booking_as_it_is_now_and_keeps_her_entry(kari, ingrid, record):
    client, actor = kari
    booking = book(record, actor)
    services.booking_change(
        record_id=record.pk, booking_id=booking.pk, version=1, data={"place": "Room 9"}, actor=ingrid[1]
    )
    response = client.post(
        url(record, f"{booking.pk}/"), {**FORM, "day": in_days(8), "place": "Room 12", "version": "1"}
    )
    assert response.status_code == 409
    page = text(response)
    assert "Ingrid Haugen changed this booking (now version 2)" in page
    assert "Room 9" in page and 'value="Room 12"' in page and 'name="version" value="2"' in page
    booking.refresh_from_db()
    assert (booking.version, booking.place) == (2, "Room 9")


# --- cancel ----------------------------------------------------------------------------------------------


def test_cancelling_asks_for_a_reason_then_shows_who_cancelled_and_when(kari, record):
    client, actor = kari
    booking = book(record, actor)
    confirm = client.get(url(record, f"{booking.pk}/cancel/"))
    assert confirm.status_code == 200 and "Cancel this booking?" in text(confirm)
    blank = client.post(url(record, f"{booking.pk}/cancel/"), {"version": "1", "reason": "  "})
    assert blank.status_code == 400
    assert Booking.objects.get(pk=booking.pk).status == "BOOKED"
    done = client.post(url(record, f"{booking.pk}/cancel/"), {"version": "1", "reason": "She phoned: ill"})
    assert done.status_code == 302
    page = text(client.get(f"/records/{record.pk}/"))
    assert ">Cancelled<" in page
    assert "by Kari Jordmor, St Olavs hospital, fødeavdelingen on" in page
    assert "She phoned: ill" in page


def test_cancelling_a_cancelled_booking_is_refused_clearly(kari, record):
    client, actor = kari
    booking = book(record, actor)
    services.booking_cancel(record_id=record.pk, booking_id=booking.pk, version=1, reason="ill", actor=actor)
    again = client.post(url(record, f"{booking.pk}/cancel/"), {"version": "2", "reason": "again"})
    assert again.status_code == 409
    assert "can no longer be changed" in text(again)
    assert client.get(url(record, f"{booking.pk}/cancel/")).status_code == 409
    assert client.get(url(record, f"{booking.pk}/")).status_code == 409


# --- record the visit ------------------------------------------------------------------------------------


def test_record_visit_opens_the_appointment_form_and_marks_the_booking_attended(kari, record):
    client, actor = kari
    booking = book(record, actor, days=1)
    form = client.get(url(record, f"{booking.pk}/visit/"))
    assert form.status_code == 200
    assert "Saving the appointment marks this booking attended" in text(form)
    response = client.post(
        url(record, f"{booking.pk}/visit/"),
        {"version": "1", "appointment_date": timezone.localdate().isoformat(), "blood_pressure": "118/76"},
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    appointment = AntenatalAppointment.objects.get(record=record)
    assert (booking.status, booking.visit_id, appointment.pregnancy_week) == ("ATTENDED", appointment.pk, 30)
    assert ">Attended<" in text(client.get(f"/records/{record.pk}/"))


def test_a_bad_visit_records_nothing(kari, record):
    client, actor = kari
    booking = book(record, actor)
    response = client.post(
        url(record, f"{booking.pk}/visit/"),
        {"version": "1", "appointment_date": timezone.localdate().isoformat(), "blood_pressure": "high"},
    )
    assert response.status_code == 400
    assert not AntenatalAppointment.objects.exists()
    assert Booking.objects.get(pk=booking.pk).status == "BOOKED"


# --- the record page -------------------------------------------------------------------------------------


def test_a_booking_whose_day_passed_without_a_visit_is_marked_missed(kari, record, monkeypatch):
    client, actor = kari
    made = timezone.now() - timedelta(days=5)
    monkeypatch.setattr("maternity.services.resources.now", lambda: made)  # booked five days ago
    book(record, actor, days=-3)  # for two days ago
    monkeypatch.undo()
    page = text(client.get(f"/records/{record.pk}/"))
    assert '<span class="flag bad">Missed</span>' in page


def test_a_midwife_of_another_stakeholder_location_can_book_too(ingrid, record):
    client, _ = ingrid
    response = client.post(url(record, "new/"), {**FORM, "day": in_days(3)})
    assert response.status_code == 302
    assert Booking.objects.get().updated_by_org_name == "Munkholmen jordmortjeneste"


def test_a_stranger_gets_not_found_on_every_booking_page(stranger, kari, record):
    booking = book(record, kari[1])
    client, _ = stranger
    for tail in ("new/", "plan/", f"{booking.pk}/", f"{booking.pk}/cancel/", f"{booking.pk}/visit/"):
        assert client.get(url(record, tail)).status_code == 404
        assert client.post(url(record, tail), {"version": "1", "reason": "x"}).status_code == 404
    assert Booking.objects.get().status == "BOOKED"


def test_a_delivered_record_is_read_only_for_another_location(kari, ingrid, record):
    services.record_status_update(
        record_id=record.pk,
        version=1,
        status=RecordStatus.DELIVERED,
        delivery_date=timezone.now(),
        live_birth=True,
        actor=kari[1],
    )
    client, _ = ingrid
    response = client.post(url(record, "new/"), {**FORM, "day": in_days(3)})
    assert response.status_code == 403
    assert not Booking.objects.exists()


def test_the_record_page_costs_the_same_queries_with_many_bookings(kari, record):
    client, actor = kari
    empty = make_pregnancy(actor, edd=edd_at(20), name="Empty")

    def count(pregnancy):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/records/{pregnancy.pk}/").status_code == 200
        return len(queries)

    for days in range(1, 13):
        booking = book(record, actor, days=days)
        if days % 3 == 0:
            services.booking_cancel(
                record_id=record.pk, booking_id=booking.pk, version=1, reason="x", actor=actor
            )
    count(empty)
    assert count(empty) == count(record)


# --- the plan --------------------------------------------------------------------------------------------


def plan_post(page_text: str, untick: frozenset[int] = frozenset(), **details) -> dict:
    """The plan form as the browser would send it, the weeks in `untick` unticked."""
    data = {"place": "Room 3", "with_whom": "", "duration_minutes": ""}
    data.update(details)
    for name, value in re.findall(r'name="(visit-[^"]+)"[^>]*?value="([^"]*)"', page_text):
        data[name] = value
    weeks = {k.split("-")[1]: int(v) for k, v in data.items() if k.endswith("-week")}
    for index, week in weeks.items():
        if week not in untick:
            data[f"visit-{index}-book"] = "on"
    return data


def test_the_plan_offers_the_visits_still_to_come_and_books_the_ticked_ones(kari, record, settings):
    settings.VISIT_SCHEDULE = "NO"
    client, _ = kari
    page = client.get(url(record, "plan/"))
    assert page.status_code == 200
    body = text(page)
    assert "Helsedirektoratet" in body
    assert "Routine ultrasound" not in body  # 18 weeks has passed at 30
    assert "Overdue: as soon as possible" in body  # no visit recorded yet: her booking visit first
    response = client.post(url(record, "plan/"), plan_post(body, untick=frozenset({41})))
    assert response.status_code == 302, text(response)
    assert sorted(Booking.objects.values_list("planned_week", flat=True)) == [10, 32, 36, 38, 40]
    again = text(client.get(url(record, "plan/")))
    assert "visit-0-week" in again and 'value="41"' in again and 'value="32"' not in again


def test_accepting_the_same_plan_twice_books_nothing_the_second_time(kari, record):
    client, _ = kari
    body = text(client.get(url(record, "plan/")))
    assert client.post(url(record, "plan/"), plan_post(body)).status_code == 302
    count = Booking.objects.count()
    second = client.post(url(record, "plan/"), plan_post(body))
    assert second.status_code == 409
    assert "nothing was booked" in text(second)
    assert Booking.objects.count() == count


def test_a_plan_needs_a_due_date(kari, location_a):
    client, actor = kari
    no_edd = services.record_create(national_id=parse_national_id(new_nin()), actor=actor)
    page = client.get(url(no_edd, "plan/"))
    assert page.status_code == 200
    assert "no agreed due date" in text(page)


def test_the_nice_schedule_is_a_setting(kari, record, settings):
    settings.VISIT_SCHEDULE = "NICE"
    body = text(kari[0].get(url(record, "plan/")))
    assert "NG201" in body and "Antenatal check (first pregnancy)" in body


@pytest.mark.parametrize(
    "tail, form",
    [
        ("", {**FORM, "day": "2030-01-01"}),
        ("cancel/", {"reason": "She moved"}),
        ("visit/", {"appointment_date": "2026-01-01"}),
    ],
    ids=["change", "cancel", "visit"],
)
def test_a_booking_form_posted_without_its_version_is_shown_again_and_changes_nothing(
    kari, record, tail, form
):
    client, actor = kari
    booking = book(record, actor)

    response = client.post(url(record, f"{booking.pk}/{tail}"), form)

    assert response.status_code == 400
    assert "which version" in text(response)
    booking.refresh_from_db()
    assert (booking.version, booking.status) == (1, "BOOKED")
