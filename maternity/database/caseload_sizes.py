"""How the database keeps CaseloadSize (each Care Location's count of ACTIVE pregnancies) exact.

A trigger on Pregnancy moves the count whenever a pregnancy enters or leaves a location's caseload:
created ACTIVE, status changed, active care pulled to another location, deleted. It runs inside the same
transaction as the change, so the count commits (or rolls back) with it. The rows it touches are locked
in Care Location order, so two pulls in opposite directions wait for each other instead of deadlocking.
`recount()` rebuilds every count from the pregnancies (after a bulk load with triggers off).
"""

from django.db import connection, transaction

from maternity.database.triggers import run_for_vendor

SIZE = "maternity_caseloadsize"
RECORD = "maternity_pregnancy"

POSTGRES_INSTALL = f"""
CREATE OR REPLACE FUNCTION {RECORD}_caseload_size() RETURNS trigger AS $$
DECLARE
    left_location bigint;   -- whose caseload the pregnancy left (NULL: none)
    joined_location bigint; -- whose caseload it joined
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.status = 'ACTIVE' THEN
        left_location := OLD.active_care_location_id;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status = 'ACTIVE' THEN
        joined_location := NEW.active_care_location_id;
    END IF;
    IF left_location IS NOT DISTINCT FROM joined_location THEN
        RETURN NULL;
    END IF;
    INSERT INTO {SIZE} (care_location_id, active)
        SELECT location, 0 FROM unnest(ARRAY[left_location, joined_location]) AS location
        WHERE location IS NOT NULL
        ON CONFLICT (care_location_id) DO NOTHING;
    PERFORM 1 FROM {SIZE} WHERE care_location_id IN (left_location, joined_location)
        ORDER BY care_location_id FOR UPDATE;
    UPDATE {SIZE} SET active = active + CASE care_location_id WHEN joined_location THEN 1 ELSE -1 END
        WHERE care_location_id IN (left_location, joined_location);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER caseload_size AFTER INSERT OR DELETE OR UPDATE OF status, active_care_location_id
    ON {RECORD} FOR EACH ROW EXECUTE FUNCTION {RECORD}_caseload_size();
"""

POSTGRES_UNINSTALL = f"""
DROP TRIGGER IF EXISTS caseload_size ON {RECORD};
DROP FUNCTION IF EXISTS {RECORD}_caseload_size();
"""

# SQLite (development): one writer at a time, so no locking; a trigger per way in and out.
_JOIN = f"""INSERT OR IGNORE INTO {SIZE} (care_location_id, active) VALUES (NEW.active_care_location_id, 0);
        UPDATE {SIZE} SET active = active + 1 WHERE care_location_id = NEW.active_care_location_id;"""
_LEAVE = f"UPDATE {SIZE} SET active = active - 1 WHERE care_location_id = OLD.active_care_location_id;"
_MOVED = "(OLD.status IS NOT NEW.status OR OLD.active_care_location_id IS NOT NEW.active_care_location_id)"
_ON_UPDATE = f"AFTER UPDATE OF status, active_care_location_id ON {RECORD}"
SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS caseload_size_insert AFTER INSERT ON {RECORD}
    WHEN NEW.status = 'ACTIVE' AND NEW.active_care_location_id IS NOT NULL
    BEGIN {_JOIN} END""",
    f"""CREATE TRIGGER IF NOT EXISTS caseload_size_delete AFTER DELETE ON {RECORD}
    WHEN OLD.status = 'ACTIVE' BEGIN {_LEAVE} END""",
    f"""CREATE TRIGGER IF NOT EXISTS caseload_size_leave {_ON_UPDATE}
    WHEN OLD.status = 'ACTIVE' AND {_MOVED} BEGIN {_LEAVE} END""",
    f"""CREATE TRIGGER IF NOT EXISTS caseload_size_join {_ON_UPDATE}
    WHEN NEW.status = 'ACTIVE' AND NEW.active_care_location_id IS NOT NULL AND {_MOVED} BEGIN {_JOIN} END""",
]
SQLITE_UNINSTALL = [
    f"DROP TRIGGER IF EXISTS caseload_size_{change}" for change in ("insert", "delete", "leave", "join")
]

RECOUNT = f"""
UPDATE {SIZE} SET active = 0;
INSERT INTO {SIZE} (care_location_id, active)
    SELECT active_care_location_id, COUNT(*) FROM {RECORD}
    WHERE status = 'ACTIVE' AND active_care_location_id IS NOT NULL
    GROUP BY active_care_location_id
    ON CONFLICT (care_location_id) DO UPDATE SET active = excluded.active;
"""


def install(schema_editor) -> None:
    run_for_vendor(schema_editor, postgres=POSTGRES_INSTALL, sqlite=SQLITE_INSTALL)


def uninstall(schema_editor) -> None:
    run_for_vendor(schema_editor, postgres=POSTGRES_UNINSTALL, sqlite=SQLITE_UNINSTALL)


def recount() -> None:
    """Every location's count from the pregnancies themselves, in one transaction. On PostgreSQL it locks
    the pregnancies against writes meanwhile (share mode: reads go on), so no change slips between."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {RECORD} IN SHARE MODE")
        for statement in filter(str.strip, RECOUNT.split(";")):
            cursor.execute(statement)
