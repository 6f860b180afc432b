"""Commit order for RecordEvents: how the feed and the webhooks never skip an event.

A RecordEvent's `sequence` is taken when its row is inserted. Two transactions can commit in the other
order (A takes 10, B takes 11, B commits, then A), so a reader that has seen 11 and asks for "after 11"
would never see 10. Instead, each event gets a `position` as its transaction commits:

- PostgreSQL: a deferred constraint trigger runs at COMMIT. It takes the next number from a one-row
  counter table; the counter row stays locked until the commit is visible, so positions become visible
  strictly in order, and the committed counter value is a high-water mark: every event at or below it is
  visible to anyone who can read the counter. It also sends NOTIFY so delivery workers wake at once.
  Only the commit itself is serialised (the lock is taken at the very end of the transaction); record
  locks are FOR NO KEY UPDATE so the foreign-key checks that run beside this trigger never wait on one.
- SQLite (development): one writer at a time, so insert order is commit order: position = sequence.

The counter is not a Django model, so test flushes leave it alone and positions are never reused.
"""

from django.db import DEFAULT_DB_ALIAS, connections

from maternity.database.triggers import run_for_vendor

NOTIFY_CHANNEL = "record_events"
COUNTER_TABLE = "maternity_event_position_counter"

POSTGRES_INSTALL = f"""
CREATE TABLE IF NOT EXISTS {COUNTER_TABLE} (id smallint PRIMARY KEY CHECK (id = 1), position bigint NOT NULL);
INSERT INTO {COUNTER_TABLE} (id, position)
    SELECT 1, COALESCE(MAX(sequence), 0) FROM maternity_recordevent
    ON CONFLICT (id) DO NOTHING;
UPDATE maternity_recordevent SET position = sequence, committed_at = occurred_at WHERE position IS NULL;

CREATE OR REPLACE FUNCTION maternity_recordevent_position() RETURNS trigger AS $$
DECLARE
    next_position bigint;
BEGIN
    -- The event may have been deleted later in its own transaction: then it takes no number.
    PERFORM 1 FROM maternity_recordevent WHERE sequence = NEW.sequence;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    INSERT INTO {COUNTER_TABLE} AS counter (id, position) VALUES (1, 1)
        ON CONFLICT (id) DO UPDATE SET position = counter.position + 1
        RETURNING counter.position INTO next_position;
    UPDATE maternity_recordevent SET position = next_position, committed_at = clock_timestamp()
        WHERE sequence = NEW.sequence;
    PERFORM pg_notify('{NOTIFY_CHANNEL}', '');
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

-- "zz_" so that, for one row, it runs after the foreign-key checks (triggers fire in name order).
CREATE CONSTRAINT TRIGGER zz_recordevent_position
    AFTER INSERT ON maternity_recordevent
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION maternity_recordevent_position();

-- Commit times only grow with position: a tiny BRIN index finds "events since <time>" for redelivery.
CREATE INDEX IF NOT EXISTS event_committed_at_brin ON maternity_recordevent USING brin (committed_at);
"""

POSTGRES_UNINSTALL = f"""
DROP INDEX IF EXISTS event_committed_at_brin;
DROP TRIGGER IF EXISTS zz_recordevent_position ON maternity_recordevent;
DROP FUNCTION IF EXISTS maternity_recordevent_position();
DROP TABLE IF EXISTS {COUNTER_TABLE};
"""

SQLITE_INSTALL = [
    "UPDATE maternity_recordevent SET position = sequence, committed_at = occurred_at WHERE position IS NULL",
    """CREATE TRIGGER IF NOT EXISTS maternity_recordevent_position AFTER INSERT ON maternity_recordevent
    BEGIN
        UPDATE maternity_recordevent
            SET position = NEW.sequence, committed_at = strftime('%Y-%m-%d %H:%M:%f', 'now')
            WHERE sequence = NEW.sequence;
    END""",
]

SQLITE_UNINSTALL = ["DROP TRIGGER IF EXISTS maternity_recordevent_position"]


def install(schema_editor) -> None:
    run_for_vendor(schema_editor, postgres=POSTGRES_INSTALL, sqlite=SQLITE_INSTALL)


def uninstall(schema_editor) -> None:
    run_for_vendor(schema_editor, postgres=POSTGRES_UNINSTALL, sqlite=SQLITE_UNINSTALL)


def committed_through(*, using: str = DEFAULT_DB_ALIAS) -> int:
    """The high-water mark: every event with a position at or below it has committed and is visible
    now; none above it was visible when this was read. Read it from the database the events are then read
    from (`using`): a replica's mark is its own, behind the primary's while it replays; the primary's would
    move a reader past events the replica does not show yet, and they would never be seen."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if _is_postgres(connection):
            cursor.execute(f"SELECT position FROM {COUNTER_TABLE} WHERE id = 1")
        else:  # AUTOINCREMENT: never reused, never goes back, even when events are deleted
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = 'maternity_recordevent'")
        row = cursor.fetchone()
    return row[0] if row else 0


def _is_postgres(conn) -> bool:
    return conn.vendor == "postgresql"
