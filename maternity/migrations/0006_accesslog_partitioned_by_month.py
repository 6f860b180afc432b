"""The audit trail, partitioned by month of `at` on PostgreSQL (docs/data-growth.md).

PostgreSQL cannot turn a table into a partitioned one in place, so the partitioned table is built beside the
old one and the rows are copied over, all in this migration's one transaction, with the table locked:

1. the old table is renamed out of the way; its identity sequence too, and its indexes are dropped (their
   names are wanted for the new ones);
2. the new table has the same columns, partitioned by range of `at`: one partition per month (UTC months)
   for each month that has entries and for this month and the next three, and a DEFAULT partition, so an
   entry whose month has no partition yet is still kept (`manage.py audit_partitions` moves it out later);
3. the rows are copied with their ids, and the new id sequence goes on exactly where the old one stood;
4. the primary key (id, at) and the indexes are built on the parent, which builds them on every partition,
   now and on each one added later. PostgreSQL requires the partition key in a primary key; Django goes on
   treating `id` as the primary key (the sequence keeps it unique);
5. the append-only trigger is created on the parent, which puts it on every partition;
6. the old table's grants are given again on the new one, and the old table is dropped.

The index changes apply on every database: each listing index now ends with (at, id), the order of every
listing read backwards, so a page needs no sort (ascending, as a descending index on an ever-growing time
splits its pages half-empty); and the record, person and location references lose their own indexes, which
the composite ones lead with. On SQLite (the demonstration) that is all this migration does.

Reversing it builds one plain table again from every partition still attached.
"""

from datetime import UTC, date, datetime

import django.db.models.deletion
from django.db import migrations, models

TABLE = "maternity_accesslog"
ASIDE = "maternity_accesslog_old"
MONTHS_AHEAD = 3

INDEXES = {
    "accesslog_record_at": "(record_id, at, id)",
    "accesslog_person_at": "(person_id, at, id)",
    "accesslog_location_at": "(care_location_id, at, id)",
    "accesslog_at": "(at, id)",
    "maternity_accesslog_user_id_6ca6f825": "(user_id)",  # as before
}
# As 0003 made them: the references' own indexes (Django's names), the composite ones descending, no id.
OLD_INDEXES = {
    "maternity_accesslog_record_id_22f09a15": "(record_id)",
    "maternity_accesslog_person_id_b3b4f53f": "(person_id)",
    "maternity_accesslog_care_location_id_6c7b0260": "(care_location_id)",
    "maternity_accesslog_user_id_6ca6f825": "(user_id)",
    "accesslog_record_at": "(record_id, at DESC)",
    "accesslog_person_at": "(person_id, at DESC)",
    "accesslog_location_at": "(care_location_id, at DESC)",
    "accesslog_at": "(at DESC)",
}
APPEND_ONLY_TRIGGER = f"""
CREATE TRIGGER maternity_accesslog_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION maternity_accesslog_append_only()
"""


def _month_start(moment: datetime) -> date:
    moment = moment.astimezone(UTC)
    return date(moment.year, moment.month, 1)


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _create_partitions(cursor, months: list[date]) -> None:
    for month in months:
        cursor.execute(
            f"CREATE TABLE {TABLE}_{month:%Y_%m} PARTITION OF {TABLE} "
            f"FOR VALUES FROM ('{month} 00:00:00+00') TO ('{_next_month(month)} 00:00:00+00')"
        )
    cursor.execute(f"CREATE TABLE {TABLE}_default PARTITION OF {TABLE} DEFAULT")


def _months_to_create(cursor) -> list[date]:
    """Each month that has entries, and this month and the next three. (Only months with entries: a
    stray date far in the past or future gets one partition, not every month up to it.)"""
    cursor.execute(f"SELECT DISTINCT date_trunc('month', at AT TIME ZONE 'UTC')::date FROM {ASIDE}")
    months = {month for (month,) in cursor.fetchall()}
    month = _month_start(datetime.now(UTC))
    for _ in range(MONTHS_AHEAD + 1):
        months.add(month)
        month = _next_month(month)
    return sorted(months)


def _set_aside(cursor) -> list[str]:
    """Rename the table (and its sequence) to ASIDE, drop its indexes; return its columns."""
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [TABLE])
    (sequence,) = cursor.fetchone()
    cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {ASIDE}")
    cursor.execute(f"ALTER SEQUENCE {sequence} RENAME TO {ASIDE}_id_seq")
    cursor.execute(
        "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p'", [ASIDE]
    )
    for (name,) in cursor.fetchall():
        cursor.execute(f'ALTER TABLE {ASIDE} DROP CONSTRAINT "{name}"')
    cursor.execute("SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = %s::regclass", [ASIDE])
    for (name,) in cursor.fetchall():
        cursor.execute(f"DROP INDEX {name}")
    cursor.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
        "AND NOT attisdropped ORDER BY attnum",
        [ASIDE],
    )
    return [f'"{name}"' for (name,) in cursor.fetchall()]


def _move_back_in(cursor, columns: list[str], *, order_by: str = "") -> None:
    """Copy every row from ASIDE into TABLE, continue its sequence, grant what ASIDE granted, drop it."""
    names = ", ".join(columns)
    cursor.execute(f"INSERT INTO {TABLE} ({names}) SELECT {names} FROM {ASIDE} {order_by}")
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence(%s, 'id'), last_value, is_called) FROM {ASIDE}_id_seq",
        [TABLE],
    )
    cursor.execute(
        "SELECT CASE WHEN acl.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(acl.grantee)) END,"
        " acl.privilege_type FROM pg_class, aclexplode(relacl) AS acl "
        "WHERE pg_class.oid = %s::regclass AND acl.grantee <> pg_class.relowner",
        [ASIDE],
    )
    for grantee, privilege in cursor.fetchall():
        cursor.execute(f"GRANT {privilege} ON {TABLE} TO {grantee}")
    cursor.execute(f"DROP TABLE {ASIDE}")


def partition(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor != "postgresql":
            _replace_indexes(cursor, OLD_INDEXES, INDEXES)
            return
        cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        columns = _set_aside(cursor)
        cursor.execute(
            f"CREATE TABLE {TABLE} (LIKE {ASIDE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
            "INCLUDING IDENTITY INCLUDING STORAGE INCLUDING COMMENTS) PARTITION BY RANGE (at)"
        )
        _create_partitions(cursor, _months_to_create(cursor))
        _move_back_in(cursor, columns)
        cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (id, at)")
        for name, columns_sql in INDEXES.items():
            cursor.execute(f"CREATE INDEX {name} ON {TABLE} {columns_sql}")
        cursor.execute(APPEND_ONLY_TRIGGER)
        cursor.execute(f"ANALYZE {TABLE}")


def unpartition(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor != "postgresql":
            _replace_indexes(cursor, INDEXES, OLD_INDEXES)
            return
        cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        columns = _set_aside(cursor)
        cursor.execute(
            f"CREATE TABLE {TABLE} (LIKE {ASIDE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
            "INCLUDING IDENTITY INCLUDING STORAGE INCLUDING COMMENTS)"
        )
        _move_back_in(cursor, columns, order_by="ORDER BY at, id")
        cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (id)")
        for name, columns_sql in OLD_INDEXES.items():
            cursor.execute(f"CREATE INDEX {name} ON {TABLE} {columns_sql}")
        cursor.execute(APPEND_ONLY_TRIGGER)
        cursor.execute(f"ANALYZE {TABLE}")


def _replace_indexes(cursor, old: dict, new: dict) -> None:
    for name in old:
        if new.get(name) != old[name]:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
    for name, columns_sql in new.items():
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {TABLE} {columns_sql}")


def _reference(to, **extra):
    return models.ForeignKey(
        blank=True,
        db_constraint=False,
        db_index=False,
        null=True,
        on_delete=django.db.models.deletion.DO_NOTHING,
        to=to,
        **extra,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("maternity", "0005_audit_event_feed_actions"),
    ]

    operations = [
        # The database side is all in `partition` below; these say the same to Django's model state.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="accesslog",
                    name="record",
                    field=_reference("maternity.pregnancy", related_name="access_log"),
                ),
                migrations.AlterField(
                    model_name="accesslog",
                    name="person",
                    field=_reference(
                        "maternity.person",
                        related_name="access_log",
                        help_text=(
                            "Whose record: kept also when no single record was involved (find, lookup)."
                        ),
                    ),
                ),
                migrations.AlterField(
                    model_name="accesslog",
                    name="care_location",
                    field=_reference("maternity.carelocation", related_name="access_log"),
                ),
                migrations.RemoveIndex(model_name="accesslog", name="accesslog_record_at"),
                migrations.RemoveIndex(model_name="accesslog", name="accesslog_person_at"),
                migrations.RemoveIndex(model_name="accesslog", name="accesslog_location_at"),
                migrations.RemoveIndex(model_name="accesslog", name="accesslog_at"),
                migrations.AddIndex(
                    model_name="accesslog",
                    index=models.Index(fields=["record", "at", "id"], name="accesslog_record_at"),
                ),
                migrations.AddIndex(
                    model_name="accesslog",
                    index=models.Index(fields=["person", "at", "id"], name="accesslog_person_at"),
                ),
                migrations.AddIndex(
                    model_name="accesslog",
                    index=models.Index(fields=["care_location", "at", "id"], name="accesslog_location_at"),
                ),
                migrations.AddIndex(
                    model_name="accesslog",
                    index=models.Index(fields=["at", "id"], name="accesslog_at"),
                ),
            ],
        ),
        migrations.RunPython(partition, unpartition),
    ]
