"""The event feed: which RecordEvents a caller may learn of, in commit order, a page at a time.

One query for the polling endpoint and for each webhook batch alike (a subscription is a server-side
cursor over this same query). Positions come from `event_positions`: they appear in order, so "after
position N" never skips an event that committed late.
"""

import operator
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from functools import reduce

from django.db import connection
from django.db.models import Max, Q, QuerySet

from maternity.actors import Actor
from maternity.database.event_positions import committed_through
from maternity.database.replicas import read_alias
from maternity.models import FeedEntry, RecordEvent, UserType
from maternity.reads.access import visible_records

ROOT = "record"  # events of the record root (status, care pulled) pass every record filter


@dataclass(frozen=True)
class EventPage:
    events: list[RecordEvent]
    through: int  # the position to continue after: the last event's, or the high-water mark
    more: bool  # more visible events follow `through` already


def visible_events(
    actor: Actor,
    resource_types: Collection[str] | None = None,
    *,
    after: int,
    through: int,
    limit: int | None = None,
) -> QuerySet[RecordEvent]:
    """The events after position `after` up to `through` (at most `limit`) that the actor may learn of,
    in commit order: those of the records it is a stakeholder of (a Care Location that becomes one sees
    the record's earlier events too), limited to the resource types of a client's record filter.

    A professional's events are read from FeedEntry, one index range per stakeholder (her location's
    group; her own break-glass grants), so a page costs the same whatever the location's size."""
    if actor.is_professional:
        positions = _feed_positions(actor, resource_types, after=after, through=through, limit=limit)
        events = RecordEvent.objects.filter(position__in=positions)
    else:  # the pregnant person (her own few records, by their (record, position) index) or the system
        events = RecordEvent.objects.filter(position__gt=after, position__lte=through)
        if actor.user_type != UserType.SYSTEM:
            events = events.filter(record_id__in=visible_records(actor).values("pk"))
        if resource_types is not None:
            events = events.filter(resource_type__in=[ROOT, *resource_types])
    events = events.order_by("position")
    return events[:limit] if limit is not None else events


def _feed_positions(
    actor: Actor, resource_types: Collection[str] | None, *, after: int, through: int, limit: int | None
) -> QuerySet[FeedEntry, int] | list[int]:
    entries = FeedEntry.objects.filter(position__gt=after, position__lte=through)
    if resource_types is not None:
        entries = entries.filter(resource_type__in=[ROOT, *resource_types])
    stakeholders = []
    if actor.care_location is not None:
        stakeholders.append(Q(group_id=actor.care_location.group_id))
    if actor.user is not None:
        stakeholders.append(Q(user=actor.user))
    if not stakeholders:
        return []
    if len(stakeholders) == 1 or not connection.features.supports_slicing_ordering_in_compound:
        # One range; or (SQLite, in development) both in one filter, which it cannot split in two.
        return _first(entries.filter(reduce(operator.or_, stakeholders)), limit)
    # Each index range read in order and cut at the limit, then merged: an event both may see is one position.
    group_range, user_range = (_first(entries.filter(stakeholder), limit) for stakeholder in stakeholders)
    return group_range.union(user_range)


def _first(entries: QuerySet[FeedEntry], limit: int | None) -> QuerySet[FeedEntry, int]:
    positions = entries.order_by("position").values_list("position", flat=True)
    return positions[:limit] if limit is not None else positions


def events_page(
    *, actor: Actor, after: int, limit: int, resource_types: Collection[str] | None = None
) -> EventPage:
    """Up to `limit` events after position `after`. When the page is not full the caller has seen
    everything up to the high-water mark, so `through` moves there: the next poll starts past all the
    events it may not see instead of scanning them again."""
    # The mark and the events from one database: the replica, for a lag-tolerant request (the feed's).
    database = read_alias(RecordEvent)
    through = committed_through(using=database)
    events = visible_events(actor, resource_types, after=after, through=through, limit=limit + 1)
    page = list(events.using(database))
    more = len(page) > limit
    page = page[:limit]
    if more:
        last = page[-1].position
        assert last is not None  # the page holds events with a position only (`visible_events`)
        through = last
    return EventPage(events=page, through=max(through, after), more=more)


def position_before(moment: datetime) -> int:
    """The last position committed before `moment`: redelivering after it sends everything since.
    (Commit times grow with position; a BRIN index on PostgreSQL keeps this cheap.)"""
    last = RecordEvent.objects.filter(committed_at__lt=moment).aggregate(last=Max("position"))["last"]
    return last or 0
