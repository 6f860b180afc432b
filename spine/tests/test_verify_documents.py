"""`manage.py verify_documents`: every stored document against a fresh build; --repair rewrites the ones
that differ; exit 1 while any differs."""

import io

import pytest
from django.core.management import call_command

from conftest import new_nin
from maternity import services
from maternity.identifiers import parse_national_id
from maternity.models import Pregnancy, RecordDocument

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
    assert verify() == (0, verify()[1])
    assert "every document matches its rows" in verify()[1]
