"""Checking the audit trail's hash chains (`manage.py verify_audit`; what is chained: chain.py).

Each chain is walked in its order (seq, then id), in batches read by keyset (no OFFSET), so memory stays
the same however long the trail is. Every entry's hash is recomputed from its content in Python, apart from
the database's own trigger, and each link is checked against the one before it; the last entry against the
chain's head row. The first broken link of each chain is reported in plain words, and the walk of that
chain stops there (what follows a break proves nothing more).

What it proves: no entry of a kept month was altered, deleted or inserted after it was appended, unless
whoever did it also rewrote every later entry of that month and its head row. That takes a database
superuser with the chain's rules in hand; against that, the heads saved elsewhere (`Anchors`) are the
check: an anchored position whose hash changed is caught however consistent the rewrite is.

A month whose partition was detached on purpose (archived: docs/data-growth.md) has a head row and no
entries; it is reported as archived and not checked. A month that is still attached and has lost its
entries is broken.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Q

from maternity.database import audit_partitions
from maternity.models import AccessLog, AuditChainHead

from .chain import HASHED_FIELDS, STRIPES, entry_hash, genesis, month_of, month_of_chain

BATCH = 2000
ANCHORS_FORMAT = "maternity-audit-anchors-v1"
_COLUMNS = ("id", "prev_hash", "entry_hash", *HASHED_FIELDS)


@dataclass
class ChainReport:
    chain: str
    entries: int = 0  # entries walked (up to the first break)
    last_seq: int = 0
    last_hash: str = ""
    head_seq: int | None = None
    head_hash: str | None = None
    archived: bool = False
    problem: str = ""  # the first broken link, in plain words; empty when the chain is whole
    entry_id: int | None = None  # the entry at (or right after) the break
    anchors_checked: int = 0

    @property
    def whole(self) -> bool:
        return not self.problem

    def summary(self) -> str:
        if self.archived:
            return (
                f"{self.chain}: archived (its partition is not attached; the head records "
                f"{self.head_seq:,} entries): not checked"
            )
        if self.problem:
            return f"{self.chain}: BROKEN: {self.problem}"
        if not self.entries:
            return f"{self.chain}: whole: no entries yet"
        anchored = f", {self.anchors_checked} anchor(s) match" if self.anchors_checked else ""
        return (
            f"{self.chain}: whole: {self.entries:,} entries, seq 1-{self.last_seq}, "
            f"last hash {self.last_hash[:16]}{anchored}"
        )


@dataclass
class Anchors:
    """Chain heads saved where the database's superuser cannot reach (write-once storage, another
    system): {chain: (seq, hash)}."""

    heads: dict[str, tuple[int, str]] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path) -> "Anchors":
        data = json.loads(path.read_text())
        if data.get("format") != ANCHORS_FORMAT:
            raise ValueError(f"{path} is not an anchors file ({ANCHORS_FORMAT}).")
        return cls({chain: (int(head["seq"]), str(head["hash"])) for chain, head in data["chains"].items()})

    def write(self, path: Path) -> None:
        chains = {chain: {"seq": seq, "hash": digest} for chain, (seq, digest) in sorted(self.heads.items())}
        saved = datetime.now(UTC).isoformat(timespec="seconds")
        path.write_text(json.dumps({"format": ANCHORS_FORMAT, "saved_at": saved, "chains": chains}, indent=2))


def verify_chains(
    *,
    chain: str | None = None,
    since: str | None = None,
    anchors: Anchors | None = None,
    batch: int = BATCH,
    using: str = DEFAULT_DB_ALIAS,
) -> Iterator[ChainReport]:
    """A report per chain (oldest first): `chain` only that one ("YYYY-MM/n"), or that month's ("YYYY-MM");
    `since` ("YYYY-MM") that month's and later."""
    anchors = anchors or Anchors()
    heads = {head.chain: head for head in AuditChainHead.objects.using(using).all()}
    kept = _kept_months(using)
    unchained = _unchained_by_chain(using)
    names = set(heads) | set(unchained) | _chains_with_entries(using, kept, set(heads)) | set(anchors.heads)
    for name in sorted(names):
        if (chain and chain not in (name, month_of_chain(name))) or (since and month_of_chain(name) < since):
            continue
        head = heads.get(name)
        report = ChainReport(
            chain=name, head_seq=head.seq if head else None, head_hash=head.hash if head else None
        )
        _walk(report, anchors.heads.get(name), kept, batch=batch, using=using)
        lost_head = report.head_seq is None and report.entries == 0  # only unchained entries in its month
        if name in unchained and (not report.problem or lost_head):
            entry_id, at = unchained[name]
            report.problem = (
                f"entry id {entry_id} (at {at:%Y-%m-%d %H:%M:%S} UTC) is in no chain: it was written past "
                "the chain's trigger (an inserted row)"
            )
            report.entry_id = entry_id
        yield report


def current_heads(reports: list[ChainReport]) -> Anchors:
    """The heads to save as anchors: each whole chain's last entry."""
    return Anchors({r.chain: (r.last_seq, r.last_hash) for r in reports if r.whole and r.last_seq})


def _walk(
    report: ChainReport, anchor: tuple[int, str] | None, kept: set[str] | None, *, batch: int, using: str
) -> None:
    name = report.chain
    expected, prev_hash, prev_id = 1, genesis(name), None
    after: tuple[int, int] = (0, 0)
    entries = AccessLog.objects.using(using).filter(chain=name).order_by("seq", "id")
    while True:
        rows = list(
            entries.filter(Q(seq__gt=after[0]) | Q(seq=after[0], id__gt=after[1])).values(*_COLUMNS)[:batch]
        )
        for row in rows:
            problem = _broken_link(row, expected, prev_hash, prev_id)
            if problem:
                report.problem, report.entry_id = problem, row["id"]
                return
            if anchor and row["seq"] == anchor[0] and row["entry_hash"] != anchor[1]:
                report.problem = (
                    f"entry id {row['id']} (seq {row['seq']}) does not match the saved anchor: its hash was "
                    f"{anchor[1][:16]}..., it is now {row['entry_hash'][:16]}... (the chain was rewritten up "
                    "to here, head included)"
                )
                report.entry_id = row["id"]
                return
            if anchor and row["seq"] == anchor[0]:
                report.anchors_checked += 1
            report.entries += 1
            expected, prev_hash, prev_id = row["seq"] + 1, row["entry_hash"], row["id"]
            report.last_seq, report.last_hash = row["seq"], row["entry_hash"]
        if len(rows) < batch:
            break
        after = (rows[-1]["seq"], rows[-1]["id"])
    _check_end(report, anchor, prev_id, kept)


def _broken_link(row: dict[str, Any], expected: int, prev_hash: str, prev_id: int | None) -> str:
    where = f"entry id {row['id']} (seq {row['seq']})"
    if row["seq"] < expected:
        return (
            f"{where} repeats seq {row['seq']} of entry id {prev_id}: an entry was inserted with a copied "
            "position"
        )
    if row["seq"] > expected:
        missing = f"seq {expected}" if row["seq"] == expected + 1 else f"seq {expected}-{row['seq'] - 1}"
        return f"{where} follows {_entry(prev_id, expected - 1)}: {missing} missing, entries were deleted"
    if row["prev_hash"] != prev_hash:
        if prev_id is None:
            return f"{where} is the first entry but does not start from the chain's genesis: it was replaced"
        return (
            f"{where} is not linked to {_entry(prev_id, expected - 1)}: that entry's hash is not the one "
            f"this entry was appended after. {_entry(prev_id, expected - 1).capitalize()} was altered and "
            "its hash recomputed, or replaced"
        )
    if entry_hash(row["prev_hash"], row) != row["entry_hash"]:
        return f"{where} was altered: its content no longer matches its hash"
    return ""


def _check_end(
    report: ChainReport, anchor: tuple[int, str] | None, last_id: int | None, kept: set[str] | None
) -> None:
    """The chain's end against its head row (and its anchor)."""
    if report.entries == 0 and kept is not None and month_of_chain(report.chain) not in kept:
        report.archived = True
        return
    if report.entries == 0:
        report.last_hash = genesis(report.chain)  # an empty chain's head is its genesis
    last = _entry(last_id, report.last_seq) if last_id else "no entry at all"
    if report.head_seq is None:
        report.problem = f"the chain has no head row (it was deleted); its last entry is {last}"
    elif report.head_seq > report.last_seq:
        gone = f"seq {report.last_seq + 1}-{report.head_seq}"
        report.problem = (
            f"the head records {report.head_seq:,} entries but the chain ends with {last}: {gone} "
            "deleted (the tail)"
        )
    elif report.head_seq < report.last_seq:
        report.problem = (
            f"{last} is beyond the head, which records {report.head_seq:,} entries: entries were appended "
            "past the trigger"
        )
    elif report.head_hash != report.last_hash:
        report.problem = (
            f"{last} does not match the head's hash: the last entry was altered and its hash recomputed, "
            "or replaced"
        )
    elif anchor and anchor[0] > report.last_seq:
        report.problem = (
            f"the saved anchor is at seq {anchor[0]} but the chain ends at seq {report.last_seq}: the chain "
            "was cut back, head included"
        )
    if report.problem:
        report.entry_id = last_id


def _entry(entry_id: int | None, seq: int) -> str:
    return f"entry id {entry_id} (seq {seq})"


def _kept_months(using: str) -> set[str] | None:
    """On PostgreSQL, the months still in the trail: each attached month's partition, and the months found
    in the default partition. A month outside them was detached on purpose (archived). None elsewhere:
    every month is kept."""
    if not audit_partitions.is_partitioned(using=using):
        return None
    months = {
        partition.name.removeprefix(f"{audit_partitions.TABLE}_").replace("_", "-")
        for partition in audit_partitions.partitions(using=using)
        if partition.name != audit_partitions.DEFAULT_PARTITION
    }
    return months | {f"{month:%Y-%m}" for month in audit_partitions.months_in_default(using=using)}


def _unchained_by_chain(using: str) -> dict[str, tuple[int, datetime]]:
    """The first entry in no chain, by the month it would belong to (reported with the month's chain 0;
    read through a partial index: normally there are none)."""
    found: dict[str, tuple[int, datetime]] = {}
    unchained = AccessLog.objects.using(using).filter(chain=None).order_by("at", "id")
    for entry_id, at in unchained.values_list("id", "at").iterator():
        found.setdefault(f"{month_of(at)}/0", (entry_id, at))
    return found


def _chains_with_entries(using: str, kept: set[str] | None, known: set[str]) -> set[str]:
    """Chains that have entries but may have lost their head row. SQLite: every chain named by an entry.
    PostgreSQL: each chain of each kept month, probed one at a time through the (chain, seq) index instead
    of reading the whole trail."""
    entries = AccessLog.objects.using(using)
    if kept is None:
        named = entries.exclude(chain=None).values_list("chain", flat=True).distinct()
        return {chain for chain in named if chain}
    chains = {f"{month}/{stripe}" for month in kept for stripe in range(STRIPES)} - known
    return {chain for chain in chains if entries.filter(chain=chain).exists()}
