"""The event feed: which RecordEvents a caller may learn of, in commit order, a page at a time.

One query for the polling endpoint and for each webhook batch alike (a subscription is a server-side
cursor over this same query). Positions come from `event_positions`: they appear in order, so "after
position N" never skips an event that committed late.
"""

from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Max, QuerySet

from .access import stakeholder_condition, visible_records
from .actors import Actor
from .event_positions import committed_through
from .models import RecordEvent

ROOT = "record"  # events of the record root (status, care pulled) pass every record filter


@dataclass(frozen=True)
class EventPage:
    events: list[RecordEvent]
    through: int  # the position to continue after: the last event's, or the high-water mark
    more: bool  # more visible events follow `through` already


def visible_events(actor: Actor, resource_types: Collection[str] | None = None) -> QuerySet[RecordEvent]:
    """Events of the records the actor is a stakeholder of (now: a Care Location that becomes one sees
    the record's later events), limited to the resource types of a client's record filter."""
    if actor.is_professional:
        condition = stakeholder_condition(actor, "record_id")
        if condition is None:
            return RecordEvent.objects.none()
        events = RecordEvent.objects.filter(condition)
    else:  # the pregnant person (her own records) or the system
        events = RecordEvent.objects.filter(record_id__in=visible_records(actor).values("pk"))
    if resource_types is not None:
        events = events.filter(resource_type__in=[ROOT, *resource_types])
    return events


def events_page(
    *, actor: Actor, after: int, limit: int, resource_types: Collection[str] | None = None
) -> EventPage:
    """Up to `limit` events after position `after`. When the page is not full the caller has seen
    everything up to the high-water mark, so `through` moves there: the next poll starts past all the
    events it may not see instead of scanning them again."""
    through = committed_through()
    page = list(
        visible_events(actor, resource_types)
        .filter(position__gt=after, position__lte=through)
        .order_by("position")[: limit + 1]
    )
    more = len(page) > limit
    page = page[:limit]
    if more:
        through = page[-1].position
    return EventPage(events=page, through=max(through, after), more=more)


def position_before(moment) -> int:
    """The last position committed before `moment`: redelivering after it sends everything since.
    (Commit times grow with position; a BRIN index on PostgreSQL keeps this cheap.)"""
    last = RecordEvent.objects.filter(committed_at__lt=moment).aggregate(last=Max("position"))["last"]
    return last or 0
