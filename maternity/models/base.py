"""The shared shape of every record resource: a UUID, a version, and who made it."""

import uuid

from django.db import models
from simple_history.models import HistoricalRecords

from .stamp import Stamped


class Resource(Stamped):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords(inherit=True)

    # Fields that are bookkeeping, not content: never taken from a client, never blanked on PUT.
    BOOKKEEPING = frozenset(
        {"id", "record", "version", "entered_in_error", "entered_in_error_reason"}
        | {f.name for f in Stamped._meta.local_fields}
    )

    class Meta:
        abstract = True

    @classmethod
    def content_fields(cls) -> list[models.Field]:
        return [
            f
            for f in cls._meta.concrete_fields
            if f.name not in cls.BOOKKEEPING and f.editable and not f.name.endswith("_derived")
        ]


class SingletonResource(Resource):
    """At most one per record. Never deleted: PUT nulls to clear it (DESIGN rule 8)."""

    record = models.OneToOneField("maternity.Pregnancy", on_delete=models.CASCADE, related_name="%(class)s")

    class Meta:
        abstract = True


class ListResource(Resource):
    """Many per record. "Deleted" by marking entered-in-error, which is kept in history."""

    record = models.ForeignKey("maternity.Pregnancy", on_delete=models.CASCADE, related_name="%(class)ss")
    entered_in_error = models.BooleanField(default=False)
    # why, in the words of whoever marked it (the midwives' app asks; NHN's DELETE carries no reason): kept
    # in the item's history row of that version
    entered_in_error_reason = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        abstract = True
