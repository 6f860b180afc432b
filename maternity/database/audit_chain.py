"""The audit trail's hash chain in the database: the insert triggers that link every entry, whoever writes
it (the application's one compiled INSERT, a raw SQL writer, a bulk load), and the catch-up that links
entries written while the triggers were off. What is hashed and why: maternity/audit/chain.py.

PostgreSQL: a BEFORE INSERT trigger on the partitioned table (PostgreSQL clones it onto every partition)
locks one of the month's head rows (the first nobody holds, starting from the connection's own:
`pg_backend_pid() % STRIPES`), sets `chain`, `seq`, `prev_hash` and `entry_hash`, and advances the head.
The insert stays one statement, and the head row lock (held to the end of the inserting transaction: the
audit entry is written in its own short transaction, outside the work's) puts the writers of one chain in
turn; only when every chain of the month is held does a writer wait, for its own.
The hash is computed in SQL (`sha256()`, built in since PostgreSQL 11) over exactly the bytes
`maternity.audit.chain.canonical` makes, from the row's columns by name (`hash_sql`), so it does not
depend on the order of the columns in a partition. An entry moved between partitions by the upkeep
(`audit_partitions._move_out_of_default`) keeps its links: the upkeep sets `maternity.audit_keep_links`
for its transaction.

SQLite (development): an AFTER INSERT trigger does the same with two UPDATEs of the new row, calling the
Python hash that each connection is given (`install_sqlite_functions`); SQLite has one writer at a time.
"""

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from maternity.audit.chain import HASHED_FIELDS, NOT_HASHED, STRIPES, VERSION, entry_hash, genesis

TABLE = "maternity_accesslog"
HEADS = "maternity_auditchainhead"
KEEP_LINKS = "maternity.audit_keep_links"


def _value_sql(row: str, name: str) -> str:
    """A column as its canonical text (NULL stays NULL)."""
    if name == "at":
        return f"to_char({row}.at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
    if name == "ip":  # as an inet is written out (no /32 or /128 for one address), as the driver reads it
        return f"CASE WHEN {row}.ip IS NULL THEN NULL ELSE format('%s', {row}.ip) END"
    return f"{row}.{name}::text"


def hash_sql(row: str, prev_hash: str) -> str:
    """One SQL expression: the entry hash of `row` (NEW in the trigger) after `prev_hash`, over the bytes
    of maternity/audit/chain.py's canonical form. Written out inline, with no function per field: nested
    SQL functions cost about 2 ms per entry, this a few microseconds."""
    parts = [f"{prev_hash} || E'\\n{VERSION}\\n'"]
    for name in HASHED_FIELDS:
        value = _value_sql(row, name)
        parts.append(f"'{name}=' || COALESCE(octet_length({value})::text || ':' || {value}, '-') || E'\\n'")
    joined = "\n            || ".join(parts)
    return f"encode(sha256(convert_to(\n            {joined}, 'UTF8')), 'hex')"


POSTGRES_INSTALL = f"""
CREATE OR REPLACE FUNCTION maternity_audit_genesis(chain text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT encode(sha256(convert_to('maternity-audit-v1 genesis ' || chain, 'UTF8')), 'hex')
$$;

-- The month's chains ("YYYY-MM/0" ...), made on its first entry
CREATE OR REPLACE FUNCTION maternity_audit_heads_ensure(month text) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO {HEADS} (chain, seq, hash)
        SELECT month || '/' || stripe, 0, maternity_audit_genesis(month || '/' || stripe)
        FROM generate_series(0, {STRIPES} - 1) AS stripe
        ON CONFLICT (chain) DO NOTHING
$$;

CREATE OR REPLACE FUNCTION maternity_accesslog_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    month text;
    own int;
    head_chain text;
    head_seq bigint;
    head_hash text;
BEGIN
    IF current_setting('{KEEP_LINKS}', true) = 'on' THEN
        RETURN NEW;  -- an entry moved between partitions keeps its links
    END IF;
    month := to_char(NEW.at AT TIME ZONE 'UTC', 'YYYY-MM');
    own := pg_backend_pid() % {STRIPES};
    -- This connection's own chain of the month, or else the first that nobody holds
    SELECT chain, seq, hash INTO head_chain, head_seq, head_hash FROM {HEADS}
        WHERE chain = month || '/' || own FOR UPDATE SKIP LOCKED;
    IF NOT FOUND THEN
        SELECT chain, seq, hash INTO head_chain, head_seq, head_hash FROM {HEADS}
            WHERE chain >= month || '/0' AND chain <= month || '/{STRIPES - 1}'
            ORDER BY (substr(chain, 9)::int - own + {STRIPES}) % {STRIPES}
            LIMIT 1 FOR UPDATE SKIP LOCKED;
    END IF;
    IF NOT FOUND THEN  -- a new month, or every chain held: wait for this connection's own
        PERFORM maternity_audit_heads_ensure(month);
        SELECT chain, seq, hash INTO head_chain, head_seq, head_hash FROM {HEADS}
            WHERE chain = month || '/' || own FOR UPDATE;
    END IF;
    NEW.chain := head_chain;
    NEW.seq := head_seq + 1;
    NEW.prev_hash := head_hash;
    NEW.entry_hash := {hash_sql("NEW", "head_hash")};
    UPDATE {HEADS} SET seq = NEW.seq, hash = NEW.entry_hash WHERE chain = head_chain;
    RETURN NEW;
END
$$;

-- Links the entries that have no chain yet (written with the triggers off: a bulk load, or the rows that
-- existed before the chain), in order of (at, id), after the last link of its month's chain 0. The caller
-- turns the append-only trigger off for its transaction (the entries are updated once, to be linked).
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
    FOR entry IN SELECT * FROM {TABLE} WHERE chain IS NULL ORDER BY at, id LOOP
        this_chain := to_char(entry.at AT TIME ZONE 'UTC', 'YYYY-MM') || '/0';
        IF this_chain IS DISTINCT FROM current_chain THEN
            IF current_chain IS NOT NULL THEN
                UPDATE {HEADS} SET seq = head_seq, hash = head_hash WHERE chain = current_chain;
            END IF;
            PERFORM maternity_audit_heads_ensure(substr(this_chain, 1, 7));
            SELECT seq, hash INTO head_seq, head_hash FROM {HEADS} WHERE chain = this_chain FOR UPDATE;
            current_chain := this_chain;
        END IF;
        entry.chain := this_chain;
        entry.seq := head_seq + 1;
        UPDATE {TABLE} SET chain = entry.chain, seq = entry.seq, prev_hash = head_hash,
            entry_hash = {hash_sql("entry", "head_hash")}
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
DROP FUNCTION IF EXISTS maternity_audit_heads_ensure(text);
DROP FUNCTION IF EXISTS maternity_audit_genesis(text);
"""

_CHAIN = "substr(NEW.at, 1, 7) || '/0'"  # SQLite keeps `at` as UTC text, "YYYY-MM-DD HH:MM:SS[.ffffff]"
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
        chain = str(entry["at"])[:7] + "/0"
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
