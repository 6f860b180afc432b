"""A break-glass reason is a code from a short list and a sentence (at least MIN_REASON characters once
trimmed): the find itself refuses anything less, whoever calls it, and keeps the code in the grant, the
note and the audit trail (on PostgreSQL in every monthly partition of it)."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection

from maternity import services
from maternity.actors import Actor
from maternity.database.audit_partitions import (
    DEFAULT_PARTITION,
    TABLE,
    ensure_months,
    partition_name,
    partitions,
)
from maternity.errors import Invalid, UnknownCode
from maternity.models import (
    AccessAction,
    AccessLog,
    AccessOutcome,
    BreakGlassReason,
    Note,
    NoteKind,
    PregnancyGroupPermission,
    StakeholderReason,
    UserType,
)
from maternity.reads.access import can_access
from maternity.rules.identifiers import parse_national_id
from maternity.rules.pregnancy_keys import PregnancyKeys
from maternity.services.finding import MAX_REASON, MIN_REASON, break_glass_reason_check

DOB = date(1994, 5, 17)
EDD = date(2027, 3, 1)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pregnancy(midwife_actor, nin):
    return services.record_create(
        national_id=parse_national_id(nin),
        actor=midwife_actor,
        resources={"currentPregnancy": {"due_date_corrected_date": EDD}},
    )


@pytest.fixture
def stranger(location_b):
    """A client system's acting user at location B, which does not care for her."""
    return Actor(
        user_type=UserType.HEALTH_CARE_PROFESSIONAL,
        care_location=location_b,
        client_id="epj-b",
        name="Ingrid Haugen",
        hpr_nr="9144890",
    )


def find(pregnancy, actor, *, code: str | None = "EMERGENCY", reason: str | None = "Brought in by ambulance"):
    keys = PregnancyKeys(parse_national_id(pregnancy.person.identifier_value), DOB, EDD)
    return services.record_find_by_keys(keys=keys, reason_code=code, reason=reason, actor=actor)


def test_there_are_five_reason_codes_with_other_last():
    assert BreakGlassReason.values == ["EMERGENCY", "LABOUR", "TRANSFER", "PATIENT_REQUEST", "OTHER"]


@pytest.mark.parametrize("reason", ["", " ", "x", "in labour", "  in labour  \n"])
def test_the_find_itself_refuses_a_reason_shorter_than_ten_characters(pregnancy, stranger, reason):
    with pytest.raises(Invalid) as refused:
        find(pregnancy, stranger, reason=reason)
    assert refused.value.field == "break-glass-reason"
    assert f"at least {MIN_REASON} characters" in refused.value.message
    assert not can_access(stranger, pregnancy)
    assert not Note.objects.filter(kind=NoteKind.BREAK_GLASS).exists()


def test_the_find_itself_refuses_a_reason_longer_than_the_limit(pregnancy, stranger):
    with pytest.raises(Invalid) as refused:
        find(pregnancy, stranger, reason="x" * (MAX_REASON + 1))
    assert refused.value.field == "break-glass-reason"
    assert not can_access(stranger, pregnancy)


@pytest.mark.parametrize("code", [None, "", "  "])
def test_the_find_itself_refuses_a_missing_code_listing_the_codes(pregnancy, stranger, code):
    with pytest.raises(Invalid) as refused:
        find(pregnancy, stranger, code=code)
    assert refused.value.field == "break-glass-reason-code"
    assert refused.value.message.startswith("A break-glass reason code is required: one of EMERGENCY (")
    assert not can_access(stranger, pregnancy)


def test_the_find_itself_refuses_an_unknown_code(pregnancy, stranger):
    with pytest.raises(UnknownCode) as refused:
        find(pregnancy, stranger, code="emergency")  # codes are exact
    assert refused.value.field == "break-glass-reason-code"
    assert not can_access(stranger, pregnancy)


def test_other_asks_the_text_to_say_what_the_reason_is():
    with pytest.raises(Invalid) as refused:
        break_glass_reason_check(code="OTHER", text="other")
    assert refused.value.message.startswith("Say what the other reason is in at least 10 characters")


@pytest.mark.parametrize("code", BreakGlassReason.values)
def test_each_code_with_a_real_reason_breaks_glass_and_is_kept_everywhere(pregnancy, stranger, code):
    found = find(pregnancy, stranger, code=code, reason="  Seen at our clinic today  ")
    assert found.broke_glass and can_access(stranger, pregnancy)
    label = BreakGlassReason(code).label
    grant = PregnancyGroupPermission.objects.get(
        content_object=pregnancy, reason=StakeholderReason.BREAK_GLASS
    )
    assert grant.detail == f"{label} ({code}): Seen at our clinic today"
    note = Note.objects.get(record=pregnancy, kind=NoteKind.BREAK_GLASS)
    assert note.text.endswith(f"Reason: {label}: Seen at our clinic today")


def test_the_audit_trail_keeps_the_code_as_sent_even_when_it_was_refused():
    entry = services.access_log_write(
        action=AccessAction.FIND, outcome=AccessOutcome.REJECTED, reason_code="NOT A CODE" * 10, reason="x"
    )
    entry.refresh_from_db()
    assert entry.reason_code == ("NOT A CODE" * 10)[:40]
    assert entry.get_reason_code_display() == entry.reason_code  # an unknown code shows as sent


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="partitioning is PostgreSQL's")
def test_every_monthly_partition_of_the_audit_trail_has_the_reason_code_column():
    later = date(2040, 6, 1)
    ensure_months(later, later)  # a partition made after the migration, LIKE the parent
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.columns WHERE column_name = 'reason_code' "
            "AND table_name LIKE %s",
            [f"{TABLE}%"],
        )
        with_column = {name for (name,) in cursor.fetchall()}
    names = {partition.name for partition in partitions()}
    assert {partition_name(later), DEFAULT_PARTITION} <= names
    assert names | {TABLE} <= with_column
    for moment in (datetime(2040, 6, 15, tzinfo=UTC), datetime(2099, 1, 1, tzinfo=UTC)):  # new and default
        entry = AccessLog.objects.create(
            at=moment, action=AccessAction.BREAK_GLASS, outcome=AccessOutcome.ALLOWED, reason_code="LABOUR"
        )
        assert AccessLog.objects.get(pk=entry.pk).reason_code == "LABOUR"
