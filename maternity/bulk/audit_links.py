"""Linking a chunk's audit entries into the hash chains before they are copied (maternity/audit/chain.py).

The chunk copies with triggers off, so the chain trigger does not run: the loader links the entries here
instead, as the trigger would, in order of `at` within the chunk, after the current head of each month's
chain 0 (one chain suffices: chunks take their turns at the copy anyway).
The heads of the chunk's months are locked (in order of month, so two workers never deadlock) from here
to the chunk's commit: chunks of the same months take their turns for the audit copy only.
"""

from django.db import models

from maternity.audit.chain import HASHED_FIELDS, chain_of, entry_hash, month_of_chain
from maternity.models import AccessLog, AuditChainHead

from .copy_rows import Table, _default

HEADS = AuditChainHead._meta.db_table
_DEFAULTS = {
    field.attname: _default(field)
    for field in AccessLog._meta.concrete_fields
    if field.attname in HASHED_FIELDS and not isinstance(field, models.BigAutoField)
}


def link_and_copy(cursor, entries: list[dict], table: Table) -> int:
    """Give each entry its chain, seq, prev_hash and entry_hash, advance the heads, and COPY the entries
    into `table`. Returns how many were copied."""
    if not entries:
        return 0
    entries.sort(key=lambda entry: entry["at"])
    chains = sorted({chain_of(entry["at"]) for entry in entries})
    for chain in chains:
        cursor.execute("SELECT maternity_audit_heads_ensure(%s)", [month_of_chain(chain)])
    cursor.execute(
        f"SELECT chain, seq, hash FROM {HEADS} WHERE chain = ANY(%s) ORDER BY chain FOR UPDATE", [chains]
    )
    heads = {chain: (seq, digest) for chain, seq, digest in cursor.fetchall()}
    for entry in entries:
        chain = chain_of(entry["at"])
        seq, prev = heads[chain]
        entry.update(chain=chain, seq=seq + 1, prev_hash=prev)
        entry["entry_hash"] = entry_hash(prev, _DEFAULTS | entry)
        heads[chain] = (seq + 1, entry["entry_hash"])
        table.add(entry)
    cursor.executemany(
        f"UPDATE {HEADS} SET seq = %s, hash = %s WHERE chain = %s",
        [(seq, digest, chain) for chain, (seq, digest) in heads.items()],
    )
    return table.copy_to(cursor)
