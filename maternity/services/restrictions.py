"""Restricting an entry of a record, lifting the restriction, and opening a restricted entry with a reason
(issue 23; who sees what: `maternity/reads/restrictions.py`, docs/security.md).

- Which entries: the sensitive ones the categories are about. The singletons previousPregnancies (an
  earlier termination), medicalConditions, medication, lifestyleFactors and geneticDisorders, and the items
  of antenatalAppointments and notes (free text: a safeguarding concern). Never the key demographics
  (mother), the current pregnancy's dates (what every carer needs), her own birth plan, the care episodes,
  nor the entries that other pages derive from (births, SFH measurements, postnatal visits, labour,
  bookings, alert acknowledgements: charts, reports, the caseload and the alerts read them).
- Who restricts: a professional of the active Care Location (it has the care of the pregnancy) or of the
  location that wrote the entry last (it knows what the entry says). Who lifts: only the restricting
  location. A client system neither restricts nor opens (its record filter decides what it sees).
- Opening: a professional of another stakeholder location gives a reason (a code and a text, the
  break-glass rule); she then sees that entry for RESTRICTED_OPENING_MINUTES. The opening is kept, audited
  by the page (AccessAction.OPEN_RESTRICTED) and put in the restricting location's review queue.

Each restriction and lifting is a change of the record: through the write gate, under the record's lock;
its revision moves and a RecordEvent (RESTRICTED / RESTRICTION_LIFTED, naming the entry) is written, so the
stored document's restrictions follow and clients re-read.
"""

from datetime import timedelta
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from maternity.reads.access import get_record_for
from maternity.reads.documents import RESTRICTIONS
from maternity.reads.restrictions import active_restrictions
from maternity.rules.resources import RESOURCE_TYPES, ResourceType
from maternity.rules.wording import Text, worded

from ..actors import Actor
from ..errors import AlreadyExists, Invalid, NotAllowed, ResourceNotFound
from ..models import (
    EventAction,
    Pregnancy,
    RestrictedOpening,
    Restriction,
    RestrictionCategory,
    ReviewKind,
)
from ..models.base import Resource
from .finding import break_glass_reason_check
from .gate import record_changed, record_write
from .resources import _get_resource
from .reviews import review_item_add
from .versioning import lock_record_for_write, now, record_event, save_version

RESTRICTABLE = (
    "previousPregnancies",
    "medicalConditions",
    "medication",
    "lifestyleFactors",
    "geneticDisorders",
    "antenatalAppointments",
    "notes",
)
CATEGORY_FIELD, TYPE_FIELD = "category", "resourceType"


def restrictable_type(name: str) -> ResourceType:
    if name not in RESOURCE_TYPES:
        raise ResourceNotFound(
            worded(_("Unknown resource type '%(name)s'."), name=str(name)[:60]), field=TYPE_FIELD
        )
    if name not in RESTRICTABLE:
        raise Invalid(
            worded(
                _("%(name)s cannot be restricted. Entries that can: %(types)s."),
                name=name,
                types=", ".join(RESTRICTABLE),
            ),
            field=TYPE_FIELD,
        )
    return RESOURCE_TYPES[name]


def category_check(category: str | None) -> RestrictionCategory:
    category = (category or "").strip()
    if category not in RestrictionCategory.values:
        raise Invalid(
            worded(
                _("Unknown restriction category %(category)s: use one of %(categories)s."),
                category=repr(category[:40]),
                categories=", ".join(RestrictionCategory.values),
            ),
            field=CATEGORY_FIELD,
        )
    return RestrictionCategory(category)


def _professional_check(actor: Actor, doing: Text) -> None:
    if not actor.is_professional or actor.care_location is None or actor.client_id:
        raise NotAllowed(doing, rule="restricted")


def restrict_refusal(*, record: Pregnancy, instance: Resource, actor: Actor) -> NotAllowed | None:
    """Why this professional may not restrict this entry (None: she may). Pages ask it before offering."""
    if not actor.is_professional or actor.care_location is None or actor.client_id:
        return NotAllowed(
            _("Only a professional acting for a Care Location can restrict an entry."), rule="restricted"
        )
    location = actor.care_location
    if location.pk != record.active_care_location_id and instance.updated_by_org_nr != location.org_nr:
        return NotAllowed(
            _("Only the active Care Location or the location that wrote the entry last can restrict it."),
            rule="restricted",
        )
    return None


def _entry(record: Pregnancy, rt: ResourceType, resource_id: UUID | str | None) -> Resource:
    return _get_resource(rt, record, resource_id if rt.is_list else None)


def _event(record: Pregnancy, rt: ResourceType, instance: Resource, action: str, actor: Actor) -> None:
    record_event(
        record=record,
        resource_type=rt.name,
        resource_id=instance.pk,
        version=instance.version,
        action=action,
        actor=actor,
        now=now(),
    )
    record_changed(record, RESTRICTIONS, revision_moved=False)


@record_write()
def restriction_add(
    *,
    record_id: UUID | str,
    resource_type: str,
    actor: Actor,
    category: str,
    hidden_from_patient: bool = False,
    resource_id: UUID | str | None = None,
) -> Restriction:
    """Restrict one entry: its list item (`resource_id`) or the singleton. AlreadyExists when it is."""
    rt = restrictable_type(resource_type)
    chosen = category_check(category)
    record = lock_record_for_write(record_id, actor)
    instance = _entry(record, rt, resource_id)
    refusal = restrict_refusal(record=record, instance=instance, actor=actor)
    if refusal is not None:
        raise refusal
    restricted = active_restrictions(record.pk).filter(resource_type=rt.name)
    if rt.is_list:
        restricted = restricted.filter(resource_id=instance.pk)
    if restricted.exists():
        raise AlreadyExists(_("This entry is restricted already."))
    at = now()
    restriction = Restriction(
        record=record,
        resource_type=rt.name,
        resource_id=instance.pk if rt.is_list else None,
        category=chosen,
        hidden_from_patient=bool(hidden_from_patient),
        care_location=actor.care_location,
        restricted_at=at,
        restricted_by=actor.user,
        restricted_by_name=actor.name[:200],
    )
    save_version(restriction, actor=actor, now=at, reason="restricted")
    _event(record, rt, instance, EventAction.RESTRICTED, actor)
    return restriction


@record_write()
def restriction_lift(*, record_id: UUID | str, restriction_id: int | str, actor: Actor) -> Restriction:
    """Lift a restriction: only its restricting Care Location may. It is kept, with who lifted it."""
    _professional_check(actor, _("Only a professional acting for a Care Location can lift a restriction."))
    record = lock_record_for_write(record_id, actor)
    restriction = _restriction(record, restriction_id)
    if restriction.care_location_id != actor.care_location_id_or_none:
        raise NotAllowed(
            _("Only the Care Location that restricted the entry can lift the restriction."), rule="restricted"
        )
    rt = RESOURCE_TYPES[restriction.resource_type]
    instance = rt.model._default_manager.get(
        record=record, **({"pk": restriction.resource_id} if rt.is_list else {})
    )
    at = now()
    restriction.lifted_at = at
    restriction.lifted_by = actor.user
    restriction.lifted_by_name = actor.name[:200]
    save_version(restriction, actor=actor, now=at, reason="lifted")
    _event(record, rt, instance, EventAction.RESTRICTION_LIFTED, actor)
    return restriction


def _restriction(record: Pregnancy, restriction_id: int | str) -> Restriction:
    try:
        return active_restrictions(record.pk).get(pk=int(str(restriction_id)))
    except (ValueError, Restriction.DoesNotExist):
        raise ResourceNotFound(_("This record has no such restricted entry.")) from None


@transaction.atomic
def restricted_entry_open(
    *, record_id: UUID | str, restriction_id: int | str, actor: Actor, reason_code: str, reason: str
) -> RestrictedOpening:
    """Open one restricted entry with a reason (the logged emergency override): she sees it until the
    opening ends; the opening goes into the restricting location's review queue. No record change: the
    record's revision stays (the entry is shown to her alone)."""
    why = break_glass_reason_check(code=reason_code, text=reason)
    _professional_check(
        actor, _("Only a professional acting for a Care Location can open a restricted entry.")
    )
    record = get_record_for(actor, record_id)  # read, not written: a delivered record's entries open too
    restriction = _restriction(record, restriction_id)
    if restriction.care_location_id == actor.care_location_id_or_none:
        raise Invalid(_("Your Care Location restricted this entry: you see it already."))
    at = now()
    opening = RestrictedOpening.objects.create(
        restriction=restriction,
        user=actor.user,
        name=actor.name[:200],
        care_location=actor.care_location,
        reason_code=why.code.value,
        reason=why.text,
        opened_at=at,
        until=at + timedelta(minutes=settings.RESTRICTED_OPENING_MINUTES),
        request_id=actor.request_id,
    )
    review_item_add(
        kind=ReviewKind.RESTRICTED_OPENED,
        care_location=restriction.care_location,
        actor=actor,
        record=record,
        reason_code=why.code.value,
        reason=why.text,
        detail=f"Opened the restricted {restriction.resource_type} entry ({restriction.category})",
    )
    return opening
