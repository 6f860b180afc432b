"""Pulling active care (DESIGN rule 3). Care is pulled, never pushed: the caller's own Care Location takes
it. The active location is the one with the latest care start time, so a historic start time records an
earlier episode without moving the current one."""

from datetime import datetime, timedelta
from uuid import UUID

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maternity.rules.resources import RESOURCE_TYPES

from ..actors import Actor
from ..errors import Invalid, NotAllowed
from ..models import CareLocationEpisode, EventAction, NoteKind, Pregnancy, StakeholderReason
from .gate import record_write
from .records import save_record_version
from .resources import create_in_locked_record
from .stakeholders import stakeholder_grant
from .versioning import lock_record_for_write, now

CLOCK_SKEW = timedelta(minutes=5)


@record_write()
def care_pull(*, record_id: UUID | str, actor: Actor, start_time: datetime | None = None) -> Pregnancy:
    """The actor's Care Location cares for the pregnancy from `start_time` (default: now). Adds an episode
    to careLocations and a note; makes the location a stakeholder; moves active care when this is now
    the latest start."""
    location = actor.care_location
    if not actor.is_professional or location is None:
        raise NotAllowed(_("Only health care professionals acting for a Care Location can pull active care."))
    at = now()
    start_time = start_time or at
    if start_time.tzinfo is None:
        raise Invalid(_("The care start time needs a time zone."), field="startTime")
    if start_time > at + CLOCK_SKEW:
        raise Invalid(_("Care cannot be pulled from a time in the future."), field="startTime")
    record = lock_record_for_write(record_id, actor)
    create_in_locked_record(
        record=record,
        rt=RESOURCE_TYPES["careLocations"],
        data={"care_location": location, "start_time": start_time},
        actor=actor,
        at=at,
    )
    stakeholder_grant(record=record, care_location=location, reason=StakeholderReason.ACTIVE_CARE)
    previous = record.active_care_location
    latest = (
        CareLocationEpisode.objects.filter(record=record, entered_in_error=False)
        .select_related("care_location")
        .order_by("-start_time", "-last_updated")
        .first()
    )
    assert latest is not None  # there is at least the episode created above
    # The note is stored, and read by every location and client system: English, like the audit trail.
    when = timezone.localtime(start_time).strftime("%Y-%m-%d %H:%M %Z")
    if latest.care_location_id != previous.pk:
        record.active_care_location = latest.care_location
        record.version += 1
        save_record_version(record, action=EventAction.UPDATED, actor=actor, at=at)
        text = f"{location.name} took over active care from {previous.name}, from {when}."
    elif previous.pk == location.pk:
        text = f"{location.name} recorded care from {when}; it keeps active care."
    else:
        text = (
            f"{location.name} recorded an earlier episode of care from {when}; "
            f"active care stays with {previous.name}."
        )
    create_in_locked_record(
        record=record,
        rt=RESOURCE_TYPES["notes"],
        data={"kind": NoteKind.CARE_PULLED, "text": text},
        actor=actor,
        at=at,
    )
    record.refresh_from_db(fields=["record_last_updated", "revision"])
    return record
