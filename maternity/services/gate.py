"""The write gate: every change to a record goes through `record_write`.

It is the transaction of the change. Inside it, each new version calls `record_changed` (through
`versioning.record_event`, or directly for a change that makes no version, such as a read mark on a birth
plan); before the transaction commits, the gate rewrites the stored document of every record that changed
(`maternity/reads/documents.py`). A change outside the gate is refused (`WriteOutsideGate`), so no write path
can leave the document behind: the tests would find it at once.

Gates nest: a service that calls another service inside its own gate shares the outer transaction, and
the outermost gate writes the documents once, when all of the work is done.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction

from maternity.reads import documents

from ..models import Pregnancy, RecordDocument


class WriteOutsideGate(RuntimeError):
    """A record changed outside `record_write`: a programming error, never the caller's."""


@dataclass
class _Changed:
    names: set[str] = field(default_factory=set)  # the resource types changed ("record": the root only)
    revisions_moved: int = 0
    stored: tuple[int, str] | None = None  # the document as the transaction found it, when it was loaded
    stored_loaded: bool = False


class _Gate(threading.local):
    def __init__(self) -> None:
        self.depth = 0
        self.changed: dict[str, _Changed] = {}


_gate = _Gate()


@contextmanager
def record_write() -> Iterator[None]:
    """The transaction of a change to one or more records; usable as a decorator."""
    outermost = _gate.depth == 0
    _gate.depth += 1
    try:
        with transaction.atomic():
            yield
            if outermost:
                for record_id, changed in _gate.changed.items():
                    documents.document_write(
                        record_id,
                        names=changed.names,
                        revisions_moved=changed.revisions_moved,
                        stored=changed.stored if changed.stored_loaded else documents.NOT_LOADED,
                    )
    finally:
        _gate.depth -= 1
        if outermost:
            _gate.changed = {}


def record_changed(record: Pregnancy, resource_type: str, *, revision_moved: bool = True) -> None:
    """Note a change for the gate's document rewrite. Call it where the record's revision moves. When the
    record was locked with its document (`versioning.lock_record_for_write`), the gate need not read the
    document again."""
    if _gate.depth == 0:
        raise WriteOutsideGate(f"{resource_type} of record {record.pk} changed outside the write gate.")
    changed = _gate.changed.get(str(record.pk))
    if changed is None:
        changed = _gate.changed[str(record.pk)] = _Changed()
        if Pregnancy.document.is_cached(record):  # no query: it came with the lock
            try:
                changed.stored = (record.document.revision, record.document.body)
            except RecordDocument.DoesNotExist:
                changed.stored = None
            changed.stored_loaded = True
    changed.names.add(resource_type)
    changed.revisions_moved += int(revision_moved)
