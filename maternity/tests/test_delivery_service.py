"""The delivery step on its own (`services.record_deliver`): the status, labour and every baby in one
change, all or nothing; every refusal changes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from maternity import services
from maternity.actors import Actor
from maternity.errors import AlreadyExists, Invalid, NotAllowed, NotFound, VersionConflict
from maternity.models import (
    Birth,
    Labour,
    Note,
    Pregnancy,
    RecordDocument,
    RecordEvent,
    RecordStatus,
    UserType,
)

pytestmark = pytest.mark.django_db


def born(hours_ago: float = 3):
    return timezone.now() - timedelta(hours=hours_ago)


def baby(**changes) -> dict:
    return {
        "birth_time": born(),
        "sex": "FEMALE",
        "birth_weight": 2650,
        "live_birth": True,
        "mode_of_birth": "SPONTANEOUS_VAGINAL",
        "apgar_1_minute": 8,
        "apgar_5_minutes": 9,
        "apgar_10_minutes": 10,
        "resuscitation": False,
        "feeding": "BREAST",
        **changes,
    }


LABOUR = {
    "onset": "INDUCED",
    "induction_reason": "Twins at 37 weeks",
    "augmentation": True,
    "first_stage_minutes": 360,
    "second_stage_minutes": 45,
    "third_stage_minutes": 10,
    "blood_loss_ml": 650,
    "perineal_trauma": "SECOND_DEGREE",
    "analgesia": ["NITROUS_OXIDE", "EPIDURAL"],
}


def state(record) -> tuple:
    """Everything the delivery step may write, to show that a refusal wrote none of it."""
    root = Pregnancy.objects.get(pk=record.pk)
    return (
        root.status,
        root.version,
        root.live_birth,
        Birth.objects.filter(record=record).count(),
        Labour.objects.filter(record=record).count(),
        Note.objects.filter(record=record).count(),
        RecordEvent.objects.filter(record=record).count(),
        RecordDocument.objects.get(record=record).revision,
    )


def deliver(record, actor, **changes):
    arguments = {"version": record.version, "babies": [baby()], "labour": LABOUR, **changes}
    return services.record_deliver(record_id=record.pk, actor=actor, **arguments)


def test_twins_are_recorded_with_the_status_and_labour_in_one_change(record, midwife_actor):
    first, second = born(3), born(2.5)
    delivered = deliver(
        record,
        midwife_actor,
        babies=[
            baby(birth_time=first),
            baby(birth_time=second, sex="MALE", birth_weight=2410, resuscitation=True, feeding="MIXED"),
        ],
    )
    root = Pregnancy.objects.get(pk=record.pk)
    assert (root.status, root.version, root.live_birth) == (RecordStatus.DELIVERED, 2, True)
    assert root.delivery_date == first  # the first baby's time, when no delivery date is given
    births = list(Birth.objects.filter(record=record).order_by("birth_time"))
    assert [b.birth_weight for b in births] == [2650, 2410]
    assert [b.pk for b in births] == [b.pk for b in delivered.births]
    labour = Labour.objects.get(record=record)
    assert (labour.onset, labour.blood_loss_ml, labour.analgesia) == (
        "INDUCED",
        650,
        ["NITROUS_OXIDE", "EPIDURAL"],
    )
    assert labour.newborns == [
        {"birthId": str(births[0].pk), "resuscitation": False, "feeding": "BREAST"},
        {"birthId": str(births[1].pk), "resuscitation": True, "feeding": "MIXED"},
    ]
    assert Note.objects.filter(record=record, text="Status changed from ACTIVE to DELIVERED.").exists()
    events = RecordEvent.objects.filter(record=record, version__gte=1).order_by("pk")
    written = [event.resource_type for event in events][-5:]  # after the record's creation
    assert written == ["record", "notes", "births", "births", "labour"]
    assert '"labour"' in RecordDocument.objects.get(record=record).body


def test_the_record_is_a_live_birth_when_any_baby_is_born_alive(record, midwife_actor):
    deliver(record, midwife_actor, babies=[baby(live_birth=False), baby(live_birth=True)])
    assert Pregnancy.objects.get(pk=record.pk).live_birth is True


def test_the_record_is_not_a_live_birth_when_every_baby_is_stillborn(record, midwife_actor):
    deliver(record, midwife_actor, babies=[baby(live_birth=False, apgar_1_minute=0)])
    assert Pregnancy.objects.get(pk=record.pk).live_birth is False


def test_a_delivery_date_given_is_kept(record, midwife_actor):
    at = born(4)
    deliver(record, midwife_actor, delivery_date=at)
    assert Pregnancy.objects.get(pk=record.pk).delivery_date == at


@pytest.mark.parametrize(
    "changes, error, field",
    [
        ({"babies": []}, "at least one baby", "babies"),
        ({"babies": [baby()] * 9}, "At most 8 babies", "babies"),
        ({"babies": [baby(), baby(live_birth=None)]}, "Baby 2: say whether", "babies[1].live_birth"),
        ({"babies": [baby(birth_time=None)]}, "Baby 1: give the time of birth", "babies[0].birth_time"),
        ({"babies": [baby(), baby(birth_weight=70000)]}, "Baby 2: birth_weight", "babies[1].birth_weight"),
        (
            {"babies": [baby(), baby(apgar_5_minutes=11)]},
            "Baby 2: apgar_5_minutes",
            "babies[1].apgar_5_minutes",
        ),
        ({"babies": [baby(), baby(sex="GIRL")]}, "Baby 2: sex", "babies[1].sex"),
        ({"babies": [baby(feeding="JUICE")]}, "Baby 1: unknown feeding", "babies[0].feeding"),
        ({"babies": [baby(resuscitation="yes")]}, "Baby 1: resuscitation", "babies[0].resuscitation"),
        (
            {"babies": [baby(birth_time=born(1))], "delivery_date": born(24 * 5)},
            "more than 2 days",
            "babies[0].birth_time",
        ),
        (
            {"babies": [baby(birth_time=born(24 * 2))], "delivery_date": born(1)},
            "before the day of delivery",
            "babies[0].birth_time",
        ),
        (
            {"babies": [baby(birth_time=timezone.now() + timedelta(days=2))]},
            "in the future",
            "recordStatus.deliveryDate",
        ),
        (
            {"labour": {**LABOUR, "analgesia": ["NONE", "EPIDURAL"]}},
            "no analgesia cannot go",
            "labour.analgesia",
        ),
        ({"labour": {**LABOUR, "analgesia": ["WHISKY"]}}, "analgesia is a list", "labour.analgesia"),
        ({"labour": {**LABOUR, "newborns": []}}, "written by the delivery step", "labour.newborns"),
        ({"labour": {**LABOUR, "colour": "red"}}, "unknown field colour", "labour.colour"),
        ({"labour": {**LABOUR, "blood_loss_ml": 50000}}, "Labour: blood_loss_ml", "labour.blood_loss_ml"),
        ({"labour": {**LABOUR, "onset": "SUDDEN"}}, "Labour: onset", "labour.onset"),
    ],
)
def test_every_refusal_names_the_baby_or_field_and_changes_nothing(
    record, midwife_actor, changes, error, field
):
    before = state(record)
    with pytest.raises(Invalid) as refused:
        deliver(record, midwife_actor, **changes)
    assert error in refused.value.message
    assert refused.value.field == field
    assert state(record) == before


def test_a_second_baby_that_fails_leaves_no_first_baby_behind(record, midwife_actor):
    before = state(record)
    with pytest.raises(Invalid, match="Baby 2"):
        deliver(record, midwife_actor, babies=[baby(), baby(gestation_weeks=60)])
    assert state(record) == before
    assert not Birth.objects.exists()


def test_a_stale_version_is_refused_and_changes_nothing(record, midwife_actor):
    before = state(record)
    with pytest.raises(VersionConflict):
        deliver(record, midwife_actor, version=record.version + 1)
    assert state(record) == before


def test_an_already_delivered_record_is_refused(record, midwife_actor):
    deliver(record, midwife_actor)
    record.refresh_from_db()
    before = state(record)
    with pytest.raises(Invalid, match="already DELIVERED"):
        deliver(record, midwife_actor)
    assert state(record) == before


def test_a_record_corrected_back_to_active_keeps_its_babies_and_is_refused(record, midwife_actor):
    deliver(record, midwife_actor)
    services.record_status_update(record_id=record.pk, version=2, status="ACTIVE", actor=midwife_actor)
    record.refresh_from_db()
    before = state(record)
    with pytest.raises(AlreadyExists, match="already has births"):
        deliver(record, midwife_actor)
    assert state(record) == before


def test_after_its_babies_are_entered_in_error_the_delivery_writes_a_new_version_of_labour(
    record, midwife_actor
):
    first = deliver(record, midwife_actor)
    services.record_status_update(record_id=record.pk, version=2, status="ACTIVE", actor=midwife_actor)
    services.resource_enter_in_error(
        record_id=record.pk, resource_type="births", resource_id=first.births[0].pk, actor=midwife_actor
    )
    record.refresh_from_db()
    again = deliver(record, midwife_actor, labour={"onset": "SPONTANEOUS"})
    labour = Labour.objects.get(record=record)
    assert (labour.version, labour.onset, labour.blood_loss_ml) == (2, "SPONTANEOUS", None)
    assert labour.newborns == [
        {"birthId": str(again.births[0].pk), "resuscitation": False, "feeding": "BREAST"}
    ]


def test_the_pregnant_person_cannot_record_a_delivery(record):
    patient = Actor(user_type=UserType.PATIENT, name="Ada")
    before = state(record)
    with pytest.raises(NotAllowed):
        deliver(record, patient)
    assert state(record) == before


def test_a_midwife_whose_location_is_no_stakeholder_finds_no_record(record, location_c):
    stranger = Actor(user_type=UserType.HEALTH_CARE_PROFESSIONAL, care_location=location_c, name="Siri")
    before = state(record)
    with pytest.raises(NotFound):
        deliver(record, stranger)
    assert state(record) == before
