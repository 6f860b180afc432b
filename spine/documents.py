"""The record document's shape, for the stored document (`maternity/reads/documents.py`, setting
`RECORD_DOCUMENT_BUILDER`): the same serializers that answered GET record before documents were stored.
And the document as one caller may see it (`document_for_caller`), which every read of it serves."""

import json
from uuid import UUID

from maternity.actors import Actor
from maternity.database.compiled_queries import CompiledQuery
from maternity.models import Pregnancy
from maternity.reads.documents import document_current, dumps
from maternity.reads.restrictions import body_for_caller
from maternity.reads.selectors import StoredDocument
from maternity.rules.resources import LISTS, RESOURCE_TYPES

from .serializers.record import record_document, record_document_queryset

_LIST_NAMES = {rt.name for rt in LISTS}

# The record with some singletons: the query a write's document rewrite makes, compiled once per set of types
_RECORD_WITH_SINGLETONS = CompiledQuery(
    lambda *, types, record_id: record_document_queryset(list(types)).filter(pk=record_id)[:1]
)


def document_parts(record_id, names: set[str] | None) -> tuple[int, dict]:
    """The record's revision, and its metadata with the named resource types (None: the whole document).
    One query for the record and the named singletons, one per named list type."""
    types = list(RESOURCE_TYPES) if names is None else [name for name in RESOURCE_TYPES if name in names]
    if _LIST_NAMES.isdisjoint(types):  # the usual write: one query, compiled once
        record = _RECORD_WITH_SINGLETONS.first_object(
            fixed={"types": tuple(types)}, record_id=UUID(str(record_id))
        )
        if record is None:
            raise Pregnancy.DoesNotExist
    else:
        record = record_document_queryset(types).get(pk=record_id)
    return record.revision, record_document(record, types)


def documents_built(record_ids: list) -> dict:
    """{record id: (revision, whole document)} for many records at once: one query for the records with
    their singletons, one per list type, whatever the batch's size (`manage.py verify_documents`)."""
    records = record_document_queryset(list(RESOURCE_TYPES)).filter(pk__in=record_ids)
    return {record.pk: (record.revision, record_document(record, list(RESOURCE_TYPES))) for record in records}


def document_for_caller(found: StoredDocument, *, actor: Actor, types: list[str]) -> str:
    """The record's document as this caller may see it, as JSON text: the stored text as it is, or with the
    resource types outside `types` (the client's record filter) dropped. The one place that decides it, for
    GET record and for the FHIR `Patient/{id}/$everything` alike, so the two never show different things.
    `actor` is who asks: what a caller may see beyond her record filter (restricted entries) is decided
    here from it."""
    body = body_for_caller(actor, found, document_current(found.record_id, found.revision, found.body))
    if len(types) < len(RESOURCE_TYPES):
        document = json.loads(body)
        body = dumps({key: value for key, value in document.items() if key == "metadata" or key in types})
    return body
