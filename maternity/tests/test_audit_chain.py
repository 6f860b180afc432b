"""The audit trail's hash chain: every entry, whoever writes it, is linked into its month's chain by the
database; Python and the database hash the same bytes; and `manage.py verify_audit` catches a database
superuser who alters, deletes or inserts entries (with the append-only trigger off, as an attacker would
turn it off), naming the first broken entry and exiting non-zero, while a clean trail passes."""

import io
import threading
import uuid
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.db.models import CharField, TextField
from django.utils import timezone

from maternity import services
from maternity.audit.chain import (
    HASHED_FIELDS,
    STRIPES,
    canonical,
    entry_hash,
    genesis,
    month_of,
    unhashed_columns,
)
from maternity.database.audit_chain import link_unchained
from maternity.models import AccessAction, AccessLog, AccessOutcome, AuditChainHead
from maternity.tests.web.conftest import practitioner, signed_in

TABLE = AccessLog._meta.db_table
POSTGRES = connection.vendor == "postgresql"
needs_postgres = [
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES, reason="partitions and concurrent connections are PostgreSQL's"),
]


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def write(*, at: datetime | None = None, **extra) -> AccessLog:
    """One entry, as the application writes it (one compiled INSERT); `at` in the past as a backdated one."""
    if at is None:
        entry = services.access_log_write(action=AccessAction.READ, outcome=AccessOutcome.ALLOWED, **extra)
    else:
        entry = AccessLog.objects.create(
            action=AccessAction.READ, outcome=AccessOutcome.ALLOWED, at=at, **extra
        )
    return AccessLog.objects.get(pk=entry.pk)


def chain(month: str) -> list[AccessLog]:
    """The month's entries in the order of their chain: one connection (the test's) appends to one chain."""
    entries = list(AccessLog.objects.filter(chain__startswith=f"{month}/").order_by("chain", "seq"))
    assert len({entry.chain for entry in entries}) <= 1
    return entries


def this_month() -> str:
    return month_of(timezone.now())


def verify(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("verify_audit", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def broken(*args) -> str:
    """verify_audit's report of a broken trail (it must fail)."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="broken") as failure:
        call_command("verify_audit", *args, stdout=out, stderr=err)
    assert failure.value.returncode == 1
    return err.getvalue()


@contextmanager
def as_superuser():
    """A database superuser at work: on PostgreSQL with every trigger off for the transaction (append-only and
    chain alike, `session_replication_role`); on SQLite, whose only guard is the chain trigger, without it."""
    with transaction.atomic(), connection.cursor() as cursor:
        if POSTGRES:
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:
            cursor.execute("DROP TRIGGER maternity_accesslog_chain")
        yield cursor
        if POSTGRES:
            cursor.execute("SET LOCAL session_replication_role = origin")
        else:
            from maternity.database.audit_chain import SQLITE_INSTALL

            for statement in SQLITE_INSTALL:
                cursor.execute(statement)


TEXT_COLUMNS = [
    field.column
    for field in AccessLog._meta.concrete_fields
    if isinstance(field, (CharField, TextField)) and not field.null
]


def raw_insert(cursor, *, at: datetime, **values) -> None:
    """An INSERT as a raw SQL writer sends it: every required column, nothing from the ORM."""
    row = dict.fromkeys(TEXT_COLUMNS, "") | {"action": "READ", "outcome": "ALLOWED"} | values
    row["at"] = connection.ops.adapt_datetimefield_value(at)
    cursor.execute(
        f"INSERT INTO {TABLE} ({', '.join(row)}) VALUES ({', '.join(['%s'] * len(row))})", list(row.values())
    )


def three_entries() -> list[AccessLog]:
    for n in range(3):
        write(detail=f"entry {n}")
    return chain(this_month())


# Every entry is linked


@pytest.mark.django_db
def test_an_api_read_and_a_page_view_are_chained_one_after_the_other(api, location_a):
    record_id = api.post("record", {}).json()["metadata"]["recordId"]
    assert api.get(f"record/{record_id}").status_code == 200
    web = signed_in(practitioner("kari", location_a))
    assert web.get(f"/records/{record_id}/").status_code == 200

    entries = chain(this_month())

    assert [entry.seq for entry in entries] == list(range(1, len(entries) + 1))
    assert [(e.action, e.client_id != "") for e in entries[-3:]] == [
        ("CREATE", True),
        ("READ", True),
        ("READ", False),
    ]
    assert entries[0].prev_hash == genesis(entries[0].chain)
    for before, after in zip(entries, entries[1:], strict=False):
        assert after.prev_hash == before.entry_hash
    head = AuditChainHead.objects.get(chain=entries[0].chain)
    assert (head.seq, head.hash) == (entries[-1].seq, entries[-1].entry_hash)


@pytest.mark.django_db
def test_the_database_and_python_hash_the_same_bytes_whatever_the_values():
    odd = [
        dict(detail="line one\nname=value\n", reason="Bevisstløs på akutten ☤", ip="2001:DB8:0:0::1"),
        dict(detail="NUL \x00 in a header", ip="::ffff:10.1.2.3", status_code=404, person_id=7),
        dict(
            record_id=uuid.UUID("3F2504E0-4F89-11D3-9A0C-0305E82C3301"), ip="10.0.0.1", resource_type="mother"
        ),
        dict(request_id="", reason_code="EMERGENCY", reason=""),
    ]
    entries = [write(**values) for values in odd]
    entries.append(write(at=utc(2026, 2, 28, 23, 59, 59)))  # whole seconds: no microseconds stored
    entries.append(write(at=datetime(2026, 3, 1, 0, 30, tzinfo=timezone.get_fixed_timezone(60))))

    for entry in entries:
        row = AccessLog.objects.filter(pk=entry.pk).values(*HASHED_FIELDS, "prev_hash", "entry_hash").get()
        assert row["entry_hash"] == entry_hash(row["prev_hash"], row), canonical(row)
    assert entries[-1].chain.startswith("2026-02/")  # 00:30 at UTC+1 is still February in UTC


def test_canonical_form_is_length_prefixed_lines_with_a_dash_for_null():
    values: dict = dict.fromkeys(HASHED_FIELDS)
    values.update(
        reason="",
        chain="2026-12/0",
        seq=3,
        at=utc(2026, 12, 6, 21, 5),
        detail="a\nb",
        ip=None,
        status_code=200,
    )

    lines = canonical(values).decode().split("\n")

    assert lines[0] == "maternity-audit-v1"
    assert "at=27:2026-12-06T21:05:00.000000Z" in lines
    assert "detail=3:a" in lines and "b" in lines  # the newline is inside the 3 bytes counted
    assert (
        "ip=-" in lines and "record_id=-" in lines and "status_code=3:200" in lines and "reason=0:" in lines
    )


def test_every_column_of_the_audit_entry_is_hashed_or_known_not_to_be():
    columns = [field.attname for field in AccessLog._meta.concrete_fields]
    assert unhashed_columns(columns) == []
    assert set(HASHED_FIELDS) <= set(columns)


@pytest.mark.django_db
def test_two_months_are_two_chains_each_from_its_own_genesis_and_verify_checks_both():
    november = [write(at=utc(2026, 11, 30, 23, 59, 59, 999999), detail=str(n)) for n in range(2)]
    december = write(at=utc(2026, 12, 1, 0, 0))
    late_november = write(at=utc(2026, 11, 15))  # appended after December began: seq 3, not by `at`

    stripe = november[0].chain[7:]  # this connection's chain of each month: "/n"
    assert [(e.chain, e.seq) for e in november] == [(f"2026-11{stripe}", 1), (f"2026-11{stripe}", 2)]
    assert (december.chain, december.seq) == (f"2026-12{stripe}", 1)
    assert december.prev_hash == genesis(f"2026-12{stripe}") != genesis(f"2026-11{stripe}")
    assert (late_november.chain, late_november.seq) == (f"2026-11{stripe}", 3)
    out, _ = verify()
    assert f"2026-11{stripe}: whole: 3 entries, seq 1-3" in out
    assert f"2026-12{stripe}: whole: 1 entries, seq 1-1" in out


@pytest.mark.django_db
def test_a_clean_trail_passes_with_one_line_per_chain():
    three_entries()
    write(at=utc(2026, 1, 5))

    out, err = verify()

    assert err == ""
    lines = out.splitlines()
    assert any(line.startswith("2026-01/") and ": whole: 1 entries" in line for line in lines)
    assert any(
        line.startswith(f"{this_month()}/") and ": whole: 3 entries, seq 1-3" in line for line in lines
    )
    assert lines[-1].endswith(" chain(s) checked, none broken.")


@pytest.mark.django_db
def test_chain_and_since_choose_the_months_and_a_bad_month_is_refused():
    write(at=utc(2025, 6, 1))
    write(at=utc(2026, 1, 5))

    [june] = chain("2025-06")
    assert f"{june.chain}: whole: 1 entries" in verify("--chain", "2025-06")[0]
    assert verify("--chain", june.chain)[0].splitlines()[0].startswith(f"{june.chain}: whole: 1 entries")
    only_2026 = verify("--since", "2026-01-03")[0]
    assert "2025-06" not in only_2026 and "2026-01/" in only_2026
    for bad in ("2026-13", "june", "2026-01/x"):
        with pytest.raises(CommandError, match="not a month"):
            verify("--chain", bad)
    with pytest.raises(CommandError, match="not a month"):
        verify("--since", "2026-01-xx")


# A superuser tampering is caught


@pytest.mark.django_db
def test_altered_content_is_caught_at_that_entry():
    first, second, third = three_entries()
    with as_superuser() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET detail = 'nothing to see' WHERE id = %s", [second.pk])

    report = broken()

    assert f"entry id {second.pk} (seq 2) was altered" in report


@pytest.mark.django_db
def test_an_altered_entry_whose_hash_was_recomputed_breaks_the_link_to_the_next():
    first, second, third = three_entries()
    row = AccessLog.objects.filter(pk=second.pk).values(*HASHED_FIELDS, "prev_hash").get()
    row["detail"] = "nothing to see"
    with as_superuser() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET detail = %s, entry_hash = %s WHERE id = %s",
            [row["detail"], entry_hash(row["prev_hash"], row), second.pk],
        )

    report = broken()

    assert f"entry id {third.pk} (seq 3) is not linked to entry id {second.pk} (seq 2)" in report
    assert "altered and its hash recomputed" in report


@pytest.mark.django_db
def test_the_last_entry_altered_and_rehashed_no_longer_matches_the_head():
    *_, last = three_entries()
    row = AccessLog.objects.filter(pk=last.pk).values(*HASHED_FIELDS, "prev_hash").get()
    row["outcome"] = AccessOutcome.DENIED
    with as_superuser() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET outcome = %s, entry_hash = %s WHERE id = %s",
            [row["outcome"], entry_hash(row["prev_hash"], row), last.pk],
        )

    assert f"entry id {last.pk} (seq 3) does not match the head's hash" in broken()


@pytest.mark.django_db
def test_a_deleted_entry_in_the_middle_is_a_gap():
    first, second, third = three_entries()
    with as_superuser() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [second.pk])

    report = broken()

    assert f"entry id {third.pk} (seq 3) follows entry id {first.pk} (seq 1): seq 2 missing" in report
    assert "deleted" in report


@pytest.mark.django_db
def test_a_deleted_last_entry_is_a_tail_the_head_still_counts():
    first, second, third = three_entries()
    with as_superuser() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [third.pk])

    report = broken()

    assert f"the head records 3 entries but the chain ends with entry id {second.pk} (seq 2)" in report
    assert "seq 3-3 deleted (the tail)" in report


@pytest.mark.django_db
def test_a_row_inserted_past_the_trigger_is_in_no_chain():
    three_entries()
    with as_superuser() as cursor:
        raw_insert(cursor, at=timezone.now(), username="ghost")
    forged = AccessLog.objects.get(username="ghost")

    assert f"entry id {forged.pk} (at " in broken()
    assert forged.chain is None


@pytest.mark.django_db
def test_a_forged_row_with_a_copied_position_repeats_a_seq():
    first, second, third = three_entries()
    row = AccessLog.objects.filter(pk=second.pk).values(*HASHED_FIELDS, "prev_hash").get()
    row["username"] = "ghost"
    columns = [*HASHED_FIELDS, "prev_hash", "entry_hash"]
    values = [row[name] for name in HASHED_FIELDS] + [row["prev_hash"], entry_hash(row["prev_hash"], row)]
    values[HASHED_FIELDS.index("record_id")] = None
    values[HASHED_FIELDS.index("at")] = second.at
    with as_superuser() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})", values
        )
    forged = AccessLog.objects.get(username="ghost")
    # The forged row sorts after the real seq 2 (a higher id), or would replace it if it came first.
    report = broken()

    assert f"entry id {forged.pk} (seq 2) repeats seq 2 of entry id {second.pk}" in report


@pytest.mark.django_db
def test_a_head_row_deleted_with_its_chain_intact_is_caught():
    three_entries()
    AuditChainHead.objects.filter(chain__startswith=f"{this_month()}/").delete()

    assert "the chain has no head row" in broken()


@pytest.mark.django_db
def test_a_whole_chain_rewritten_with_its_head_passes_alone_but_not_against_saved_anchors(tmp_path):
    first, second, third = three_entries()
    anchors = tmp_path / "anchors.json"
    verify("--anchors", str(anchors))
    write(detail="later, honestly")  # the chain goes on after the anchors were saved
    # Rewrite entry 2 and every link after it, and the head, consistently: only the anchors know.
    rows = list(AccessLog.objects.filter(chain=second.chain).order_by("seq").values(*HASHED_FIELDS, "id"))
    rows[1]["detail"] = "nothing to see"
    prev = first.entry_hash
    with as_superuser() as cursor:
        for row in rows[1:]:
            digest = entry_hash(prev, row)
            cursor.execute(
                f"UPDATE {TABLE} SET detail = %s, prev_hash = %s, entry_hash = %s WHERE id = %s",
                [row["detail"], prev, digest, row["id"]],
            )
            prev = digest
        cursor.execute(
            f"UPDATE {AuditChainHead._meta.db_table} SET hash = %s WHERE chain = %s", [prev, second.chain]
        )

    assert "whole" in verify()[0]
    report = broken("--anchors", str(anchors))
    assert f"entry id {third.pk} (seq 3) does not match the saved anchor" in report


@pytest.mark.django_db
def test_anchors_are_saved_only_from_a_whole_trail_and_kept_per_chain(tmp_path):
    three_entries()
    anchors = tmp_path / "anchors.json"

    out, _ = verify("--anchors", str(anchors))
    write()
    again, _ = verify("--anchors", str(anchors))

    assert "Anchors saved" in out
    assert "1 anchor(s) match" in again
    assert '"seq": 4' in anchors.read_text()


# Writers past the trigger: a bulk load, the rows before the chain


@pytest.mark.django_db
def test_entries_written_with_the_triggers_off_are_linked_afterwards_in_time_order():
    write(at=utc(2026, 5, 2))
    with as_superuser() as cursor:
        for day in (9, 3):
            raw_insert(cursor, at=utc(2026, 5, day), source_system="bulk")

    assert link_unchained() == 2

    linked = list(AccessLog.objects.filter(source_system="bulk").order_by("seq"))
    assert {entry.chain for entry in linked} == {"2026-05/0"}  # chain 0 of the month, after its head
    assert [entry.at.day for entry in linked] == [3, 9]
    assert linked[1].seq == linked[0].seq + 1 and linked[1].prev_hash == linked[0].entry_hash
    out, _ = verify("--chain", "2026-05")
    assert "2026-05/0: whole" in out and "none broken" in out


# PostgreSQL: concurrent writers, partitions


@pytest.mark.parametrize("writers", [8])
@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES, reason="threads with their own connections need PostgreSQL")
def test_concurrent_writers_make_one_gap_free_chain(writers):
    barrier = threading.Barrier(writers)
    per_writer = 15

    def run(index: int) -> None:
        try:
            barrier.wait()
            for n in range(per_writer):
                services.access_log_write(
                    action=AccessAction.READ, outcome=AccessOutcome.ALLOWED, detail=f"{index}-{n}"
                )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    entries = AccessLog.objects.filter(chain__startswith=f"{this_month()}/")
    by_chain: dict[str, list[int]] = {}
    for name, seq in entries.order_by("chain", "seq").values_list("chain", "seq"):
        by_chain.setdefault(name, []).append(seq)
    assert sum(len(seqs) for seqs in by_chain.values()) == writers * per_writer
    assert all(seqs == list(range(1, len(seqs) + 1)) for seqs in by_chain.values())  # each gap-free
    assert len(by_chain) > 1  # the writers did not all queue on one chain
    out, _ = verify("--chain", this_month())
    assert out.count(": whole:") == STRIPES and "none broken" in out


@pytest.mark.django_db
@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES, reason="partitioning is PostgreSQL's")
def test_entries_moved_out_of_the_default_partition_keep_their_links():
    from maternity.database.audit_partitions import ensure_months

    entries = [write(at=utc(2038, 4, day)) for day in (1, 2, 3)]
    assert len({entry.chain for entry in entries}) == 1

    assert ensure_months(date(2038, 4, 1), date(2038, 4, 1)).moved == 3

    assert [(e.pk, e.seq, e.entry_hash) for e in chain("2038-04")] == [
        (e.pk, e.seq, e.entry_hash) for e in entries
    ]
    assert f"{entries[0].chain}: whole: 3 entries" in verify("--chain", "2038-04")[0]


@pytest.mark.django_db
@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES, reason="partitioning is PostgreSQL's")
def test_an_archived_month_is_reported_not_checked_but_an_emptied_kept_month_is_broken():
    from maternity.database.audit_partitions import ensure_months

    ensure_months(date(2031, 1, 1), date(2031, 2, 1))
    write(at=utc(2031, 1, 10))
    write(at=utc(2031, 2, 10))
    with connection.cursor() as cursor:  # archived by hand, as docs/data-growth.md says
        cursor.execute(f"ALTER TABLE {TABLE} DETACH PARTITION maternity_accesslog_2031_01")
    with as_superuser() as cursor:
        cursor.execute("DELETE FROM maternity_accesslog_2031_02")

    report = broken("--since", "2031-01")

    archived = verify("--chain", "2031-01")[0]
    assert "archived (its partition is not attached; the head records 1 entries): not checked" in archived
    assert archived.count("archived") == STRIPES  # the month's other chains, empty, are archived with it
    assert "the head records 1 entries but the chain ends with no entry at all" in report
    assert report.count("BROKEN") == 1 and "2031-02/" in report


@pytest.mark.django_db
@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES, reason="the trigger under test is PostgreSQL's")
def test_raw_sql_and_copy_writers_are_chained_by_the_trigger_and_cannot_choose_their_links():
    write()
    with connection.cursor() as cursor:
        forged_links = dict(chain="1999-01", seq=1, prev_hash="x", entry_hash="y")
        raw_insert(cursor, at=timezone.now(), username="raw", **forged_links)
    raw = AccessLog.objects.get(username="raw")

    assert raw.chain.startswith(f"{this_month()}/") and raw.seq == 2
    assert "whole: 2 entries" in verify()[0]


@pytest.mark.django_db
def test_a_backdated_entry_joins_its_month_at_the_end_so_seq_not_at_is_the_order():
    write(at=timezone.now())
    backdated = write(at=timezone.now() - timedelta(seconds=30))

    assert backdated.seq == 2  # appended second, though its `at` is earlier
