"""Acknowledging an alert (`services.alerts.alert_acknowledge`): who may, what it writes, and every refusal
changing nothing."""

import pytest
from django.utils import timezone

from maternity.actors import Actor
from maternity.errors import AlreadyExists, Invalid, NotAllowed, NotFound, VersionConflict
from maternity.models import AlertAcknowledgement, EventAction, RecordEvent, UserType
from maternity.reads.alerts import record_alerts
from maternity.reads.record_page import record_page_queryset
from maternity.services.alerts import READING_CHANGED, alert_acknowledge
from maternity.tests.web.alerts_factories import book
from maternity.tests.web.factories import add_appointment, days_from_today, deliver, edd_at, make_pregnancy


@pytest.fixture
def stranger(location_b):
    return Actor(user_type=UserType.HEALTH_CARE_PROFESSIONAL, care_location=location_b, name="Ingrid Haugen")


@pytest.fixture
def high_bp(midwife_actor):
    """A pregnancy at 30+0 with a visit booked and BP 150/95 at today's appointment: one alert."""
    record = make_pregnancy(midwife_actor, edd=edd_at(30))
    book(midwife_actor, record, days=14)
    add_appointment(midwife_actor, record, on=days_from_today(0), blood_pressure="150/95")
    return record


def alerts_of(record):
    return record_alerts(record_page_queryset().get(pk=record.pk), now=timezone.now())


def the_alert(record):
    (alert,) = alerts_of(record)
    return alert.flag


def acknowledge(
    record, actor, flag, action="Rechecked after 20 min: 138/88. Review at the next visit.", **kw
):
    return alert_acknowledge(
        record_id=record.pk,
        alert_code=flag.code,
        subject=flag.subject,
        action_taken=action,
        actor=actor,
        **kw,
    )


def written(record) -> int:
    return AlertAcknowledgement.objects.filter(record=record).count()


def test_a_midwife_acknowledges_an_alert_saying_what_was_done(high_bp, midwife_actor):
    flag = the_alert(high_bp)
    assert flag.code == "bp-high" and flag.subject.startswith("antenatalAppointments/")
    ack = acknowledge(high_bp, midwife_actor, flag)
    assert (ack.alert_code, ack.subject, ack.version) == ("bp-high", flag.subject, 1)
    assert ack.alert_detail == "High blood pressure at the last appointment: 150/95 mmHg."
    assert (
        ack.updated_by_name == "Kari Jordmor" and ack.updated_by_org_name == midwife_actor.care_location.name
    )
    assert ack.action_taken.startswith("Rechecked after 20 min")
    (alert,) = alerts_of(high_bp)
    assert alert.acknowledged and alert.acknowledgement == ack


def test_an_acknowledgement_is_a_version_in_the_history_and_events(high_bp, midwife_actor):
    ack = acknowledge(high_bp, midwife_actor, the_alert(high_bp))
    event = RecordEvent.objects.filter(record=high_bp).order_by("-pk").first()
    assert (event.resource_type, event.resource_id, event.version, event.action) == (
        "alertAcknowledgements",
        ack.pk,
        1,
        EventAction.CREATED,
    )
    assert AlertAcknowledgement.history.filter(id=ack.pk, version=1).exists()


def test_a_new_reading_raises_the_alert_again(high_bp, midwife_actor):
    acknowledge(high_bp, midwife_actor, the_alert(high_bp))
    add_appointment(midwife_actor, high_bp, on=days_from_today(0), blood_pressure="152/96")
    (alert,) = alerts_of(high_bp)
    assert not alert.acknowledged


def test_acknowledging_a_reading_that_changed_is_a_conflict_and_writes_nothing(high_bp, midwife_actor):
    seen = the_alert(high_bp)
    add_appointment(midwife_actor, high_bp, on=days_from_today(0), blood_pressure="120/80")  # now normal
    with pytest.raises(VersionConflict) as refused:
        acknowledge(high_bp, midwife_actor, seen)
    assert refused.value.message == READING_CHANGED
    assert written(high_bp) == 0


def test_acknowledging_an_alert_that_never_stood_is_refused(high_bp, midwife_actor):
    flag = the_alert(high_bp)
    with pytest.raises(VersionConflict):
        alert_acknowledge(
            record_id=high_bp.pk,
            alert_code="fhr",
            subject=flag.subject,
            action_taken="x",
            actor=midwife_actor,
        )
    assert written(high_bp) == 0


@pytest.mark.parametrize("action", ["", "   \n ", None, "x" * 2001])
def test_the_action_taken_is_required_and_bounded(high_bp, midwife_actor, action):
    with pytest.raises(Invalid) as refused:
        acknowledge(high_bp, midwife_actor, the_alert(high_bp), action=action)
    assert refused.value.field == "actionTaken"
    assert written(high_bp) == 0


def test_acknowledging_again_is_refused_naming_who_did_it_unless_the_version_is_sent(high_bp, midwife_actor):
    flag = the_alert(high_bp)
    first = acknowledge(high_bp, midwife_actor, flag)
    with pytest.raises(AlreadyExists) as refused:
        acknowledge(high_bp, midwife_actor, flag, action="Again")
    assert "already acknowledged by Kari Jordmor" in refused.value.message
    with pytest.raises(VersionConflict):
        acknowledge(high_bp, midwife_actor, flag, action="Stale", version=2)
    assert AlertAcknowledgement.objects.get().version == 1
    second = acknowledge(
        high_bp, midwife_actor, flag, action="Seen by the obstetrician: labetalol.", version=1
    )
    assert (second.pk, second.version) == (first.pk, 2)
    assert list(
        AlertAcknowledgement.history.filter(id=first.pk)
        .order_by("version")
        .values_list("action_taken", flat=True)
    ) == [
        first.action_taken,
        "Seen by the obstetrician: labetalol.",
    ]


def test_a_version_for_an_alert_never_acknowledged_is_a_conflict(high_bp, midwife_actor):
    with pytest.raises(VersionConflict):
        acknowledge(high_bp, midwife_actor, the_alert(high_bp), version=1)
    assert written(high_bp) == 0


def test_a_stranger_gets_not_found_and_the_pregnant_person_is_not_allowed(high_bp, stranger):
    flag = the_alert(high_bp)
    with pytest.raises(NotFound):
        acknowledge(high_bp, stranger, flag)
    patient = Actor(user_type=UserType.PATIENT, name="Ada Nordmann")
    with pytest.raises(NotAllowed):
        acknowledge(high_bp, patient, flag)
    assert written(high_bp) == 0


def test_an_ended_record_has_no_alerts_to_acknowledge(midwife_actor):
    record = make_pregnancy(midwife_actor, edd=edd_at(30))
    flag = the_alert(record)  # no visit booked
    deliver(midwife_actor, record)
    assert alerts_of(record) == []
    with pytest.raises(VersionConflict):
        acknowledge(record, midwife_actor, flag)
