"""Finding a pregnancy by its keys (DESIGN rules 2, 5, 6).

A find with a break-glass reason makes the finder a stakeholder: a client system's Care Location, or a
person acting in a browser. When that is new access (the glass is really broken) the reason is written
into the record as a note, which the pregnant person sees. Reading or writing with all three keys makes
the caller a stakeholder too, without a note: knowing the keys shows a care relationship.
"""

from dataclasses import dataclass
from uuid import UUID

from django.db import transaction

from ..access import can_access
from ..actors import Actor
from ..errors import Invalid, NotAllowed, NotFound
from ..models import NoteKind, Pregnancy, StakeholderReason
from ..pregnancy_keys import PregnancyKeys, best_match, records_matching
from ..resources import RESOURCE_TYPES
from .resources import create_in_locked_record
from .stakeholders import stakeholder_grant_for

NO_MATCH = "No pregnancy matches these keys (national ID, date of birth, and EDD within 21 days)."
MAX_REASON = 1000


@dataclass(frozen=True)
class Found:
    record: Pregnancy
    broke_glass: bool  # True when this find gave the caller access it did not have


@transaction.atomic
def record_find_by_keys(*, keys: PregnancyKeys, reason: str, actor: Actor) -> Found:
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("A break-glass reason is required to find a pregnancy.", field="break-glass-reason")
    if len(reason) > MAX_REASON:
        raise Invalid(
            f"The break-glass reason is at most {MAX_REASON} characters.", field="break-glass-reason"
        )
    if not actor.is_professional or actor.care_location is None:
        raise NotAllowed("Only health care professionals acting for a Care Location can find a pregnancy.")
    match = best_match(keys)
    if match is None:
        raise NotFound(NO_MATCH)
    locked = Pregnancy.objects.select_for_update(of=("self",), no_key=True)
    record = locked.select_related("person").get(pk=match.pk)
    if can_access(actor, record):
        return Found(record=record, broke_glass=False)
    stakeholder_grant_for(record=record, actor=actor, reason=StakeholderReason.BREAK_GLASS, detail=reason)
    who = actor.name or "A user"
    create_in_locked_record(
        record=record,
        rt=RESOURCE_TYPES["notes"],
        data={
            "kind": NoteKind.BREAK_GLASS,
            "text": f"{who} at {actor.care_location.name} found this record by its keys (break glass). "
            f"Reason: {reason}",
        },
        actor=actor,
    )
    record.refresh_from_db(fields=["record_last_updated", "revision"])
    return Found(record=record, broke_glass=True)


@transaction.atomic
def record_access_by_keys(*, record_id: UUID | str, keys: PregnancyKeys, actor: Actor) -> bool:
    """A caller who names a record and sends its keys becomes a stakeholder of it (DESIGN rule 2: read or
    written via the API with the pregnancy keys). False when the keys do not match that record."""
    if not actor.is_professional or actor.care_location is None:
        return False
    for record in records_matching(keys):
        if str(record.pk) == str(record_id):
            stakeholder_grant_for(
                record=record, actor=actor, reason=StakeholderReason.API_ACCESS, detail="pregnancy keys"
            )
            return True
    return False
