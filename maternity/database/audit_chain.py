"""The audit trail's hash chain in the database: the insert triggers that link every entry, whoever writes
it (the application's one compiled INSERT, a raw SQL writer, a bulk load), and the catch-up that links
entries written while the triggers were off. What is hashed and why: maternity/audit/chain.py.

PostgreSQL: a BEFORE INSERT trigger on the partitioned table (PostgreSQL clones it onto every partition)
locks the month's head row, sets `chain`, `seq`, `prev_hash` and `entry_hash`, and advances the head. The
insert stays one statement, and the head row lock (held to the end of the inserting transaction: the audit
entry is written in its own short transaction, outside the work's) puts the writers of one month in turn.
The hash is computed in SQL (`sha256()`, built in since PostgreSQL 11) over exactly the bytes
`maternity.audit.chain.canonical` makes, from the row as JSON so the function does not depend on the
order of the columns in a partition. An entry moved between partitions by the upkeep
(`audit_partitions._move_out_of_default`) keeps its links: the upkeep sets `maternity.audit_keep_links`
for its transaction.

SQLite (development): an AFTER INSERT trigger does the same with two UPDATEs of the new row, calling the
Python hash that each connection is given (`install_sqlite_functions`); SQLite has one writer at a time.
"""

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from maternity.audit.chain import HASHED_FIELDS, NOT_HASHED, entry_hash, genesis

TABLE = "maternity_accesslog"
HEADS = "maternity_auditchainhead"
KEEP_LINKS = "maternity.audit_keep_links"

_AT_SQL = "to_char((entry->>'at')::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"


def _postgres_parts() -> str:
    parts = []
    for name in HASHED_FIELDS:
        value = _AT_SQL if name == "at" else f"entry->>'{name}'"
        parts.append(f"maternity_audit_part('{name}', {value})")
    return "\n        || ".join(parts)


POSTGRES_INSTALL = f"""
CREATE OR REPLACE FUNCTION maternity_audit_part(name text, value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT name || '=' || CASE WHEN value IS NULL THEN '-' ELSE octet_length(value)::text || ':' || value END
        || E'\\n'
$$;

CREATE OR REPLACE FUNCTION maternity_audit_genesis(chain text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT encode(sha256(convert_to('maternity-audit-v1 genesis ' || chain, 'UTF8')), 'hex')
$$;

-- entry: the row as JSON (to_jsonb(NEW)); the bytes hashed are maternity/audit/chain.py's canonical form
CREATE OR REPLACE FUNCTION maternity_audit_hash(prev_hash text, entry jsonb) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT encode(sha256(convert_to(prev_hash || E'\\n' || 'maternity-audit-v1' || E'\\n'
        || {_postgres_parts()}, 'UTF8')), 'hex')
$$;

CREATE OR REPLACE FUNCTION maternity_accesslog_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    head_seq bigint;
    head_hash text;
BEGIN
    IF current_setting('{KEEP_LINKS}', true) = 'on' THEN
        RETURN NEW;  -- an entry moved between partitions keeps its links
    END IF;
    NEW.chain := to_char(NEW.at AT TIME ZONE 'UTC', 'YYYY-MM');
    SELECT seq, hash INTO head_seq, head_hash FROM {HEADS} WHERE chain = NEW.chain FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO {HEADS} (chain, seq, hash) VALUES (NEW.chain, 0, maternity_audit_genesis(NEW.chain))
            ON CONFLICT (chain) DO NOTHING;
        SELECT seq, hash INTO head_seq, head_hash FROM {HEADS} WHERE chain = NEW.chain FOR UPDATE;
    END IF;
    NEW.seq := head_seq + 1;
    NEW.prev_hash := head_hash;
    NEW.entry_hash := maternity_audit_hash(head_hash, to_jsonb(NEW));
    UPDATE {HEADS} SET seq = NEW.seq, hash = NEW.entry_hash WHERE chain = NEW.chain;
    RETURN NEW;
END
$$;

-- Links the entries that have no chain yet (written with the triggers off: a bulk load, or the rows that
-- existed before the chain), in order of (at, id), after each chain's last link. The caller turns the
-- append-only trigger off for its transaction (the entries are updated once, to be linked).
CREATE OR REPLACE FUNCTION maternity_accesslog_link_unchained() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    entry record;
    this_chain text;
    current_chain text;
    head_seq bigint;
    head_hash text;
    linked bigint := 0;
BEGIN
    FOR entry IN
        SELECT a.id, a.at, to_jsonb(a) AS data FROM {TABLE} a WHERE a.chain IS NULL ORDER BY a.at, a.id
    LOOP
        this_chain := to_char(entry.at AT TIME ZONE 'UTC', 'YYYY-MM');
        IF this_chain IS DISTINCT FROM current_chain THEN
            IF current_chain IS NOT NULL THEN
                UPDATE {HEADS} SET seq = head_seq, hash = head_hash WHERE chain = current_chain;
            END IF;
            INSERT INTO {HEADS} (chain, seq, hash) VALUES (this_chain, 0, maternity_audit_genesis(this_chain))
                ON CONFLICT (chain) DO NOTHING;
            SELECT seq, hash INTO head_seq, head_hash FROM {HEADS} WHERE chain = this_chain FOR UPDATE;
            current_chain := this_chain;
        END IF;
        UPDATE {TABLE} SET chain = this_chain, seq = head_seq + 1, prev_hash = head_hash,
            entry_hash = maternity_audit_hash(
                head_hash, entry.data || jsonb_build_object('chain', this_chain, 'seq', head_seq + 1))
            WHERE id = entry.id AND at = entry.at
            RETURNING seq, entry_hash INTO head_seq, head_hash;
        linked := linked + 1;
    END LOOP;
    IF current_chain IS NOT NULL THEN
        UPDATE {HEADS} SET seq = head_seq, hash = head_hash WHERE chain = current_chain;
    END IF;
    RETURN linked;
END
$$;

DROP TRIGGER IF EXISTS maternity_accesslog_chain ON {TABLE};
CREATE TRIGGER maternity_accesslog_chain BEFORE INSERT ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION maternity_accesslog_chain();
"""

POSTGRES_UNINSTALL = f"""
DROP TRIGGER IF EXISTS maternity_accesslog_chain ON {TABLE};
DROP FUNCTION IF EXISTS maternity_accesslog_chain();
DROP FUNCTION IF EXISTS maternity_accesslog_link_unchained();
DROP FUNCTION IF EXISTS maternity_audit_hash(text, jsonb);
DROP FUNCTION IF EXISTS maternity_audit_genesis(text);
DROP FUNCTION IF EXISTS maternity_audit_part(text, text);
"""

_CHAIN = "substr(NEW.at, 1, 7)"  # SQLite keeps `at` as UTC text, "YYYY-MM-DD HH:MM:SS[.ffffff]"
SQLITE_INSTALL = [
    "DROP TRIGGER IF EXISTS maternity_accesslog_chain",
    f"""
CREATE TRIGGER maternity_accesslog_chain AFTER INSERT ON {TABLE} FOR EACH ROW
BEGIN
    INSERT OR IGNORE INTO {HEADS} (chain, seq, hash) VALUES ({_CHAIN}, 0, maternity_audit_genesis({_CHAIN}));
    UPDATE {TABLE} SET chain = {_CHAIN},
        seq = (SELECT seq + 1 FROM {HEADS} WHERE chain = {_CHAIN}),
        prev_hash = (SELECT hash FROM {HEADS} WHERE chain = {_CHAIN})
        WHERE id = NEW.id;
    UPDATE {TABLE} SET entry_hash = maternity_audit_hash(prev_hash, {", ".join(HASHED_FIELDS)})
        WHERE id = NEW.id;
    UPDATE {HEADS} SET seq = seq + 1, hash = (SELECT entry_hash FROM {TABLE} WHERE id = NEW.id)
        WHERE chain = {_CHAIN};
END
""",
]
SQLITE_UNINSTALL = ["DROP TRIGGER IF EXISTS maternity_accesslog_chain"]

assert not set(NOT_HASHED) & set(HASHED_FIELDS)


def link_unchained(*, using: str = DEFAULT_DB_ALIAS) -> int:
    """Link every entry that has no chain yet, after its chain's last link, in order of (at, id); returns
    how many. For entries written with the triggers off: the rows that existed before the chain (its
    migration) and a bulk load (`generate_records`). Never for entries found unchained in a live trail:
    that is what verify_audit reports, and linking them would bless a forged row."""
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER maternity_accesslog_append_only")
            cursor.execute("SELECT maternity_accesslog_link_unchained()")
            (linked,) = cursor.fetchone()
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER maternity_accesslog_append_only")
            return linked
        return _link_unchained_sqlite(cursor)


def _link_unchained_sqlite(cursor) -> int:
    columns = ", ".join(HASHED_FIELDS)
    cursor.execute(f"SELECT id, {columns} FROM {TABLE} WHERE chain IS NULL ORDER BY at, id")
    rows = cursor.fetchall()
    heads: dict[str, tuple[int, str]] = {}
    for row in rows:
        entry = dict(zip(HASHED_FIELDS, row[1:], strict=True))
        chain = str(entry["at"])[:7]
        if chain not in heads:
            cursor.execute(f"SELECT seq, hash FROM {HEADS} WHERE chain = %s", [chain])
            heads[chain] = cursor.fetchone() or (0, genesis(chain))
        seq, prev = heads[chain]
        entry.update(chain=chain, seq=seq + 1)
        digest = entry_hash(prev, entry)
        cursor.execute(
            f"UPDATE {TABLE} SET chain = %s, seq = %s, prev_hash = %s, entry_hash = %s WHERE id = %s",
            [chain, seq + 1, prev, digest, row[0]],
        )
        heads[chain] = (seq + 1, digest)
    for chain, (seq, digest) in heads.items():
        cursor.execute(
            f"INSERT INTO {HEADS} (chain, seq, hash) VALUES (%s, %s, %s) "
            "ON CONFLICT (chain) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
            [chain, seq, digest],
        )
    return len(rows)
