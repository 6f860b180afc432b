"""Restricting, lifting and opening (maternity/services/restrictions.py): who may, bad input refused with a
clear error and nothing changed, and what each leaves behind (versions, events, the stored document, the
review queue)."""

from datetime import date

import pytest
from django.utils import timezone

from maternity import services
from maternity.errors import AlreadyExists, Invalid, NotAllowed, ResourceNotFound, UnknownCode
from maternity.models import (
    AccessReview,
    EventAction,
    RecordDocument,
    RecordEvent,
    RestrictedOpening,
    Restriction,
    ReviewKind,
)
from maternity.reads.restrictions import restrictions_of
from maternity.tests.restricted_world import restricted_record
from maternity.tests.web.factories import actor_for
from spine.tests.helpers import database_state


@pytest.fixture
def actor_b(location_b):
    return actor_for(None, location_b, "Ingrid Haugen")


@pytest.fixture
def medication(record, midwife_actor):
    return services.resource_create(
        record_id=record.pk,
        resource_type="medication",
        data={"note": "Sertraline 50 mg"},
        actor=midwife_actor,
    )


def _restrict(record, actor, **overrides):
    arguments = {"resource_type": "medication", "category": "MENTAL_HEALTH", **overrides}
    return services.restriction_add(record_id=record.pk, actor=actor, **arguments)


def test_restricting_moves_the_revision_writes_an_event_and_the_stored_restrictions(
    record, midwife_actor, medication
):
    record.refresh_from_db()
    revision = record.revision
    restriction = _restrict(record, midwife_actor, hidden_from_patient=True)
    record.refresh_from_db()
    assert record.revision == revision + 1
    event = RecordEvent.objects.filter(record=record).last()
    assert (event.action, event.resource_type, event.resource_id) == (
        EventAction.RESTRICTED,
        "medication",
        medication.pk,
    )
    stored = RecordDocument.objects.get(record=record)
    assert stored.revision == record.revision
    assert stored.restrictions == [
        {
            "id": restriction.pk,
            "type": "medication",
            "resourceId": None,
            "location": midwife_actor.care_location.pk,
            "category": "MENTAL_HEALTH",
            "hidden": True,
        }
    ]
    assert restriction.updated_by_name == midwife_actor.name and restriction.history.count() == 1


def test_lifting_keeps_the_restriction_with_who_lifted_it(record, midwife_actor, medication):
    restriction = _restrict(record, midwife_actor)
    services.restriction_lift(record_id=record.pk, restriction_id=restriction.pk, actor=midwife_actor)
    restriction.refresh_from_db()
    assert restriction.lifted and restriction.lifted_by_name == midwife_actor.name
    assert restriction.history.count() == 2
    assert RecordDocument.objects.get(record=record).restrictions == []
    assert RecordEvent.objects.filter(record=record).last().action == EventAction.RESTRICTION_LIFTED
    again = _restrict(record, midwife_actor)  # and it can be restricted again
    assert again.pk != restriction.pk


@pytest.mark.parametrize(
    "overrides, error, field",
    [
        ({"category": "GOSSIP"}, Invalid, "category"),
        ({"category": ""}, Invalid, "category"),
        ({"category": "MENTAL\x00HEALTH"}, Invalid, "category"),
        ({"resource_type": "mother"}, Invalid, "resourceType"),
        ({"resource_type": "currentPregnancy"}, Invalid, "resourceType"),
        ({"resource_type": "birthPlan"}, Invalid, "resourceType"),
        ({"resource_type": "careLocations"}, Invalid, "resourceType"),
        ({"resource_type": "nonsense"}, ResourceNotFound, "resourceType"),
        ({"resource_type": "lifestyleFactors"}, ResourceNotFound, None),  # none recorded
        ({"resource_type": "antenatalAppointments", "resource_id": "not-a-uuid"}, ResourceNotFound, None),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(record, midwife_actor, medication, overrides, error, field):
    before = database_state()
    with pytest.raises(error) as refused:
        _restrict(record, midwife_actor, **overrides)
    assert refused.value.field == field
    assert database_state() == before


def test_an_entry_is_restricted_once(record, midwife_actor, medication):
    _restrict(record, midwife_actor)
    with pytest.raises(AlreadyExists):
        _restrict(record, midwife_actor, category="OTHER")


def test_another_stakeholder_that_neither_cares_nor_wrote_it_cannot_restrict(record, medication, actor_b):
    services.stakeholder_grant(record=record, care_location=actor_b.care_location, reason="ACTIVE_CARE")
    with pytest.raises(NotAllowed):
        _restrict(record, actor_b)


def test_the_location_that_wrote_it_last_may_restrict_it(record, midwife_actor, actor_b):
    services.stakeholder_grant(record=record, care_location=actor_b.care_location, reason="ACTIVE_CARE")
    services.resource_create(
        record_id=record.pk, resource_type="medication", data={"note": "from B"}, actor=actor_b
    )
    assert _restrict(record, actor_b).care_location == actor_b.care_location


def test_a_client_system_cannot_restrict_or_open(record, medication, client_a, midwife_actor):
    with pytest.raises(NotAllowed):
        _restrict(record, client_a.client.actor())
    restriction = _restrict(record, midwife_actor)
    with pytest.raises(NotAllowed):
        services.restricted_entry_open(
            record_id=record.pk,
            restriction_id=restriction.pk,
            actor=client_a.client.actor(),
            reason_code="EMERGENCY",
            reason="Admitted acutely tonight",
        )


def test_only_the_restricting_location_lifts(record, midwife_actor, medication, actor_b):
    services.stakeholder_grant(record=record, care_location=actor_b.care_location, reason="ACTIVE_CARE")
    restriction = _restrict(record, midwife_actor)
    with pytest.raises(NotAllowed):
        services.restriction_lift(record_id=record.pk, restriction_id=restriction.pk, actor=actor_b)
    assert not Restriction.objects.get(pk=restriction.pk).lifted


@pytest.mark.parametrize(
    "code, text, error",
    [
        ("EMERGENCY", "", Invalid),
        ("EMERGENCY", "too short", Invalid),
        ("", "Admitted acutely tonight", Invalid),
        ("BORED", "Admitted acutely tonight", UnknownCode),
        ("EMERGENCY\x00", "Admitted acutely tonight", UnknownCode),
    ],
)
def test_opening_takes_a_reason(record, midwife_actor, medication, actor_b, code, text, error):
    services.stakeholder_grant(record=record, care_location=actor_b.care_location, reason="ACTIVE_CARE")
    restriction = _restrict(record, midwife_actor)
    with pytest.raises(error):
        services.restricted_entry_open(
            record_id=record.pk, restriction_id=restriction.pk, actor=actor_b, reason_code=code, reason=text
        )
    assert not RestrictedOpening.objects.exists()


def test_an_opening_is_kept_and_reviewed_by_the_restricting_location(
    record, midwife_actor, medication, actor_b, settings
):
    settings.RESTRICTED_OPENING_MINUTES = 30
    services.stakeholder_grant(record=record, care_location=actor_b.care_location, reason="ACTIVE_CARE")
    restriction = _restrict(record, midwife_actor)
    record.refresh_from_db()
    revision = record.revision
    opening = services.restricted_entry_open(
        record_id=record.pk,
        restriction_id=restriction.pk,
        actor=actor_b,
        reason_code="LABOUR",
        reason="In labour on our ward tonight",
    )
    assert (opening.until - opening.opened_at).total_seconds() == 30 * 60
    review = AccessReview.objects.get(kind=ReviewKind.RESTRICTED_OPENED)
    assert review.care_location == midwife_actor.care_location
    assert review.accessor_location == actor_b.care_location and review.reason_code == "LABOUR"
    record.refresh_from_db()
    assert record.revision == revision  # opening changes nothing in the record


def test_a_stranger_cannot_open_or_restrict(record, midwife_actor, medication, location_c):
    restriction = _restrict(record, midwife_actor)
    stranger = actor_for(None, location_c)
    from maternity.errors import NotFound

    with pytest.raises(NotFound):
        services.restricted_entry_open(
            record_id=record.pk,
            restriction_id=restriction.pk,
            actor=stranger,
            reason_code="EMERGENCY",
            reason="Admitted acutely tonight",
        )


def test_restrictions_of_reads_the_rows(record, midwife_actor, location_b):
    world = restricted_record(record=record, actor_a=midwife_actor, location_b=location_b)
    assert {r.resource_type for r in restrictions_of(world.record)} == {
        "medicalConditions",
        "antenatalAppointments",
    }


def test_appointments_from_another_day_can_be_restricted_one_by_one(record, midwife_actor):
    first = services.resource_create(
        record_id=record.pk,
        resource_type="antenatalAppointments",
        data={"appointment_date": date(2026, 10, 1)},
        actor=midwife_actor,
    )
    restriction = _restrict(
        record, midwife_actor, resource_type="antenatalAppointments", resource_id=first.pk
    )
    assert restriction.resource_id == first.pk


def test_a_delivered_records_entry_opens_too(record, midwife_actor, medication, actor_b):
    """Opening reads; it changes nothing, so a record that is read-only for her still opens."""
    services.stakeholder_grant(record=record, care_location=actor_b.care_location, reason="ACTIVE_CARE")
    restriction = _restrict(record, midwife_actor)
    record.refresh_from_db()
    services.record_status_update(
        record_id=record.pk,
        version=record.version,
        status="TERMINATED",
        termination_date=timezone.now(),
        actor=midwife_actor,
    )
    opening = services.restricted_entry_open(
        record_id=record.pk,
        restriction_id=restriction.pk,
        actor=actor_b,
        reason_code="TRANSFER",
        reason="Referred to us after the termination",
    )
    assert opening.restriction_id == restriction.pk
