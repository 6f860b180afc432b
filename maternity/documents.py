"""The stored record document (`RecordDocument`): built, kept current by the write gate, read, verified.

The document is exactly what `GET record` returns for a caller who sees every resource type. Its JSON shape
is the API's (the spine's serializers), so this module asks the builder named by the setting
`RECORD_DOCUMENT_BUILDER` for it: a function `(record_id, names) -> (revision, parts)` that reads the rows
and returns the record's `revision` and the document's `metadata` with the named resource types (every
type when `names` is None). maternity imports no spine code; the setting says where the shape lives.

- Writes: the write gate (`services/gate.py`) calls `document_write` before its transaction commits, with
  the resource types the transaction changed. When the stored document is the one the transaction began
  from, only those parts are built again; otherwise the whole document is.
- Reads: `document_current` returns the stored text when it is at the record's revision, else builds it,
  stores it (never over a newer one) and returns it. So documents the gate never wrote (records made by
  the bulk loader, or before documents existed) are filled on first read, and a stale one is never served.
- `document_differences` compares stored documents with fresh builds (`manage.py verify_documents`).
"""

import json
from collections.abc import Iterable
from functools import cache
from uuid import UUID

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.utils.module_loading import import_string

from .models import Pregnancy, RecordDocument


@cache
def _builder():
    return import_string(settings.RECORD_DOCUMENT_BUILDER)


def document_build(record_id: UUID | str, names: Iterable[str] | None = None) -> tuple[int, dict]:
    """(revision, parts) fresh from the rows: the metadata and the named resource types (None: all)."""
    return _builder()(record_id, None if names is None else set(names))


def dumps(document: dict) -> str:
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))


def document_write(record_id: UUID | str, *, names: set[str], revisions_moved: int) -> None:
    """Rewrite the stored document inside the writing transaction (the record's row is locked). Only the
    changed parts are built when the stored document is at the revision the transaction began from
    (its revision + `revisions_moved` is the record's now); otherwise the whole document."""
    stored = RecordDocument.objects.filter(record_id=record_id).values_list("revision", "body").first()
    try:
        revision, parts = document_build(record_id, names)
    except Pregnancy.DoesNotExist:  # made and undone inside the transaction
        return
    if stored is not None and stored[0] + revisions_moved == revision:
        document = {**json.loads(stored[1]), **parts}
    else:
        revision, document = document_build(record_id)
    _store(record_id, revision, dumps(document), newer_only=False)


def document_current(record_id: UUID | str, revision: int, body: str | None) -> str:
    """The document's text, given what a read found: the record's revision and the stored document
    (None when there is none or it is behind). Builds and stores it when needed."""
    if body is not None:
        return body
    built_at, document = document_build(record_id)
    text = dumps(document)
    if built_at == revision:  # the rows did not move while it was built: safe to keep
        _store(record_id, built_at, text, newer_only=True)
    return text


def _store(record_id, revision: int, body: str, *, newer_only: bool) -> None:
    """Insert or replace the document; with `newer_only`, never over a document at a later revision (a
    reader filling it must not undo a writer's newer one)."""
    table = connection.ops.quote_name(RecordDocument._meta.db_table)
    condition = f"WHERE {table}.revision < excluded.revision" if newer_only else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (record_id, revision, body) VALUES (%s, %s, %s) "
            f"ON CONFLICT (record_id) DO UPDATE SET revision = excluded.revision, body = excluded.body "
            f"{condition}",
            [_db_id(record_id), revision, body],
        )


def _db_id(record_id) -> str:
    value = record_id if isinstance(record_id, UUID) else UUID(str(record_id))
    return str(value) if connection.vendor == "postgresql" else value.hex


def document_differences(record_ids: Iterable, *, repair: bool = False) -> list[UUID]:
    """The records whose stored document is missing, behind or differs from a fresh build (repaired
    when asked)."""
    different = []
    for record_id in record_ids:
        stored = RecordDocument.objects.filter(record_id=record_id).values_list("revision", "body").first()
        revision, document = document_build(record_id)
        if stored is None or stored[0] != revision or json.loads(stored[1]) != json.loads(dumps(document)):
            different.append(record_id)
            if repair:
                _store(record_id, revision, dumps(document), newer_only=False)
    return different


def record_ids_in_batches(batch_size: int):
    """Every record's id, in batches, by primary key (a keyset walk: each batch costs the same)."""
    last = None
    while True:
        ids = Pregnancy.objects.order_by("pk")
        if last is not None:
            ids = ids.filter(pk__gt=last)
        batch = list(ids.values_list("pk", flat=True)[:batch_size])
        if not batch:
            return
        yield batch
        last = batch[-1]
