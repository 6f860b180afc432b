"""The access review queue's write path (`maternity/models/reviews.py`): putting an access in a queue as it
happens (`review_item_add`), finding unusual access afterwards in the audit trail (`unusual_access_find`),
and a Care Location admin's decision on an item (`access_review_decide`).

Unusual access, found afterwards (thresholds in settings, docs/security.md):
- a find by keys (FIND or BREAK_GLASS, allowed) after which the finder's Care Location never had a care
  episode of that record within REVIEW_FIND_WITHOUT_CARE_HOURS: finding a record and not caring for her is
  what a look out of curiosity looks like. An episode the location already had before the find counts too
  (a location that cares for her and finds her by keys is not unusual). A find is judged once its window
  has passed, never before;
- more than REVIEW_MANY_FINDS_PER_DAY finds and look-ups (FIND, BREAK_GLASS, FIND_ALL, PATIENT_LOOKUP,
  whatever their outcome: refused searches are the fishing kind) by one person for one Care Location in
  one local (Europe/Oslo) day. One person: a signed-in user, or a client system's acting user (the client's
  service user and the name and id it sent).
Each finding is one item whatever how often the finding runs: its `key` is unique in its queue.
"""

import hashlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Count, Min, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy

from maternity.http.control_characters import TEXT_CONTROLS, described

from ..actors import Actor
from ..errors import Invalid, NotFound
from ..models import (
    FIND_ACTIONS,
    AccessAction,
    AccessLog,
    AccessOutcome,
    AccessReview,
    CareLocation,
    CareLocationEpisode,
    Pregnancy,
    ReviewKind,
    ReviewOutcome,
)
from ..rules.wording import in_english, worded
from .audit import access_log_write

RESOURCE_TYPE = "accessReview"  # the audit trail's name for the queue's items
COMMENT_MAX = 2000
KEYS_FIND = (AccessAction.FIND, AccessAction.BREAK_GLASS)
LOCAL_DAY = ZoneInfo("Europe/Oslo")  # Normen's day is Norway's, whatever the server's time zone


def review_item_add(
    *,
    kind: str,
    care_location: CareLocation,
    actor: Actor,
    record: Pregnancy | None = None,
    reason_code: str = "",
    reason: str = "",
    detail: str = "",
    key: str = "",
) -> AccessReview:
    """Put one access into `care_location`'s review queue (inside the caller's transaction: the access and
    its review item are written together or not at all)."""
    accessor = actor.care_location
    return AccessReview.objects.create(
        kind=kind,
        care_location=care_location,
        occurred_at=timezone.now(),
        record=record,
        user=actor.user,
        username=actor.user.get_username() if actor.user else "",
        acting_user_name=actor.name[:200],
        accessor_location=accessor,
        accessor_org_name=accessor.name if accessor else "",
        client_id=actor.client_id,
        reason_code=reason_code,
        reason=reason,
        detail=str(in_english(detail)),
        request_id=actor.request_id,
        key=key,
    )


# --- deciding ----------------------------------------------------------------------------------------------


def may_review(user: User, review: AccessReview) -> bool:
    """A superuser, or an active staff user who administers the item's Care Location."""
    if not (user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    return user.administered_locations.filter(pk=review.care_location_id).exists()


def _comment(comment: str | None) -> str:
    """Trimmed; required whatever the outcome (docs/security.md: a review is a documented assessment, and
    "justified" with nothing said on what grounds cannot be checked later); tabs and line breaks only."""
    text = (comment or "").strip()
    if not text:
        raise Invalid(
            gettext_lazy(
                'Write a comment: what you checked and what you found (for example, "admitted through the '
                'emergency department, see the EPJ note"). It is kept with your review.'
            ),
            field="comment",
        )
    if len(text) > COMMENT_MAX:
        raise Invalid(
            worded(
                gettext_lazy("The comment is %(length)d characters long; it can be at most %(most)d."),
                length=len(text),
                most=COMMENT_MAX,
            ),
            field="comment",
        )
    control = TEXT_CONTROLS.search(text)
    if control:
        raise Invalid(
            worded(
                gettext_lazy("The comment holds the control character %(character)s: remove it."),
                character=described(control.group()),
            ),
            field="comment",
        )
    return text


def _outcome(outcome: str | None) -> ReviewOutcome:
    if not outcome:
        raise Invalid(gettext_lazy("Choose an outcome."), field="outcome")
    if outcome not in ReviewOutcome.values:
        raise Invalid(
            worded(
                gettext_lazy("Unknown outcome %(outcome)s: choose one of %(outcomes)s."),
                outcome=repr(str(outcome)[:40]),
                outcomes=", ".join(ReviewOutcome.values),
            ),
            field="outcome",
        )
    return ReviewOutcome(outcome)


@transaction.atomic
def access_review_decide(
    *, review: AccessReview | int, outcome: str, comment: str, by: User, ip: str | None = None
) -> AccessReview:
    """Mark one item reviewed, with an outcome and a comment (both required), as `by`: a superuser or an
    admin of the item's Care Location (anyone else: NotFound, as if there were no such item). Deciding again
    is allowed (a second look, a correction): each decision is a new version of the item, with who and when,
    so the earlier one stays in its history. One audit entry (WRITE, "accessReview") says who decided what."""
    review_id = review.pk if isinstance(review, AccessReview) else review
    try:
        item = AccessReview.objects.select_for_update(of=("self",)).get(pk=int(review_id))
    except (AccessReview.DoesNotExist, TypeError, ValueError, OverflowError):
        raise NotFound(gettext_lazy("No such item in your review queue.")) from None
    if not may_review(by, item):
        raise NotFound(gettext_lazy("No such item in your review queue."))
    decided = _outcome(outcome)
    text = _comment(comment)
    again = item.reviewed
    item.outcome = decided
    item.comment = text
    item.reviewed_at = timezone.now()
    item.reviewed_by = by
    item._history_user = by  # type: ignore[attr-defined]
    item.save(update_fields=["outcome", "comment", "reviewed_at", "reviewed_by"])
    access_log_write(
        action=AccessAction.WRITE,
        outcome=AccessOutcome.ALLOWED,
        actor=Actor(user_type="", user=by, care_location=item.care_location, name=by.get_full_name()),
        record_id=item.record_id,
        resource_type=RESOURCE_TYPE,
        detail=f"{'Reviewed again' if again else 'Reviewed'} access review #{item.pk} "
        f"({item.kind}): {decided.value}.",
        ip=ip,
    )
    return item


def open_reviews_count(location_ids: list[int] | None) -> int:
    """The open items in these locations' queues (None: every queue, for a superuser). One query, off the
    queue's index."""
    queryset = AccessReview.objects.filter(reviewed_at__isnull=True)
    if location_ids is not None:
        queryset = queryset.filter(care_location_id__in=location_ids)
    return queryset.count()


# --- unusual access, found afterwards ---------------------------------------------------------------------


def unusual_access_find(*, since: datetime, until: datetime) -> int:
    """Write one review item for each unusual access in the audit trail between `since` and `until` into
    the accessor's Care Location's queue; the number of new items. Idempotent: an item already there
    (its `key`) is not written again, also when two runs overlap."""
    return _finds_without_care(since=since, until=until) + _many_finds(since=since, until=until)


def _finds(since: datetime, until: datetime) -> QuerySet[AccessLog]:
    """The finds and look-ups between the two moments, read off the partial index `accesslog_finds_at`
    (its condition repeated word for word, so PostgreSQL uses it), of a person acting for a Care Location."""
    return AccessLog.objects.filter(
        action__in=FIND_ACTIONS, at__gte=since, at__lt=until, care_location__isnull=False
    ).order_by()


def _finds_without_care(*, since: datetime, until: datetime) -> int:
    window = timedelta(hours=settings.REVIEW_FIND_WITHOUT_CARE_HOURS)
    judged_by = min(until, timezone.now()) - window  # a find whose window is still open waits
    if judged_by <= since:
        return 0
    finds = list(
        _finds(since, judged_by).filter(
            action__in=KEYS_FIND, outcome=AccessOutcome.ALLOWED, record__isnull=False
        )
    )
    if not finds:
        return 0
    episodes: dict[tuple, list[datetime]] = {}
    for record_id, location_id, at in CareLocationEpisode.objects.filter(
        record_id__in={entry.record_id for entry in finds}, entered_in_error=False
    ).values_list("record_id", "care_location_id", "last_updated"):
        episodes.setdefault((record_id, location_id), []).append(at)
    hours = settings.REVIEW_FIND_WITHOUT_CARE_HOURS
    found = []
    for entry in finds:
        cared = episodes.get((entry.record_id, entry.care_location_id), [])
        if entry.care_location_id is None or any(at <= entry.at + window for at in cared):
            continue  # (every find read has a Care Location: `_finds`)
        found.append(
            AccessReview(
                kind=ReviewKind.FIND_WITHOUT_CARE,
                care_location_id=entry.care_location_id,
                occurred_at=entry.at,
                record_id=entry.record_id,
                **_accessor(entry),
                reason_code=entry.reason_code,
                reason=entry.reason,
                detail=f"Found the record by its keys (audit entry #{entry.pk}, {entry.action}); "
                f"no care episode at {entry.org_name} followed within {hours} hours.",
                request_id=entry.request_id,
                key=f"find-without-care:{entry.pk}",
            )
        )
    return _add_new(found)


def _person(user_id: int | None, client_id: str, acting_id: str, acting_name: str) -> str:
    """One person, as a short stable key: the account, and for a client system the acting user it named."""
    if not client_id:
        return str(user_id)
    who = hashlib.sha256(f"{client_id}\0{acting_id}\0{acting_name}".encode()).hexdigest()[:16]
    return f"{user_id}:{who}"


def _many_finds(*, since: datetime, until: datetime) -> int:
    most = settings.REVIEW_MANY_FINDS_PER_DAY
    # Whole local days: the day `since` falls in is counted from its start.
    day_start = timezone.localtime(since, LOCAL_DAY).replace(hour=0, minute=0, second=0, microsecond=0)
    rows = (
        _finds(day_start, until)
        .annotate(day=TruncDate("at", tzinfo=LOCAL_DAY))
        .values("day", "care_location_id", "user_id", "client_id", "acting_user_id", "acting_user_name")
        .annotate(finds=Count("id"), first=Min("at"))
        .filter(finds__gt=most)
    )
    found = []
    for row in rows:
        entry = (
            AccessLog.objects.filter(
                action__in=FIND_ACTIONS,
                at=row["first"],
                care_location_id=row["care_location_id"],
                user_id=row["user_id"],
                client_id=row["client_id"],
                acting_user_id=row["acting_user_id"],
                acting_user_name=row["acting_user_name"],
            )
            .order_by("id")
            .first()
        )
        if entry is None:
            continue
        person = _person(row["user_id"], row["client_id"], row["acting_user_id"], row["acting_user_name"])
        found.append(
            AccessReview(
                kind=ReviewKind.MANY_FINDS,
                care_location_id=row["care_location_id"],
                occurred_at=row["first"],
                **_accessor(entry),
                finds=row["finds"],
                detail=f"{row['finds']} finds and look-ups on {row['day']:%Y-%m-%d} "
                f"(more than {most} in a day), the first at audit entry #{entry.pk}.",
                key=f"many-finds:{person}:{row['day']:%Y-%m-%d}",
            )
        )
    return _add_new(found)


def _accessor(entry: AccessLog) -> dict:
    return {
        "user_id": entry.user_id,
        "username": entry.username,
        "acting_user_name": entry.acting_user_name,
        "accessor_location_id": entry.care_location_id,
        "accessor_org_name": entry.org_name,
        "client_id": entry.client_id,
    }


def _add_new(items: list[AccessReview]) -> int:
    """Save the items not in their queues yet (one query to know which), each with its first version; one
    written meanwhile by an overlapping run is skipped (the unique key refuses it)."""
    if not items:
        return 0
    known = set(
        AccessReview.objects.filter(
            care_location_id__in={item.care_location_id for item in items},
            key__in=[item.key for item in items],
        ).values_list("care_location_id", "key")
    )
    added = 0
    for item in items:
        if (item.care_location_id, item.key) in known:
            continue
        try:
            with transaction.atomic():
                item.save()
        except IntegrityError:
            continue
        added += 1
    return added
