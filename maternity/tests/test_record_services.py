"""The record services on their own: creation is all or nothing, one active record per person."""

import pytest
from django.db import IntegrityError, transaction

from conftest import new_nin
from maternity import services
from maternity.errors import AlreadyExists, Invalid
from maternity.models import (
    CareLocationEpisode,
    Mother,
    Person,
    Pregnancy,
    PregnancyGroupPermission,
    RecordEvent,
    RecordStatus,
)
from maternity.rules.identifiers import parse_national_id


def counts():
    return (
        Person.objects.count(),
        Pregnancy.objects.count(),
        Mother.objects.count(),
        RecordEvent.objects.count(),
        Mother.history.count(),
        CareLocationEpisode.objects.count(),
    )


@pytest.mark.django_db
def test_create_with_one_invalid_resource_creates_nothing(midwife_actor):
    before = counts()
    with pytest.raises(Invalid):
        services.record_create(
            national_id=parse_national_id(new_nin()),
            actor=midwife_actor,
            resources={
                "mother": {"name": "Mamma Ku"},
                "vitalMeasurementsBeforePregnancy": {"height": 2800.0},  # 28 metres
            },
        )
    assert counts() == before


@pytest.mark.django_db
def test_creator_becomes_stakeholder_and_active_location(midwife_actor, location_a):
    record = services.record_create(national_id=parse_national_id(new_nin()), actor=midwife_actor)
    assert record.active_care_location == location_a
    assert PregnancyGroupPermission.objects.filter(content_object=record, group=location_a.group).exists()
    episode = CareLocationEpisode.objects.get(record=record)
    assert episode.care_location == location_a


@pytest.mark.django_db
def test_second_active_record_for_a_person_is_refused(midwife_actor):
    nin = parse_national_id(new_nin())
    services.record_create(national_id=nin, actor=midwife_actor)
    with pytest.raises(AlreadyExists):
        services.record_create(national_id=nin, actor=midwife_actor)
    assert Pregnancy.objects.filter(person__identifier_value=nin.value).count() == 1


@pytest.mark.django_db
def test_database_refuses_a_second_active_record_even_around_the_services(record):
    duplicate = Pregnancy(
        person=record.person,
        status=RecordStatus.ACTIVE,
        created_at=record.created_at,
        created_by_location=record.created_by_location,
        active_care_location=record.active_care_location,
        record_last_updated=record.record_last_updated,
        last_updated=record.last_updated,
        updated_by_user_type="SYSTEM",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


@pytest.mark.django_db
def test_every_change_is_a_version_with_who_and_when(record, midwife_actor):
    mother = services.resource_create(
        record_id=record.pk, resource_type="mother", data={"name": "Navn Navnesen"}, actor=midwife_actor
    )
    services.resource_update(
        record_id=record.pk,
        resource_type="mother",
        version=1,
        data={"name": "Navn Navnesen", "address": "Street 1"},
        actor=midwife_actor,
    )
    versions = list(Mother.history.filter(id=mother.pk).order_by("history_date"))
    assert [v.version for v in versions] == [1, 2]
    assert {v.updated_by_name for v in versions} == {"Kari Jordmor"}
    assert {v.updated_by_org_nr for v in versions} == {record.active_care_location.org_nr}
    assert versions[1].address == "Street 1"
    assert list(record.events.values_list("resource_type", "version").order_by("sequence")) == [
        ("record", 1),
        ("careLocations", 1),
        ("mother", 1),
        ("mother", 2),
    ]


def test_each_versions_history_row_is_the_one_django_simple_history_would_write(record, midwife_actor):
    """The write path writes the history row itself (one compiled INSERT); the row must be the one
    simple-history's own signal writes for the same state, field for field."""
    created = services.resource_create(
        record_id=record.pk, resource_type="mother", data={"name": "Navn Navnesen"}, actor=midwife_actor
    )
    updated = services.resource_update(
        record_id=record.pk,
        resource_type="mother",
        version=1,
        data={"address": "Street 1"},
        actor=midwife_actor,
    )
    ours = list(Mother.history.filter(id=created.pk).order_by("history_id"))
    assert [(row.history_type, row.version, row.history_change_reason) for row in ours] == [
        ("+", 1, "CREATED"),
        ("~", 2, "UPDATED"),
    ]

    updated._history_user, updated._history_date = ours[1].history_user, ours[1].history_date
    updated._change_reason = ours[1].history_change_reason
    updated.save()  # simple-history's signal writes its own row of the same state
    theirs = Mother.history.filter(id=created.pk).latest("history_id")

    def columns(row):
        fields = [f.attname for f in row._meta.concrete_fields if f.attname != "history_id"]
        return {name: getattr(row, name) for name in fields}

    assert columns(ours[1]) == columns(theirs)
    assert ours[1].history_date == updated.last_updated


@pytest.mark.django_db
def test_a_person_with_an_invalid_national_id_does_not_validate():
    from django.core.exceptions import ValidationError

    from maternity.rules.identifiers import NHS_NUMBER, NO_FNR

    with pytest.raises(ValidationError, match="check digit"):
        Person(identifier_system=NHS_NUMBER, identifier_value="9434765918").full_clean()
    nin = parse_national_id(new_nin())
    person = Person(identifier_system=NO_FNR, identifier_value=nin.value)
    person.full_clean()
    assert person.date_of_birth == nin.birth_date


@pytest.mark.django_db
def test_a_created_person_gets_the_date_of_birth_the_number_encodes(record):
    assert record.person.date_of_birth == parse_national_id(record.person.identifier_value).birth_date
