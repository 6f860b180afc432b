"""The record document's shape, for the stored document (`maternity/documents.py`, setting
`RECORD_DOCUMENT_BUILDER`): the same serializers that answered GET record before documents were stored."""

from maternity.resources import RESOURCE_TYPES

from .serializers.record import record_document, record_document_queryset


def document_parts(record_id, names: set[str] | None) -> tuple[int, dict]:
    """The record's revision, and its metadata with the named resource types (None: the whole document).
    One query for the record and the named singletons, one per named list type."""
    types = list(RESOURCE_TYPES) if names is None else [name for name in RESOURCE_TYPES if name in names]
    record = record_document_queryset(types).get(pk=record_id)
    return record.revision, record_document(record, types)


def documents_built(record_ids: list) -> dict:
    """{record id: (revision, whole document)} for many records at once: one query for the records with
    their singletons, one per list type, whatever the batch's size (`manage.py verify_documents`)."""
    records = record_document_queryset(list(RESOURCE_TYPES)).filter(pk__in=record_ids)
    return {record.pk: (record.revision, record_document(record, list(RESOURCE_TYPES))) for record in records}
