"""The caseload: the active pregnancies a Care Location looks after, one page at a time.

One page costs the same few queries however many pregnancies there are: the total (one row the database
keeps; a search counts its matches), the page's ids in order, the page's records (the person, mother,
clinical tests and RhD-negative section joined in), and one query each for the page's last appointment,
last SFH measurements, open bookings and alert acknowledgements.
The location's active records are found through the (active_care_location, status, agreed_edd, id) index,
already in the default order; the appointment, SFH and booking lookups use their (record, date) indexes.

"Next appointment" is the next booking (`maternity.rules.bookings.next_booking`), not the last visit: a
visit recorded today is not an appointment still to come.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING, TypedDict, cast

from django.core.paginator import Page, Paginator
from django.db.models import Exists, F, OrderBy, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Lower
from django.utils import timezone

from maternity.actors import Actor
from maternity.models import (
    AlertAcknowledgement,
    AntenatalAppointment,
    Booking,
    BookingStatus,
    CareLocation,
    CaseloadSize,
    Pregnancy,
    RecordStatus,
    Restriction,
    SymphysisFundalHeight,
    VisitKind,
)
from maternity.rules.bookings import next_booking
from maternity.rules.clinical import format_gestation, gestation_days
from maternity.rules.flags import Flag, record_flags

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

PAGE_SIZE = 25
MAX_SEARCH = 100
SFH_READ = 6  # the last SFH measurements each row reads: enough to find one 2 weeks before the last

# Sort keys as they appear in the URL; "-" reverses. Unknown pregnancies' values (no name, no EDD, no
# appointment booked) always come last; the record id breaks ties so pages never overlap.
SORT_COLUMNS = {
    "name": "Name",
    "gestation": "Gestation",
    "edd": "Agreed EDD",
    "next": "Next appointment",
}
DEFAULT_SORT = "edd"  # due soonest first: the overdue, who most need seeing, come first


def _ordering(sort: str) -> list[OrderBy | str]:
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key == "gestation":  # further on in pregnancy = earlier EDD
        key, descending = "edd", not descending
    expressions: dict[str, F | Lower] = {
        "name": Lower("mother__name"),
        "edd": F("agreed_edd"),
        "next": F("next_appointment"),
    }
    expression = expressions[key]
    first = expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
    tie_breakers = [F("agreed_edd").asc(nulls_last=True)] if key != "edd" else []
    return [first, *tie_breakers, "id"]


MAX_SEARCH_WORDS = 6


def clean_sort(sort: str | None) -> str:
    return sort if sort and sort.lstrip("-") in SORT_COLUMNS and sort.count("-") <= 1 else DEFAULT_SORT


def search_filter(search: str) -> Q:
    """A name (every word of the search somewhere in it, in any order and any case: "lindqvist sara" finds
    Sara Lindqvist) or a national ID (the whole number, or its start)."""
    condition = Q()
    for word in search.split()[:MAX_SEARCH_WORDS]:
        condition &= Q(mother__name__icontains=word)
    compact = "".join(search.split()).replace("-", "").upper()
    if len(compact) >= 4 and compact.isalnum():
        condition |= Q(person__identifier_value__startswith=compact)
    return condition


def caseload_records(*, actor: Actor, today: date, search: str = "", sort: str = DEFAULT_SORT) -> QuerySet:
    """The active pregnancies whose active Care Location is the actor's, in the order asked for. The
    active location is always a stakeholder (the services grant it before making a location active, and
    grants are never taken back), so no grant is looked up here: that check read every grant of the
    location on each page, thousands at a national scale. The (active_care_location, status, agreed_edd,
    id) index gives the default order straight off the index."""
    if actor.care_location is None:
        return Pregnancy.objects.none()
    records = Pregnancy.objects.filter(active_care_location=actor.care_location, status=RecordStatus.ACTIVE)
    search = search.strip()[:MAX_SEARCH]
    if search:
        records = records.filter(search_filter(search))
    sort = clean_sort(sort)
    if sort.lstrip("-") == "next":
        records = records.annotate(next_appointment=_next_booking(today))
    return records.order_by(*_ordering(sort))


def start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _next_booking(today: date) -> Subquery:
    """When the next booking starts (as `rules.bookings.next_booking` finds it), for sorting in SQL."""
    return Subquery(
        open_bookings()
        .filter(record=OuterRef("pk"), status=BookingStatus.BOOKED, starts_at__gte=start_of(today))
        .order_by("starts_at")
        .values("starts_at")[:1]
    )


def open_bookings() -> QuerySet[Booking]:
    """The bookings the flags read: those still BOOKED with no visit recorded against them (the next one,
    the missed ones) and the inductions booked or attended (the induction plan)."""
    return Booking.objects.filter(
        Q(status=BookingStatus.BOOKED, visit_id__isnull=True)
        | Q(kind=VisitKind.INDUCTION, status=BookingStatus.ATTENDED),
        entered_in_error=False,
    ).order_by("starts_at")


def flag_prefetches(today: date, location_id: int | None) -> list[Prefetch]:
    """What the flags of many records read beside their singletons, one query each for all of them: the
    last appointment on or before today, the last SFH measurements, the open bookings and the
    acknowledgements (`rules.flags.record_flags`). An appointment restricted by another Care Location than
    `location_id` (the reader's) is not read: its blood pressure must not show as a flag where its entry is
    hidden (`reads/restrictions.py`)."""
    restricted_elsewhere = Restriction.objects.filter(
        resource_type="antenatalAppointments", resource_id=OuterRef("pk"), lifted_at__isnull=True
    ).exclude(care_location_id=location_id)
    last_appointment = (
        AntenatalAppointment.objects.filter(entered_in_error=False, appointment_date__lte=today)
        .exclude(Exists(restricted_elsewhere))
        .order_by("-appointment_date", "-last_updated")[:1]
    )
    last_sfhs = SymphysisFundalHeight.objects.filter(entered_in_error=False).order_by(
        "-measurement_date", "-last_updated"
    )[:SFH_READ]
    acknowledgements = AlertAcknowledgement.objects.filter(entered_in_error=False).order_by("last_updated")
    return [
        Prefetch("antenatalappointments", queryset=last_appointment, to_attr="last_appointments"),
        Prefetch("symphysisfundalheights", queryset=last_sfhs, to_attr="last_sfhs"),
        Prefetch("bookings", queryset=open_bookings(), to_attr="open_bookings"),
        Prefetch("alertacknowledgements", queryset=acknowledgements, to_attr="acknowledgements"),
    ]


def with_row_details(records: QuerySet, today: date, location_id: int | None) -> QuerySet:
    """Everything a caseload row shows, for the records of one page, as the reader's location sees them."""
    return records.select_related("person", "mother", "clinicaltests", "rhesusdnegative").prefetch_related(
        *flag_prefetches(today, location_id)
    )


class RowDetails(TypedDict):
    """What `with_row_details` adds to each record."""

    last_appointments: list[AntenatalAppointment]
    last_sfhs: list[SymphysisFundalHeight]
    open_bookings: list[Booking]
    acknowledgements: list[AlertAcknowledgement]


class PageByIds:
    """What the Paginator slices: a page's ids first, in order (for the default order, from the index
    alone, so rows skipped on the way to a later page cost an index entry each, not a row with its
    joins and subqueries), then those records with everything their rows show."""

    def __init__(self, records: QuerySet, today: date, location_id: int | None):
        self.records, self.today, self.location_id = records, today, location_id

    def count(self) -> int:
        return self.records.count()

    def __getitem__(self, page: slice) -> "list[WithAnnotations[Pregnancy, RowDetails]]":
        ids = list(self.records.values_list("pk", flat=True)[page])
        by_id = {
            record.pk: record
            for record in with_row_details(Pregnancy.objects.filter(pk__in=ids), self.today, self.location_id)
        }
        return [cast("WithAnnotations[Pregnancy, RowDetails]", by_id[pk]) for pk in ids if pk in by_id]


@dataclass
class CaseloadRow:
    record: Pregnancy
    name: str
    national_id: str
    age: int | None
    gestation: str  # "weeks+days" today, "" when there is no EDD
    agreed_edd: date | None
    next_booking: Booking | None
    flags: list[Flag] = field(default_factory=list)
    acknowledged: set[tuple[str, str]] = field(default_factory=set)  # (code, subject) of acknowledged flags

    @property
    def next_day(self) -> date | None:
        return timezone.localdate(self.next_booking.starts_at) if self.next_booking else None

    @property
    def flag_states(self) -> list[tuple[Flag, bool]]:
        """Each flag and whether it is acknowledged (about its current subject)."""
        return [(flag, (flag.code, flag.subject) in self.acknowledged) for flag in self.flags]


def age_on(born: date | None, today: date) -> int | None:
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def record_flags_read(record: "WithAnnotations[Pregnancy, RowDetails]", now: datetime) -> list[Flag]:
    """The flags of a record that came with `flag_prefetches`."""
    return record_flags(
        record=record,
        appointments=record.last_appointments,
        measurements=record.last_sfhs,
        bookings=record.open_bookings,
        now=now,
    )


def acknowledged(record: "WithAnnotations[Pregnancy, RowDetails]") -> set[tuple[str, str]]:
    return {(ack.alert_code, ack.subject) for ack in record.acknowledgements}


def caseload_row(record: "WithAnnotations[Pregnancy, RowDetails]", now: datetime) -> CaseloadRow:
    today = timezone.localdate(now)
    mother = getattr(record, "mother", None)
    gestation = ""
    if record.agreed_edd is not None:
        days = gestation_days(edd=record.agreed_edd, on=today)
        gestation = format_gestation(days) if days >= 0 else ""
    return CaseloadRow(
        record=record,
        name=(mother.name or "").strip() if mother else "",
        national_id=record.person.identifier_value,
        age=age_on(record.person.date_of_birth, today),
        gestation=gestation,
        agreed_edd=record.agreed_edd,
        next_booking=next_booking(record.open_bookings, now=now),
        flags=record_flags_read(record, now),
        acknowledged=acknowledged(record),
    )


def caseload_page(
    *,
    actor: Actor,
    now: datetime,
    search: str = "",
    sort: str = DEFAULT_SORT,
    page: int | str | None = 1,
    per_page: int = PAGE_SIZE,
) -> tuple[Page, list[CaseloadRow]]:
    """One page of the caseload (a page number out of range gives the nearest page) and its rows."""
    today = timezone.localdate(now)
    records = caseload_records(actor=actor, today=today, search=search, sort=sort)
    # Django's Paginator asks only for count() and slices: the stub wants a whole sequence
    paginator: Paginator[WithAnnotations[Pregnancy, RowDetails]] = Paginator(
        PageByIds(records, today, actor.care_location_id_or_none),  # type: ignore[arg-type]
        per_page,
    )
    if not search.strip() and actor.care_location is not None:
        paginator.count = caseload_size(actor.care_location)  # instead of counting the whole caseload
    current = paginator.get_page(page)
    return current, [caseload_row(record, now) for record in current.object_list]


def caseload_size(location: CareLocation) -> int:
    """How many ACTIVE pregnancies the location is the active Care Location of: one row, kept by the
    database as pregnancies come and go (`maternity/database/caseload_sizes.py`), whatever the caseload's
    size."""
    return CaseloadSize.objects.filter(care_location=location).values_list("active", flat=True).first() or 0
