"""Who sees a restricted entry: the one place that says it (issue 23, docs/security.md).

A restricted entry (`maternity/models/restrictions.py`) is seen as it is by:
- the system;
- professionals acting for the restricting Care Location (in a browser, or through a client system of that
  location whose filter names the restriction's category: `categories`);
- the pregnant person, unless the professional hid it from her (then it is absent, not even a stub);
- a professional of another location who opened it with a reason, until the opening ends (`opened`).
Every other caller sees a stub that says only that something is there: a list item `{"id", "restricted":
true}`, a singleton `{"restricted": true}`. Nothing else: no category, no dates, no who.

Reads pass what they know about the record's restrictions as `Restricted` values, from the stored
document's `restrictions` column (GET record: no query of its own) or from the rows (`restrictions_of`).
"""

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.utils import timezone

from maternity.actors import Actor
from maternity.models import Pregnancy, RecordDocument, RestrictedOpening, Restriction, UserType
from maternity.reads.documents import dumps
from maternity.reads.selectors import StoredDocument
from maternity.rules.resources import RESOURCE_TYPES

STUB = "stub"  # replaced by {"id", "restricted": true} / {"restricted": true}
ABSENT = "absent"  # left out: the list item is gone, the singleton is null


@dataclass(frozen=True)
class Restricted:
    """One restricted entry, as reads need it."""

    restriction_id: int
    resource_type: str
    resource_id: str | None  # None: the singleton
    location_id: int
    category: str
    hidden_from_patient: bool

    def as_stored(self) -> dict[str, Any]:
        return {
            "id": self.restriction_id,
            "type": self.resource_type,
            "resourceId": self.resource_id,
            "location": self.location_id,
            "category": self.category,
            "hidden": self.hidden_from_patient,
        }

    @classmethod
    def from_stored(cls, stored: dict[str, Any]) -> "Restricted":
        return cls(
            restriction_id=stored["id"],
            resource_type=stored["type"],
            resource_id=stored["resourceId"],
            location_id=stored["location"],
            category=stored["category"],
            hidden_from_patient=stored["hidden"],
        )

    def covers(self, resource_type: str, resource_id: UUID | str | None) -> bool:
        """Is this the entry (a singleton whatever its id, a list item by its id)?"""
        if resource_type != self.resource_type:
            return False
        return self.resource_id is None or str(resource_id) == self.resource_id


def active_restrictions(record_id: UUID | str) -> QuerySet[Restriction]:
    return Restriction.objects.filter(record_id=UUID(str(record_id)), lifted_at__isnull=True)


def restrictions_of(record: Pregnancy | UUID | str) -> list[Restricted]:
    """The record's restricted entries, from the rows (one query)."""
    record_id = record.pk if isinstance(record, Pregnancy) else record
    return [
        Restricted(
            restriction_id=r.pk,
            resource_type=r.resource_type,
            resource_id=None if r.resource_id is None else str(r.resource_id),
            location_id=r.care_location_id,
            category=r.category,
            hidden_from_patient=r.hidden_from_patient,
        )
        for r in active_restrictions(record_id)
    ]


def record_restrictions(record: Pregnancy) -> list[Restricted]:
    """The record's restricted entries from its stored document when it came with the record
    (`select_related("document")`), else from the rows."""
    try:
        document = record.document
    except RecordDocument.DoesNotExist:
        return restrictions_of(record)
    if document.revision != record.revision:  # behind: the rows say
        return restrictions_of(record)
    return stored_restrictions(document.restrictions)


def stored_restrictions(stored: list[dict[str, Any]] | None) -> list[Restricted]:
    return [Restricted.from_stored(item) for item in stored or []]


def restricted_for(
    actor: Actor, restrictions: Iterable[Restricted], *, opened: Collection[int] = ()
) -> dict[Restricted, str]:
    """{restricted entry: STUB or ABSENT} for those this caller may not see as they are. A client system
    (`actor.client_id`) of the restricting location sees the categories its filter allows
    (`actor.restricted_categories`); `opened`: the restrictions this professional has opened and may still
    see (`opened_by`)."""
    categories = actor.restricted_categories if actor.client_id else None
    hidden: dict[Restricted, str] = {}
    for entry in restrictions:
        if actor.user_type == UserType.SYSTEM:
            continue
        if actor.user_type == UserType.PATIENT:
            if entry.hidden_from_patient:
                hidden[entry] = ABSENT
            continue
        if actor.care_location_id_or_none == entry.location_id:
            if categories is None or entry.category in categories:
                continue
        elif categories is None and entry.restriction_id in opened:
            continue
        hidden[entry] = STUB
    return hidden


def hidden_entry(hidden: dict[Restricted, str], resource_type: str, resource_id: UUID | str | None) -> str:
    """STUB, ABSENT, or "" when this entry is not hidden from the caller."""
    for entry, how in hidden.items():
        if entry.covers(resource_type, resource_id):
            return how
    return ""


def document_without_restricted(document: dict[str, Any], hidden: dict[Restricted, str]) -> dict[str, Any]:
    """The document (as GET record returns it) with the hidden entries stubbed or left out."""
    if not hidden:
        return document
    result = dict(document)
    for entry, how in hidden.items():
        value = result.get(entry.resource_type)
        if value is None:
            continue
        if entry.resource_id is None:
            if isinstance(value, dict):
                result[entry.resource_type] = {"restricted": True} if how == STUB else None
        elif isinstance(value, list):
            kept = []
            for item in value:
                if _item_id(item) != entry.resource_id:
                    kept.append(item)
                elif how == STUB:
                    kept.append({"id": entry.resource_id, "restricted": True})
            result[entry.resource_type] = kept
    return result


def _item_id(item: Any) -> str | None:
    """A list item's id: in its metadata (NHN's shape), or at the top (a stub)."""
    if not isinstance(item, dict):
        return None
    metadata = item.get("metadata")
    return metadata.get("id") if isinstance(metadata, dict) else item.get("id")


def body_for_caller(actor: Actor, found: StoredDocument, body: str) -> str:
    """The stored document's text as this caller may see it (GET record): the same text, untouched, unless
    something in it is hidden from them; only then is it decoded and written again. Its restrictions came
    with the stored document in the read's one query (read from the rows only when there was none)."""
    stored = found.restrictions
    if stored == []:
        return body
    restrictions = restrictions_of(found.record_id) if stored is None else stored_restrictions(stored)
    hidden = restricted_for(actor, restrictions)
    if not hidden:
        return body
    return dumps(document_without_restricted(json.loads(body), hidden))


def opened_by(actor: Actor, restrictions: Iterable[Restricted]) -> set[int]:
    """The restrictions (of these) this professional has opened and may still see (one query, none when
    nothing is restricted or she is no person acting for a location)."""
    ids = [
        entry.restriction_id for entry in restrictions if entry.location_id != actor.care_location_id_or_none
    ]
    if not ids or actor.user is None or actor.client_id or not actor.is_professional:
        return set()
    return set(
        RestrictedOpening.objects.filter(
            restriction_id__in=ids, user=actor.user, until__gt=timezone.now()
        ).values_list("restriction_id", flat=True)
    )


@dataclass
class PageRestrictions:
    """The record's restricted entries as one page shows them to the acting professional."""

    actor: Actor
    restrictions: list[Restricted] = field(default_factory=list)
    hidden: dict[Restricted, str] = field(default_factory=dict)
    opened: set[int] = field(default_factory=set)

    def of(self, resource_type: str, resource_id: UUID | str | None) -> Restricted | None:
        return next((r for r in self.restrictions if r.covers(resource_type, resource_id)), None)

    def hides(self, resource_type: str, resource_id: UUID | str | None) -> bool:
        return bool(self.hidden) and bool(hidden_entry(self.hidden, resource_type, resource_id))

    def ours(self, restriction: Restricted | None) -> bool:
        return restriction is not None and restriction.location_id == self.actor.care_location_id_or_none


def page_restrictions(record: Pregnancy, actor: Actor) -> PageRestrictions:
    """One query for the restrictions, one more for her openings when something is hidden from her."""
    restrictions = restrictions_of(record)
    if not restrictions:
        return PageRestrictions(actor)
    opened = opened_by(actor, restrictions)
    return PageRestrictions(actor, restrictions, restricted_for(actor, restrictions, opened=opened), opened)


def record_without_hidden(record: Pregnancy, hidden: dict[Restricted, str]) -> int:
    """Take the hidden entries out of a record loaded with its resources (`record_page_queryset`), so a
    page built from it (the portal, the printed notes) cannot show them: a hidden singleton reads as
    absent, a hidden list item is not in its list. Returns how many entries were left out."""
    left_out = 0
    prefetched = getattr(record, "_prefetched_objects_cache", {})
    for entry in hidden:
        rt = RESOURCE_TYPES[entry.resource_type]
        if rt.is_list:
            items = prefetched.get(rt.accessor)
            if items is None:  # not loaded: nothing to take out
                continue
            kept = [item for item in items if str(item.pk) != entry.resource_id]
            left_out += len(items) - len(kept)
            items._result_cache = kept
        else:
            if getattr(record, rt.accessor, None) is not None:
                left_out += 1
            record._state.fields_cache[rt.accessor] = None
    return left_out
