"""How the database keeps FeedEntry (who may learn of which event) in step with events and grants.

Three triggers, so that no code path (services, admin, guardian, a bulk load's later grants) can forget:

- An event commits: one entry for each stakeholder its record has then (a Care Location's group, or a
  user who broke glass). On PostgreSQL this runs at COMMIT right after the position trigger
  (`event_positions`; "zzz_" sorts after its "zz_"), while the position counter is still locked.
- A grant is added: entries for every event the record already has, so a new stakeholder sees the whole
  record, as before. A grant removed: its entries go.
- Both are serialised through the position counter: the grant trigger runs at COMMIT too and locks the
  counter row first. An event that committed before it is visible to it; an event that commits after it
  waits for the counter and then sees the grant. So an event and a grant committing side by side can
  never leave an entry out (or, on removal, one behind).

SQLite (development) has one writer at a time and position = sequence, so plain triggers do.
"""

from django.db import connection, transaction

from maternity.database.event_positions import COUNTER_TABLE
from maternity.database.triggers import run_for_vendor

ENTRY = "maternity_feedentry"
EVENT = "maternity_recordevent"
ACCESS = "(SELECT id FROM auth_permission WHERE codename = 'access_pregnancy')"

# (grant table, column naming the stakeholder)
GRANTS = (
    ("maternity_pregnancygrouppermission", "group_id"),
    ("maternity_pregnancyuserpermission", "user_id"),
)


def _stakeholders_of_record(
    record: str, position: str, resource_type: str, none: str = "NULL::integer"
) -> str:
    """SELECT rows (group_id, user_id, position, resource_type) for every stakeholder of `record`."""
    return f"""
        SELECT g.group_id, {none}, {position}, {resource_type} FROM {GRANTS[0][0]} g
            WHERE g.content_object_id = {record} AND g.permission_id IN {ACCESS}
        UNION ALL
        SELECT {none}, u.user_id, {position}, {resource_type} FROM {GRANTS[1][0]} u
            WHERE u.content_object_id = {record} AND u.permission_id IN {ACCESS}"""


def _postgres_grant_function(table: str, column: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION {table}_feed() RETURNS trigger AS $$
DECLARE
    changed {table}%ROWTYPE;
BEGIN
    IF TG_OP = 'DELETE' THEN changed := OLD; ELSE changed := NEW; END IF;
    -- Wait for any event committing now, and hold back the next ones until this grant is visible.
    PERFORM 1 FROM {COUNTER_TABLE} WHERE id = 1 FOR UPDATE;
    -- The grant as it stands at commit (it may have been added and taken back in this transaction).
    IF EXISTS (
        SELECT 1 FROM {table}
        WHERE content_object_id = changed.content_object_id AND {column} = changed.{column}
          AND permission_id IN {ACCESS}
    ) THEN
        INSERT INTO {ENTRY} ({column}, position, resource_type)
            SELECT changed.{column}, e.position, e.resource_type FROM {EVENT} e
            WHERE e.record_id = changed.content_object_id AND e.position IS NOT NULL
            ON CONFLICT DO NOTHING;
    ELSE
        DELETE FROM {ENTRY} f USING {EVENT} e
            WHERE e.record_id = changed.content_object_id AND e.position IS NOT NULL
              AND f.position = e.position AND f.{column} = changed.{column};
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER zzz_feed_entries AFTER INSERT OR DELETE ON {table}
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {table}_feed();
"""


POSTGRES_INSTALL = f"""
CREATE OR REPLACE FUNCTION {EVENT}_feed() RETURNS trigger AS $$
DECLARE
    committed_position bigint;
BEGIN
    SELECT position INTO committed_position FROM {EVENT} WHERE sequence = NEW.sequence;
    IF committed_position IS NULL THEN  -- deleted later in its own transaction: no position, no entries
        RETURN NULL;
    END IF;
    INSERT INTO {ENTRY} (group_id, user_id, position, resource_type)
        {_stakeholders_of_record("NEW.record_id", "committed_position", "NEW.resource_type")}
        ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER zzz_feed_entries AFTER INSERT ON {EVENT}
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {EVENT}_feed();
""" + "".join(_postgres_grant_function(table, column) for table, column in GRANTS)

POSTGRES_UNINSTALL = "".join(
    f"DROP TRIGGER IF EXISTS zzz_feed_entries ON {table}; DROP FUNCTION IF EXISTS {table}_feed();\n"
    for table in (EVENT, *(table for table, _ in GRANTS))
)

SQLITE_INSTALL = [
    # Django leaves out unique constraints with INCLUDE columns on SQLite; without them entries would repeat.
    *(
        f"CREATE UNIQUE INDEX IF NOT EXISTS feed_entry_{column}_position ON {ENTRY} ({column}, position) "
        f"WHERE {column} IS NOT NULL"
        for _, column in GRANTS
    ),
    f"""CREATE TRIGGER IF NOT EXISTS {EVENT}_feed AFTER INSERT ON {EVENT}
    BEGIN
        INSERT OR IGNORE INTO {ENTRY} (group_id, user_id, position, resource_type)
        {_stakeholders_of_record("NEW.record_id", "NEW.sequence", "NEW.resource_type", none="NULL")};
    END""",
    *(
        statement
        for table, column in GRANTS
        for statement in (
            f"""CREATE TRIGGER IF NOT EXISTS {table}_feed_added AFTER INSERT ON {table}
            WHEN NEW.permission_id IN {ACCESS}
            BEGIN
                INSERT OR IGNORE INTO {ENTRY} ({column}, position, resource_type)
                    SELECT NEW.{column}, e.position, e.resource_type FROM {EVENT} e
                    WHERE e.record_id = NEW.content_object_id AND e.position IS NOT NULL;
            END""",
            f"""CREATE TRIGGER IF NOT EXISTS {table}_feed_removed AFTER DELETE ON {table}
            WHEN OLD.permission_id IN {ACCESS}
            BEGIN
                DELETE FROM {ENTRY} WHERE {column} = OLD.{column}
                    AND position IN (SELECT position FROM {EVENT} WHERE record_id = OLD.content_object_id);
            END""",
        )
    ),
]

SQLITE_UNINSTALL = [
    *(f"DROP INDEX IF EXISTS feed_entry_{column}_position" for _, column in GRANTS),
    f"DROP TRIGGER IF EXISTS {EVENT}_feed",
    *(
        f"DROP TRIGGER IF EXISTS {table}_feed_{change}"
        for table, _ in GRANTS
        for change in ("added", "removed")
    ),
]

BACKFILL_BATCH = 500_000  # events per transaction: bounded memory for the foreign-key checks


def install(schema_editor) -> None:
    run_for_vendor(schema_editor, postgres=POSTGRES_INSTALL, sqlite=SQLITE_INSTALL)


def uninstall(schema_editor) -> None:
    run_for_vendor(schema_editor, postgres=POSTGRES_UNINSTALL, sqlite=SQLITE_UNINSTALL)


def backfill() -> int:
    """Entries for the events that committed before the triggers were installed, a batch of positions at
    a time, each in its own transaction. Safe beside live traffic: the triggers already write the entries
    of new events and grants, and an entry both write is kept once."""
    written = 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MIN(position), 0), COALESCE(MAX(position), 0) FROM {EVENT}")
        first, last = cursor.fetchone()
        for start in range(first, last + 1, BACKFILL_BATCH):
            with transaction.atomic():
                cursor.execute(
                    f"""INSERT INTO {ENTRY} (group_id, user_id, position, resource_type)
                    SELECT g.group_id, NULL, e.position, e.resource_type
                        FROM {EVENT} e JOIN {GRANTS[0][0]} g ON g.content_object_id = e.record_id
                        WHERE e.position >= %s AND e.position < %s AND g.permission_id IN {ACCESS}
                    UNION ALL
                    SELECT NULL, u.user_id, e.position, e.resource_type
                        FROM {EVENT} e JOIN {GRANTS[1][0]} u ON u.content_object_id = e.record_id
                        WHERE e.position >= %s AND e.position < %s AND u.permission_id IN {ACCESS}
                    ON CONFLICT DO NOTHING""",
                    [start, start + BACKFILL_BATCH] * 2,
                )
                written += cursor.rowcount
    return written
