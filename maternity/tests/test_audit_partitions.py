"""The audit trail's monthly partitions (PostgreSQL): each entry lands in its month's partition; a month
without one keeps its entries in the default partition until `ensure_months` moves them; the database still
refuses changes on every partition; migration 0006 moves a populated table without losing a row or an id;
and `manage.py audit_partitions` keeps the months ready."""

import importlib
import io
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.utils import InternalError
from django.utils import timezone

from maternity.database.audit_partitions import (
    DEFAULT_PARTITION,
    TABLE,
    add_months,
    ensure_months,
    is_partitioned,
    month_of,
    partition_name,
    partitions,
)
from maternity.models import AccessAction, AccessLog, AccessOutcome

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="partitioning is PostgreSQL's"),
    pytest.mark.django_db,
]

migration_0006 = importlib.import_module("maternity.migrations.0006_accesslog_partitioned_by_month")


def entry_at(moment: datetime, **extra) -> AccessLog:
    return AccessLog.objects.create(
        at=moment, action=AccessAction.READ, outcome=AccessOutcome.ALLOWED, detail="kept", **extra
    )


def partition_of(entry: AccessLog) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass::text FROM {TABLE} WHERE id = %s", [entry.pk])
        return cursor.fetchone()[0]


def all_rows() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {TABLE} ORDER BY id")
        return cursor.fetchall()


def refused(sql: str, params=()) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except InternalError as error:
        return "append-only" in str(error)
    return False


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def this_month() -> date:
    return month_of(timezone.now().astimezone(UTC))


def test_the_table_is_partitioned_with_this_month_the_next_three_and_a_default():
    names = {p.name for p in partitions()}
    assert is_partitioned()
    assert {partition_name(add_months(this_month(), n)) for n in range(4)} | {DEFAULT_PARTITION} <= names


def test_create_returns_the_id_and_the_entry_reads_back_by_it():
    first, second = entry_at(timezone.now()), entry_at(timezone.now())
    assert isinstance(first.pk, int) and second.pk == first.pk + 1
    assert AccessLog.objects.get(pk=second.pk).detail == "kept"
    assert list(AccessLog.objects.filter(pk__in=[first.pk, second.pk])) == [second, first]


def test_an_entry_lands_in_the_partition_of_its_utc_month():
    ensure_months(date(2031, 1, 1), date(2031, 2, 1))
    oslo = ZoneInfo("Europe/Oslo")
    assert partition_of(entry_at(timezone.now())) == partition_name(this_month())
    assert partition_of(entry_at(utc(2031, 1, 31, 23, 59, 59))) == "maternity_accesslog_2031_01"
    assert partition_of(entry_at(utc(2031, 2, 1))) == "maternity_accesslog_2031_02"
    assert partition_of(entry_at(datetime(2031, 2, 1, 0, 30, tzinfo=oslo))) == "maternity_accesslog_2031_01"


def test_an_entry_of_a_month_without_partition_is_kept_in_default_until_ensure_months_moves_it():
    entry = entry_at(utc(2035, 3, 10, 12), reason="Unconscious at A&E")
    neighbour = entry_at(utc(2035, 5, 1))
    assert partition_of(entry) == partition_of(neighbour) == DEFAULT_PARTITION
    before = all_rows()

    upkeep = ensure_months(date(2035, 2, 1), date(2035, 3, 31))

    assert upkeep.created == ["maternity_accesslog_2035_02", "maternity_accesslog_2035_03"]
    assert upkeep.moved == 1
    assert partition_of(entry) == "maternity_accesslog_2035_03"
    assert partition_of(neighbour) == DEFAULT_PARTITION
    assert all_rows() == before
    assert refused(f"DELETE FROM {DEFAULT_PARTITION}")  # attached again, with its trigger


def test_ensure_months_is_idempotent():
    ensure_months(date(2032, 1, 1), date(2032, 3, 1))
    again = ensure_months(date(2032, 1, 1), date(2032, 3, 1))
    assert (again.created, again.moved) == ([], 0)


def test_update_and_delete_are_refused_on_every_partition_and_through_the_table():
    ensure_months(date(2033, 6, 1), date(2033, 6, 1))  # one added after the migration
    entries = [entry_at(timezone.now()), entry_at(utc(2033, 6, 2)), entry_at(utc(2040, 1, 1))]
    for entry in entries:
        table = partition_of(entry)
        assert refused(f"UPDATE {table} SET detail = 'rewritten' WHERE id = %s", [entry.pk]), table
        assert refused(f"DELETE FROM {table} WHERE id = %s", [entry.pk]), table
        assert refused(f"UPDATE {TABLE} SET detail = 'rewritten' WHERE id = %s", [entry.pk])
        assert refused(f"DELETE FROM {TABLE} WHERE id = %s", [entry.pk])
    assert [AccessLog.objects.get(pk=entry.pk).detail for entry in entries] == ["kept"] * 3


def test_copy_into_the_table_routes_rows_to_their_months():
    ensure_months(date(2034, 1, 1), date(2034, 2, 1))
    columns = [
        f.column for f in AccessLog._meta.concrete_fields if not f.null and f.column not in ("id", "at")
    ]
    lines = [
        "\t".join([at, "READ", "ALLOWED"] + [""] * (len(columns) - 2))
        for at in ("2034-01-15 10:00:00+00", "2034-02-15 10:00:00+00", "2036-01-01 00:00:00+00")
    ]
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {TABLE} (at, {', '.join(columns)}) FROM STDIN", io.StringIO("\n".join(lines) + "\n")
        )
    copied = AccessLog.objects.filter(at__year__in=[2034, 2036]).order_by("at")
    assert [partition_of(entry) for entry in copied] == [
        "maternity_accesslog_2034_01",
        "maternity_accesslog_2034_02",
        DEFAULT_PARTITION,
    ]
    assert len({entry.pk for entry in copied}) == 3  # ids from the sequence


def test_the_migration_moves_a_populated_table_keeping_every_row_its_grants_and_the_id_sequence():
    entry_at(timezone.now())
    with connection.schema_editor() as editor:
        migration_0006.unpartition(None, editor)
    assert not is_partitioned()
    for moment in (utc(2024, 1, 5), utc(2024, 1, 31, 23), utc(2025, 7, 1), timezone.now(), utc(2090, 5, 1)):
        entry_at(moment, ip="10.0.0.1", record_id="3f2504e0-4f89-11d3-9a0c-0305e82c3301", person_id=7)
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT SELECT ON {TABLE} TO PUBLIC")
    before = all_rows()

    with connection.schema_editor() as editor:
        migration_0006.partition(None, editor)

    assert is_partitioned()
    assert all_rows() == before
    months = [date(2024, 1, 1), date(2025, 7, 1), *(add_months(this_month(), n) for n in range(4))]
    assert [p.name for p in partitions()] == [
        *(partition_name(month) for month in months),
        "maternity_accesslog_2090_05",  # a stray date gets its month, not every month up to it
        DEFAULT_PARTITION,
    ]
    assert [p.rows for p in partitions(exact=True) if p.name == DEFAULT_PARTITION] == [0]
    assert entry_at(timezone.now()).pk == before[-1][0] + 1
    assert refused(f"DELETE FROM {TABLE}")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class, aclexplode(relacl) acl WHERE oid = %s::regclass "
            "AND acl.grantee = 0 AND privilege_type = 'SELECT'",
            [TABLE],
        )
        assert cursor.fetchone()[0] == 1


def test_audit_partitions_prepares_the_coming_months_and_empties_the_default_partition():
    stray = entry_at(utc(2037, 8, 8))
    out = io.StringIO()

    call_command("audit_partitions", "--ahead", "5", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[:3] == [
        f"Created {partition_name(add_months(this_month(), 4))}.",
        f"Created {partition_name(add_months(this_month(), 5))}.",
        "Created maternity_accesslog_2037_08.",
    ]
    assert lines[3] == f"Moved 1 entry from {DEFAULT_PARTITION} into their months."
    assert partition_of(stray) == "maternity_accesslog_2037_08"
    out = io.StringIO()
    call_command("audit_partitions", "--ahead", "5", stdout=out)
    assert "Created" not in out.getvalue() and "Moved" not in out.getvalue()


def test_audit_partitions_list_shows_each_partition_with_its_rows_and_size():
    entry_at(timezone.now())
    out = io.StringIO()

    call_command("audit_partitions", "--list", "--exact", stdout=out)

    header, *rows = out.getvalue().splitlines()
    assert header.split()[:3] == ["partition", "rows", "size"]
    by_name = {row.split()[0]: row.split() for row in rows}
    assert by_name[partition_name(this_month())][1] == "1"
    assert by_name[DEFAULT_PARTITION][1] == "0"
    assert "DEFAULT" in by_name[DEFAULT_PARTITION]
    assert rows[-1].startswith(DEFAULT_PARTITION)


def test_audit_partitions_analyze_gives_the_whole_table_its_statistics():
    entry_at(timezone.now())
    out = io.StringIO()

    call_command("audit_partitions", "--analyze", stdout=out)

    assert out.getvalue().splitlines()[-1] == "Analyzed the whole table."
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = %s AND inherited", [TABLE])
        assert cursor.fetchone()[0] > 0
