"""The audit trail's hash chain: what an entry's hash covers, written out once in Python.

Every audit entry is a link of a chain. Each UTC month of the entries' `at` (on PostgreSQL: each
partition) has `STRIPES` chains side by side, named "YYYY-MM/0" to "YYYY-MM/7", so a month can be archived
without breaking the months after it. Within a chain the entries are numbered 1, 2, 3... (`seq`) in the order
they were appended: the insert trigger locks the chain's head row (`AuditChainHead`) from the append to the
commit, so the writers of one chain take turns and the numbers have no gaps. A writer takes the first head
of the month that nobody holds, starting from its own connection's (SKIP LOCKED), so concurrent writers
append to different chains instead of queueing behind each other's commit: with one chain per month,
every audit write of the whole service would wait for the previous one's commit to reach the disk
(measured: eight writers fell from 1,270 to 210 inserts a second, loadtools/audit_cost.py). SQLite, with one
writer at a time, uses stripe 0 only.

The order of the trail is therefore: by chain, then `seq`. Entries of two chains of a month were written
concurrently and have no order between them beyond their `at`. `at` alone is not the order: it is the
time the request began, taken by the application before the insert, so two requests that overlap may
append in the other order, and an entry of the last second of a month may be appended after the next
month's first.

`entry_hash` = SHA-256 (hex) of `prev_hash` and the entry's canonical form (below); `prev_hash` is the
previous entry's `entry_hash`, or the chain's genesis for its first entry: SHA-256 of
"maternity-audit-v1 genesis <chain>", a fixed value per month (not the previous month's last hash, because a
month may still get entries after the next one has begun, and because an archived month must not make the
next one unverifiable).

The canonical form, in UTF-8: the line "maternity-audit-v1", then one line per field in `HASHED_FIELDS`'
order, "name=" and either "-" (NULL) or "<length in bytes>:<value>", each ending in "\\n". The length makes
it unambiguous whatever the text holds (newlines, "="). Values: `at` in UTC as YYYY-MM-DDTHH:MM:SS.ffffffZ,
integers in decimal, the record id as a lower-case UUID with hyphens, the IP address as PostgreSQL writes
an inet, text as it is. `id` is not covered: it is the row's storage key, and the chain's own position is
(chain, seq), which is. The PostgreSQL trigger (maternity/database/audit_chain.py) writes exactly this
form; a test holds the two together, and another makes a new column of AccessLog a conscious choice here.
"""

import hashlib
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

VERSION = "maternity-audit-v1"
STRIPES = 8  # chains per month; the PostgreSQL trigger has the same number (database/audit_chain.py)
CHAIN_FIELDS = ("chain", "seq", "prev_hash", "entry_hash")
HASHED_FIELDS = (
    "chain",
    "seq",
    "at",
    "action",
    "outcome",
    "status_code",
    "record_id",
    "person_id",
    "resource_type",
    "user_type",
    "user_id",
    "username",
    "care_location_id",
    "org_nr",
    "org_name",
    "client_id",
    "acting_user_name",
    "acting_user_id",
    "source_system",
    "reason_code",
    "reason",
    "detail",
    "request_id",
    "client_event_id",
    "ip",
)
NOT_HASHED = (
    "id",
    "prev_hash",
    "entry_hash",
)  # the key; and the links themselves (prev_hash is hashed first)


def month_of(at: datetime) -> str:
    """The UTC month ("YYYY-MM") of `at`: the chains its entry may join."""
    at = at.astimezone(UTC)
    return f"{at.year:04d}-{at.month:02d}"


def chain_of(at: datetime, stripe: int = 0) -> str:
    """The name of one of the chains of `at`'s month."""
    return f"{month_of(at)}/{stripe}"


def month_of_chain(chain: str) -> str:
    return chain[:7]


def genesis(chain: str) -> str:
    """The `prev_hash` of a chain's first entry."""
    return hashlib.sha256(f"{VERSION} genesis {chain}".encode()).hexdigest()


def _text(name: str, value: Any) -> str | None:
    if value is None:
        return None
    if name == "at":
        if isinstance(value, str):  # as SQLite stores it: naive UTC, with or without microseconds
            value = datetime.fromisoformat(value)
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        at = value.astimezone(UTC)
        return (
            f"{at.year:04d}-{at.month:02d}-{at.day:02d}T{at.hour:02d}:{at.minute:02d}:{at.second:02d}"
            f".{at.microsecond:06d}Z"
        )
    if name == "record_id":
        return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))
    return str(value)


def canonical(entry: Mapping[str, Any]) -> bytes:
    """The bytes an entry's hash covers (after its prev_hash), from its column values by field name."""
    lines = [VERSION]
    for name in HASHED_FIELDS:
        text = _text(name, entry[name])
        lines.append(f"{name}=-" if text is None else f"{name}={len(text.encode())}:{text}")
    return ("\n".join(lines) + "\n").encode()


def entry_hash(prev_hash: str, entry: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the previous link's hash, a newline, and the entry's canonical form."""
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical(entry)).hexdigest()


def sqlite_entry_hash(prev_hash: str, *values: Any) -> str:
    """`entry_hash` as SQLite's trigger calls it: the raw column values in HASHED_FIELDS' order."""
    return entry_hash(prev_hash, dict(zip(HASHED_FIELDS, values, strict=True)))


def install_sqlite_functions(sender: Any = None, connection: Any = None, **kwargs: Any) -> None:
    """Give a new SQLite connection the functions its audit trigger calls (SQLite has no SHA-256). Any
    connection without them (the sqlite3 shell, say) cannot append to the audit trail at all."""
    if connection is None or connection.vendor != "sqlite":
        return
    raw = connection.connection
    raw.create_function("maternity_audit_hash", len(HASHED_FIELDS) + 1, sqlite_entry_hash, deterministic=True)
    raw.create_function("maternity_audit_genesis", 1, genesis, deterministic=True)


def unhashed_columns(columns: Iterable[str]) -> list[str]:
    """Columns of AccessLog that are neither hashed nor known not to be: a new column must be placed."""
    return [column for column in columns if column not in HASHED_FIELDS and column not in NOT_HASHED]
