"""The stored record document (`RecordDocument`): built, kept current by the write gate, read, verified.

The document is exactly what `GET record` returns for a caller who sees every resource type. Its JSON shape
is the API's (the spine's serializers), so this module asks the builder module named by the setting
`RECORD_DOCUMENT_BUILDER` for it: `document_parts(record_id, names) -> (revision, parts)` reads the rows
and returns the record's `revision` and the document's `metadata` with the named resource types (every
type when `names` is None); `documents_built(record_ids) -> {id: (revision, document)}` builds many at
once. maternity imports no spine code; the setting says where the shape lives.

- Writes: the write gate (`services/gate.py`) calls `document_write` before its transaction commits, with
  the resource types the transaction changed. When the stored document is the one the transaction began
  from, only those parts are built again; otherwise the whole document is.
- Reads: `document_current` returns the stored text when it is at the record's revision, else builds it,
  stores it (never over a newer one) and returns it. So documents the gate never wrote (records made by
  the bulk loader, or before documents existed) are filled on first read, and a stale one is never served.
- `document_differences` compares stored documents with fresh builds (`manage.py verify_documents`).
- Restrictions: beside the body, the row keeps the record's restricted entries as reads need them
  (`RecordDocument.restrictions`, `maternity/reads/restrictions.py`), so a read has them in its one query.
  The body is always the whole document; what a caller may not see is taken out as it is read. They are
  written with every whole build, and when the gate was told they changed (the name RESTRICTIONS).
"""

import json
from collections.abc import Iterable, Iterator
from enum import Enum
from functools import cache
from importlib import import_module
from types import ModuleType
from typing import Final, Literal
from uuid import UUID

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection

from maternity.models import Pregnancy, RecordDocument


@cache
def _builder() -> ModuleType:
    return import_module(settings.RECORD_DOCUMENT_BUILDER)


RESTRICTIONS = "restrictions"  # `record_changed` name: the record's restricted entries changed


def restrictions_built(record_id: UUID | str) -> list[dict]:
    """The record's restricted entries as the stored document keeps them (one query)."""
    from maternity.reads.restrictions import restrictions_of  # it reads the models this module stores

    return [entry.as_stored() for entry in restrictions_of(_uuid(record_id))]


def document_build(record_id: UUID | str, names: Iterable[str] | None = None) -> tuple[int, dict]:
    """(revision, parts) fresh from the rows: the metadata and the named resource types (None: all)."""
    return _builder().document_parts(record_id, None if names is None else set(names))


def dumps(document: dict) -> str:
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))


class _Stored(Enum):
    NOT_LOADED = "not loaded"


NOT_LOADED: Final = _Stored.NOT_LOADED  # `document_write`: the caller has not read the stored document


def document_write(
    record_id: UUID | str,
    *,
    names: set[str],
    revisions_moved: int,
    stored: tuple[int, str] | None | Literal[_Stored.NOT_LOADED] = NOT_LOADED,
) -> None:
    """Rewrite the stored document inside the writing transaction (the record's row is locked). Only the
    changed parts are built when the stored document is at the revision the transaction began from
    (its revision + `revisions_moved` is the record's now); otherwise the whole document. `stored`:
    (revision, body) or None as the transaction found it, when the caller has it already."""
    if stored is NOT_LOADED:
        stored = (
            RecordDocument.objects.filter(record_id=_uuid(record_id)).values_list("revision", "body").first()
        )
    try:
        revision, parts = document_build(record_id, names)
    except Pregnancy.DoesNotExist:  # made and undone inside the transaction
        return
    restrictions = restrictions_built(record_id) if RESTRICTIONS in names else None
    if stored is not None and stored[0] + revisions_moved == revision:
        document = {**json.loads(stored[1]), **parts}
    else:
        revision, document = document_build(record_id)
        if stored is None and restrictions is None:  # a first document: nothing was restricted outside
            restrictions = []  # the gate, which names RESTRICTIONS when it restricts
    _store(record_id, revision, dumps(document), over="any", restrictions=restrictions)


def document_current(record_id: UUID | str, revision: int, body: str | None) -> str:
    """The document's text, given what a read found: the record's revision and the stored document
    (None when there is none or it is behind). Builds and stores it when needed."""
    if body is not None:
        return body
    built_at, document = document_build(record_id)
    text = dumps(document)
    if built_at == revision:  # the rows did not move while it was built: safe to keep
        _store(record_id, built_at, text, over="older", restrictions=restrictions_built(record_id))
    return text


WRITES_OVER = {  # which stored document a write may replace
    "any": "",  # the write gate's, under the record's lock
    "older": "WHERE {table}.revision < excluded.revision",  # a reader filling in: never a writer's newer one
    "older or same": "WHERE {table}.revision <= excluded.revision",  # a repair, beside live writers
}


def _store(
    record_id: UUID | str, revision: int, body: str, *, over: str, restrictions: list[dict] | None = None
) -> None:
    """Insert or replace the stored document (`over`: which one it may replace, `WRITES_OVER`). On the
    primary ("default") always, also when a lag-tolerant GET built it from a replica's rows: it is stored
    with the revision those rows were at, so it is right for that revision, and never replaces a newer one.
    `restrictions`: the record's restricted entries; None only where the row exists (the gate's write of
    some parts over the stored document), and then the stored ones stand."""
    table = connection.ops.quote_name(RecordDocument._meta.db_table)
    also = "" if restrictions is None else ", restrictions = excluded.restrictions"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (record_id, revision, body, restrictions) VALUES (%s, %s, %s, %s) "
            f"ON CONFLICT (record_id) DO UPDATE SET revision = excluded.revision, body = excluded.body{also} "
            + WRITES_OVER[over].format(table=table),
            [_db_id(record_id), revision, body, json.dumps(restrictions or [])],
        )


def _uuid(record_id: UUID | str) -> UUID:
    return record_id if isinstance(record_id, UUID) else UUID(str(record_id))


def _db_id(record_id: UUID | str) -> str:
    value = _uuid(record_id)
    return str(value) if connection.vendor == "postgresql" else value.hex


def documents_compare(record_ids: list[UUID], *, repair: bool = False) -> dict[UUID, str]:
    """{record id: "missing" | "behind" | "different"} for the records whose stored document is not the
    one the rows give now, built in one batch; with `repair`, each is rewritten (never over a newer one)."""
    rows = RecordDocument.objects.filter(record_id__in=record_ids).values_list(
        "record_id", "revision", "body"
    )
    stored = {record_id: (revision, body) for record_id, revision, body in rows}
    problems: dict[UUID, str] = {}
    for record_id, (revision, document) in _builder().documents_built(record_ids).items():
        text = dumps(document)
        found = stored.get(record_id)
        if found is None:
            problems[record_id] = "missing"
        elif found[0] != revision:
            problems[record_id] = "behind"
        elif json.loads(found[1]) != json.loads(text):
            problems[record_id] = "different"
        else:
            continue
        if repair:
            _store(
                record_id, revision, text, over="older or same", restrictions=restrictions_built(record_id)
            )
    return problems


def document_differences(record_ids: Iterable[UUID], *, repair: bool = False) -> list[UUID]:
    """The records (of `record_ids`) whose stored document is missing, behind or different."""
    return list(documents_compare(list(record_ids), repair=repair))


def record_ids_in_batches(
    batch_size: int, *, start: UUID | None = None, stop: UUID | None = None
) -> Iterator[list[UUID]]:
    """Every record's id (from `start`, before `stop`), in batches, by primary key (a keyset walk: each
    batch costs the same)."""
    last = None
    while True:
        ids = Pregnancy.objects.order_by("pk")
        if last is not None:
            ids = ids.filter(pk__gt=last)
        elif start is not None:
            ids = ids.filter(pk__gte=start)
        if stop is not None:
            ids = ids.filter(pk__lt=stop)
        batch = list(ids.values_list("pk", flat=True)[:batch_size])
        if not batch:
            return
        yield batch
        last = batch[-1]


def record_id_ranges(count: int) -> list[tuple[UUID | None, UUID | None]]:
    """The record ids' key space cut into `count` equal (start, stop) ranges, for walks side by side (ids
    are random UUIDs, so each range holds about as many records)."""
    bounds = [UUID(int=(part << 128) // count) for part in range(1, count)]
    return list(zip([None, *bounds], [*bounds, None], strict=True))
