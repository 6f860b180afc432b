"""The record's current JSON document: the read model that `GET record` serves.

Never the source of truth: the rows are. The write gate (`maternity/services/gate.py`) rewrites it in the
same transaction as every change, and `revision` is the record's `revision` it was built at, so a read can
tell a document that is behind (one written before the gate existed, or by the bulk loader) and build it
afresh. `manage.py verify_documents` compares every document with one built from the rows.
"""

from django.db import models
from django.utils.translation import gettext_lazy

from .record import Pregnancy


class RecordDocument(models.Model):
    record = models.OneToOneField(
        Pregnancy, on_delete=models.CASCADE, primary_key=True, related_name="document"
    )
    revision = models.PositiveBigIntegerField(
        help_text=gettext_lazy("The record's revision this document shows.")
    )
    body = models.TextField(
        help_text=gettext_lazy("The whole record as GET record returns it, as compact JSON.")
    )
    # What a read needs about the record's restricted entries, kept with the body so GET record stays one
    # query: [{"type", "resourceId" (null: a singleton), "location", "category", "hidden"}]. Written by the
    # write gate with the body (maternity/reads/restrictions.py reads it). Empty: nothing is restricted.
    restrictions = models.JSONField(
        default=list,
        blank=True,
        help_text=gettext_lazy("The record's restricted entries, as reads need them."),
    )

    class Meta:
        verbose_name = gettext_lazy("record document")

    def __str__(self) -> str:
        return f"Document of {self.record_id} at revision {self.revision}"
