"""Her access log as one line per person (or client system), Care Location and day, a page at a time:
"Kari Nordmann, midwife, Munkholmen, opened your record 3 times on 4 December", with the entries behind
each line. Break glass comes first, each line with the reason chosen from the list, in words.

Grouped in the database, not over one page of entries: a page of raw entries would cut a day's line in
two across pages and could put break glass only on top of its own page. The grouping reads only this
pregnancy's entries (`patient_audit_entries`: by record or person, from when the pregnancy began, so on
PostgreSQL only the monthly partitions since then, through the record and person indexes), never the
table. A page costs three queries whatever the trail's length: the count of lines, the page of lines,
and the entries of that page's lines (at most ENTRIES_SHOWN; a line with more says how many are shown).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import reduce
from operator import or_

from django.core.paginator import Page, Paginator
from django.db.models import Case, CharField, Count, F, IntegerField, Max, Min, Q, QuerySet, Value, When
from django.db.models.functions import TruncDate
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from maternity.models import AccessAction, AccessLog, AccessOutcome, UserType
from maternity.reads.selectors import patient_audit_entries

from .access_words import (
    REFUSED,
    Access,
    access,
    break_glass_reason,
    in_the_app,
    nobody_named,
    through_their_system,
)
from .plain_language import role_word

# Who and where: the columns that tell one person (or client system) at one Care Location from another.
KEY = (
    "user_type",
    "user_id",
    "username",
    "client_id",
    "acting_user_name",
    "source_system",
    "care_location_id",
    "org_name",
    "outcome",
)
OPENED = [
    AccessAction.READ,
    AccessAction.HISTORY,
    AccessAction.AUDIT_READ,
    AccessAction.EVENTS,
    AccessAction.LIST,
]
CHANGED = [
    AccessAction.WRITE,
    AccessAction.CREATE,
    AccessAction.STATUS_CHANGE,
    AccessAction.PULL_CARE,
    AccessAction.DELETE,
    AccessAction.SUBSCRIPTION,
]
SEARCHED = [AccessAction.FIND, AccessAction.FIND_ALL, AccessAction.PATIENT_LOOKUP]
ENTRIES_SHOWN = 200

# What a line's entries did, by (opened, changed, searched): whole phrases, so each language words its own
# list ("opened or changed your record").
DID: dict[tuple[bool, bool, bool], Promise] = {
    (True, False, False): gettext_lazy("opened your record"),
    (False, True, False): gettext_lazy("changed your record"),
    (False, False, True): gettext_lazy("searched for your record"),
    (True, True, False): gettext_lazy("opened or changed your record"),
    (True, False, True): gettext_lazy("opened or searched for your record"),
    (False, True, True): gettext_lazy("changed or searched for your record"),
    (True, True, True): gettext_lazy("opened, changed or searched for your record"),
    (False, False, False): gettext_lazy("did something with your record"),
}


def _any(actions: Sequence[str]) -> Max:
    return Max(Case(When(action__in=actions, then=Value(1)), default=Value(0), output_field=IntegerField()))


@dataclass
class AccessGroup:
    who: str
    how: str
    where: str
    day: date
    times: int
    first: datetime
    last: datetime
    break_glass: bool
    reason_code: str  # the break-glass reason in words ("" when not break glass)
    did: str  # "opened your record", "opened or changed your record"
    refused: str  # why nothing happened, or ""
    entries: list[Access] = field(default_factory=list)

    @property
    def day_words(self) -> str:
        return formats.date_format(self.day, "DATE_FORMAT")

    @property
    def times_words(self) -> str:
        return ngettext("once", "%(count)d times", self.times) % {"count": self.times}

    @property
    def summary(self) -> str:
        """ "Kari Nordmann, midwife, at Munkholmen, opened your record 3 times on 4 Dec 2026"."""
        said = {
            "who": self.who,
            "where": self.where,
            "did": self.did,
            "times": self.times_words,
            "day": self.day_words,
        }
        if self.where:
            return _("%(who)s, at %(where)s, %(did)s %(times)s on %(day)s") % said
        return _("%(who)s %(did)s %(times)s on %(day)s") % said

    @property
    def more_than_shown(self) -> bool:
        return len(self.entries) < self.times


def _who(row: dict) -> tuple[str, str]:
    """Who and how, from a line's columns (the same words as `access_words.who_and_how`)."""
    if row["client_id"]:
        return row["acting_user_name"] or _("Someone"), through_their_system(row["source_system"])
    if row["user_type"] == UserType.HEALTH_CARE_PROFESSIONAL:
        name = row["user__practitioner__display_name"]
        if not name:
            return row["acting_user_name"] or row["username"] or _("A health professional"), in_the_app()
        role = role_word(row["user__practitioner__role_code"] or "")
        return (f"{name}, {role}" if role else name), in_the_app()
    return nobody_named(row["user_type"], signed_in=bool(row["user_id"] or row["username"]))


def _did(row: dict) -> str:
    if row["break_glass"]:
        return _("broke glass to open your record")
    if row["outcome"] != AccessOutcome.ALLOWED:
        return _("tried to reach your record")
    return str(DID[bool(row["opened"]), bool(row["changed"]), bool(row["searched"])])


def group_rows(entries: QuerySet[AccessLog]) -> QuerySet:
    """One row per who, where, day (local), break glass or not (and its reason code), newest first with
    break glass before everything else."""
    is_break_glass = Case(
        When(action=AccessAction.BREAK_GLASS, then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    code = Case(
        When(action=AccessAction.BREAK_GLASS, then=F("reason_code")),
        default=Value(""),
        output_field=CharField(),
    )
    return (
        entries.select_related(None)
        .order_by()
        .annotate(day=TruncDate("at"), break_glass=is_break_glass, code=code)
        .values(
            *KEY,
            "day",
            "break_glass",
            "code",
            "user__practitioner__display_name",
            "user__practitioner__role_code",
        )
        .annotate(
            times=Count("id"),
            first=Min("at"),
            last=Max("at"),
            opened=_any(OPENED),
            changed=_any(CHANGED),
            searched=_any(SEARCHED),
        )
        .order_by("-break_glass", "-last", *KEY)
    )


def _row_key(row: dict) -> tuple:
    return (*(row[name] for name in KEY), row["day"], bool(row["break_glass"]), row["code"])


def _entry_key(entry: AccessLog) -> tuple:
    glass = entry.action == AccessAction.BREAK_GLASS
    return (
        *(getattr(entry, name) for name in KEY),
        timezone.localtime(entry.at).date(),
        glass,
        entry.reason_code if glass else "",
    )


def _row_filter(row: dict) -> Q:
    q = Q(at__gte=row["first"], at__lte=row["last"], **{name: row[name] for name in KEY})
    if row["break_glass"]:
        return q & Q(action=AccessAction.BREAK_GLASS, reason_code=row["code"])
    return q & ~Q(action=AccessAction.BREAK_GLASS)


def grouped_access_log(
    record, *, her_user_id: int, page_number, page_size: int
) -> tuple[Page, list[AccessGroup]]:
    """A page of her access log's lines, each with its entries (newest first)."""
    entries = patient_audit_entries(record, her_user_id=her_user_id)
    page = Paginator(group_rows(entries), page_size).get_page(page_number)
    rows = list(page.object_list)
    groups: dict[tuple, AccessGroup] = {}
    for row in rows:
        who, how = _who(row)
        groups[_row_key(row)] = AccessGroup(
            who=who,
            how=how,
            where=row["org_name"],
            day=row["day"],
            times=row["times"],
            first=row["first"],
            last=row["last"],
            break_glass=bool(row["break_glass"]),
            reason_code=break_glass_reason(row["code"]) if row["break_glass"] else "",
            did=_did(row),
            refused=str(REFUSED.get(row["outcome"], "")),
        )
    if rows:
        behind = entries.filter(reduce(or_, (_row_filter(row) for row in rows))).order_by("-at", "-id")
        for entry in behind[:ENTRIES_SHOWN]:
            group = groups.get(_entry_key(entry))
            if group is not None:
                group.entries.append(access(entry))
    return page, list(groups.values())
