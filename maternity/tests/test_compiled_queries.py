"""A queryset compiled once (maternity/compiled_queries.py) gives the rows the ORM gives, for any values."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import new_nin
from maternity import services
from maternity.compiled_queries import CompiledQuery
from maternity.identifiers import parse_national_id
from maternity.models import Pregnancy

pytestmark = pytest.mark.django_db


def records_of(*, system, value, created_by):
    return Pregnancy.objects.filter(
        person__identifier_system=system, person__identifier_value=value, created_by_location_id=created_by
    ).values_list("pk", "person__identifier_value", "status")[:1]


def test_it_answers_as_the_orm_does_for_every_set_of_values(midwife_actor, location_a, location_b):
    made = [
        services.record_create(national_id=parse_national_id(new_nin()), actor=midwife_actor)
        for _ in range(3)
    ]
    query = CompiledQuery(records_of)
    calls = [
        {
            "system": record.person.identifier_system,
            "value": record.person.identifier_value,
            "created_by": at.pk,
        }
        for record in made
        for at in (location_a, location_b)
    ]

    for values in calls:
        expected = next(iter(records_of(**values)), None)
        row = query.first(**values)
        assert (row is None) == (expected is None)
        if row is not None:
            assert (uuid.UUID(str(row[0])), *row[1:]) == expected


def test_it_compiles_once_and_then_only_runs_sql(record):
    query = CompiledQuery(
        lambda *, record_id: Pregnancy.objects.filter(pk=record_id).values_list("status")[:1]
    )
    query.first(record_id=record.pk)

    with CaptureQueriesContext(connection) as queries:
        assert query.first(record_id=record.pk) == ("ACTIVE",)
        assert query.first(record_id=uuid.uuid4()) is None

    assert len(queries) == 2


def test_fixed_arguments_choose_the_shape(record):
    def build(*, record_id, only_active):
        found = Pregnancy.objects.filter(pk=record_id)
        return (found.filter(status="ACTIVE") if only_active else found.exclude(status="ACTIVE")).values_list(
            "status"
        )[:1]

    query = CompiledQuery(build)

    assert query.first(fixed={"only_active": True}, record_id=record.pk) == ("ACTIVE",)
    assert query.first(fixed={"only_active": False}, record_id=record.pk) is None


def test_a_value_that_cannot_be_told_apart_must_be_fixed(record):
    query = CompiledQuery(lambda *, flag: Pregnancy.objects.filter(live_birth=flag).values_list("pk")[:1])

    with pytest.raises(TypeError, match="boolean"):
        query.first(flag=True)
