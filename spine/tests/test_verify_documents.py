"""`manage.py verify_documents`: every stored document against a fresh build; --repair rewrites the ones
that differ; exit 1 while any differs."""

import io
from uuid import UUID

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from conftest import new_nin
from maternity import services
from maternity.models import Pregnancy, RecordDocument
from maternity.reads.documents import record_id_ranges
from maternity.rules.identifiers import parse_national_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(midwife_actor) -> list[Pregnancy]:
    made = []
    for _ in range(5):
        record = services.record_create(national_id=parse_national_id(new_nin()), actor=midwife_actor)
        services.resource_create(
            record_id=record.pk, resource_type="mother", data={"name": "Kari Nordmann"}, actor=midwife_actor
        )
        made.append(record)
    return made


def verify(*options) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_documents", "--batch", "2", *options, stdout=out, stderr=err)
    except SystemExit as exit:
        return exit.code, out.getvalue()
    return 0, out.getvalue()


def test_a_clean_database_passes(records):
    code, out = verify()

    assert code == 0
    assert "5 records checked" in out and "every document matches its rows" in out


def test_missing_behind_and_different_documents_are_found_then_repaired(records):
    missing, behind, different = records[0], records[1], records[2]
    RecordDocument.objects.filter(record_id=missing.pk).delete()
    RecordDocument.objects.filter(record_id=behind.pk).update(revision=1)
    row = RecordDocument.objects.get(record_id=different.pk)
    RecordDocument.objects.filter(pk=row.pk).update(body=row.body.replace("Kari Nordmann", "Someone Else"))

    code, out = verify()

    assert code == 1
    assert "1 missing, 1 behind, 1 different" in out
    assert (
        f"{missing.pk}: missing" in out
        and f"{behind.pk}: behind" in out
        and f"{different.pk}: different" in out
    )
    assert (
        RecordDocument.objects.filter(record_id=missing.pk).count() == 0
    )  # nothing changed without --repair

    assert verify("--repair")[0] == 1
    code, out = verify()
    assert code == 0 and "every document matches its rows" in out


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="workers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_workers_side_by_side_check_and_repair_every_record_once(midwife_actor):
    made = [
        services.record_create(national_id=parse_national_id(new_nin()), actor=midwife_actor)
        for _ in range(12)
    ]
    RecordDocument.objects.filter(record_id__in=[record.pk for record in made[:7]]).delete()

    code, out = verify("--repair", "--workers", "2")

    assert code == 1
    assert "12 records checked" in out and "7 missing, 0 behind, 0 different (repaired)" in out
    code, out = verify("--workers", "2")
    assert code == 0
    assert "12 records checked" in out and "every document matches its rows" in out
    assert RecordDocument.objects.count() == 12


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the refusal is SQLite's")
def test_workers_are_refused_on_sqlite(records):
    with pytest.raises(CommandError, match="--workers needs PostgreSQL"):
        call_command("verify_documents", "--workers", "2", stdout=io.StringIO(), stderr=io.StringIO())


def test_the_id_ranges_cover_the_key_space_once_in_order():
    ranges = record_id_ranges(4)
    assert ranges[0][0] is None and ranges[-1][1] is None
    assert all(stop == start for (_, stop), (start, _) in zip(ranges, ranges[1:], strict=False))
    assert ranges[1][0] == UUID("40000000-0000-0000-0000-000000000000")
