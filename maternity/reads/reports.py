"""The live figures of one Care Location (issue 7): what the reports page shows and exports.

Every figure is a fixed number of SQL queries, however many records the location has: counts are
aggregated in the database (`Count` with `filter`, grouped by date); the first appointment and the last SFH
measurement of each record come as subqueries of the one query over the records. Only what cannot be
aggregated portably (the median, the INTERGROWTH-21st centile) is worked out in Python over the rows of
that one query.

Each figure is worked out for several locations at once, grouped by location in the same queries
(`*_by_location`), so the regional reports (maternity/reads/regional.py) cost as many queries for ten
locations as a location's page costs for one, and show the same figures: a location's own page is the
grouped figure for just that location.

Which records belong to a location: those whose *active* Care Location it is (the location caring for
her now, or the one that cared for her last when the record is no longer active). Records entered in error
never count.

Gestation at a date is worked out as everywhere else: from the agreed EDD (exact days), else from the
week (and days) the midwife wrote down.

The labels of the tallies ("Live birth", "10–12 weeks") are in the language of the page that asks.
"""

import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maternity.models import (
    AntenatalAppointment,
    Birth,
    CareLocation,
    ModeOfBirth,
    PostnatalBabyVisit,
    PostnatalMotherVisit,
    Pregnancy,
    RecordStatus,
    SymphysisFundalHeight,
)
from maternity.rules.clinical import SFH_MAX_WEEKS, SFH_MIN_WEEKS, format_gestation, gestation_days
from maternity.rules.flags import sfh_outside_centiles
from maternity.rules.postnatal import epds_flag, weight_loss_flag

EXPECTED_WEEKS = 12
# Gestation at booking, in completed weeks: (label, lowest week, highest week), both inclusive.
BOOKING_BANDS = [
    (gettext_lazy("Under 10 weeks"), 0, 9),
    (gettext_lazy("10–12 weeks"), 10, 12),
    (gettext_lazy("13–16 weeks"), 13, 16),
    (gettext_lazy("17–20 weeks"), 17, 20),
    (gettext_lazy("Over 20 weeks"), 21, 60),
]
NOT_RECORDED = gettext_lazy("Not recorded")


@dataclass(frozen=True)
class Tally:
    label: str
    count: int


@dataclass(frozen=True)
class WeekTally(Tally):
    """A week of expected births."""

    start: date
    end: date


@dataclass(frozen=True)
class Period:
    start: date  # inclusive
    end: date  # inclusive

    @classmethod
    def last_12_months(cls, today: date) -> "Period":
        """From the same day a year ago to today, both included (28 February for a 29 February)."""
        try:
            start = today.replace(year=today.year - 1)
        except ValueError:
            start = today.replace(year=today.year - 1, day=28)
        return cls(start, today)

    def bounds(self) -> tuple[datetime, datetime]:
        """The period as local-time instants: midnight of its first day up to (not including) midnight
        after its last day."""
        zone = timezone.get_current_timezone()
        return (
            timezone.make_aware(datetime.combine(self.start, time.min), zone),
            timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min), zone),
        )


Ids = Sequence[int]


def _records_in(location_ids: Ids) -> QuerySet[Pregnancy]:
    return Pregnancy.objects.filter(active_care_location__in=location_ids).exclude(
        status=RecordStatus.ENTERED_IN_ERROR
    )


def location_records(location: CareLocation) -> QuerySet[Pregnancy]:
    return _records_in([location.pk])


def _active_in(location_ids: Ids) -> QuerySet[Pregnancy]:
    return Pregnancy.objects.filter(active_care_location__in=location_ids, status=RecordStatus.ACTIVE)


def active_records(location: CareLocation) -> QuerySet[Pregnancy]:
    return _active_in([location.pk])


T = TypeVar("T")


def _by_location(location_ids: Ids, rows: Iterable[Sequence[Any]], make: Callable[[list], T]) -> dict[int, T]:
    """`make(rows of one location)` for each location, from rows whose first value is the location's id."""
    grouped: dict[int, list] = {pk: [] for pk in location_ids}
    for location_id, *rest in rows:
        grouped[location_id].append(rest)
    return {pk: make(grouped[pk]) for pk in location_ids}


def active_by_location(location_ids: Ids) -> dict[int, int]:
    counts = dict(
        _active_in(location_ids)
        .order_by()
        .values("active_care_location")
        .annotate(n=Count("id"))
        .values_list("active_care_location", "n")
    )
    return {pk: counts.get(pk, 0) for pk in location_ids}


def active_pregnancies(location: CareLocation) -> int:
    """Records with status ACTIVE whose active Care Location is this one."""
    return active_by_location([location.pk])[location.pk]


def expected_by_location(
    location_ids: Ids, today: date, weeks: int = EXPECTED_WEEKS
) -> dict[int, list[WeekTally]]:
    last = today + timedelta(days=7 * weeks - 1)
    rows = (
        _active_in(location_ids)
        .filter(agreed_edd__gte=today, agreed_edd__lte=last)
        .order_by()
        .values("active_care_location", "agreed_edd")
        .annotate(n=Count("id"))
        .values_list("active_care_location", "agreed_edd", "n")
    )

    def tallies(per_day: list) -> list[WeekTally]:
        counts = [0] * weeks
        for edd, n in per_day:
            counts[(edd - today).days // 7] += n
        return [
            WeekTally(
                f"{start:%d.%m}–{start + timedelta(days=6):%d.%m}",
                counts[i],
                start=start,
                end=start + timedelta(days=6),
            )
            for i, start in enumerate(today + timedelta(days=7 * i) for i in range(weeks))
        ]

    return _by_location(location_ids, rows, tallies)


def expected_births(location: CareLocation, today: date, weeks: int = EXPECTED_WEEKS) -> list[WeekTally]:
    """Active records by agreed EDD, in `weeks` weeks of seven days from today (week 1 is today and the
    six days after it). Records without an agreed EDD, or with one in the past, are not in it."""
    return expected_by_location([location.pk], today, weeks)[location.pk]


@dataclass(frozen=True)
class Births:
    period: Period
    total: int
    by_outcome: list[Tally]  # live birth, stillbirth, not recorded
    by_mode: list[Tally]  # each mode of birth, then not recorded


def _births_counts() -> dict:
    return {
        "total": Count("id"),
        "live": Count("id", filter=Q(live_birth=True)),
        "still": Count("id", filter=Q(live_birth=False)),
        "outcome_unknown": Count("id", filter=Q(live_birth__isnull=True)),
        "mode_unknown": Count("id", filter=Q(mode_of_birth__isnull=True) | Q(mode_of_birth="")),
        **{f"mode_{mode.value}": Count("id", filter=Q(mode_of_birth=mode.value)) for mode in ModeOfBirth},
    }


def _births_from(period: Period, row: dict) -> Births:
    return Births(
        period=period,
        total=row["total"],
        by_outcome=[
            Tally(_("Live birth"), row["live"]),
            Tally(_("Stillbirth"), row["still"]),
            Tally(str(NOT_RECORDED), row["outcome_unknown"]),
        ],
        by_mode=[Tally(str(mode.label), row[f"mode_{mode.value}"]) for mode in ModeOfBirth]
        + [Tally(str(NOT_RECORDED), row["mode_unknown"])],
    )


def no_births(period: Period) -> Births:
    """Births with every count 0: the tallies' labels, for a table with no location in it."""
    return _births_from(period, dict.fromkeys(_births_counts(), 0))


def births_by_location(location_ids: Ids, period: Period) -> dict[int, Births]:
    start, end = period.bounds()
    counts = _births_counts()
    rows: dict[int, dict[str, Any]] = {
        row["record__active_care_location"]: dict(row)
        for row in Birth.objects.filter(
            record__in=_records_in(location_ids),
            entered_in_error=False,
            birth_time__gte=start,
            birth_time__lt=end,
        )
        .order_by()
        .values("record__active_care_location")
        .annotate(**counts)
    }
    none = dict.fromkeys(counts, 0)
    return {pk: _births_from(period, rows.get(pk, none)) for pk in location_ids}


def births(location: CareLocation, period: Period) -> Births:
    """Babies born in the period (one row per baby: twins count twice), by outcome and by mode of birth,
    on the location's records. Births entered in error are left out."""
    return births_by_location([location.pk], period)[location.pk]


def gestation_on(
    *, on: date, agreed_edd: date | None, week: int | None, days: int | None = None
) -> int | None:
    """Gestation in days on a date: from the agreed EDD, else the written week (+ days); None if neither,
    or if that gives a date before the pregnancy began."""
    if agreed_edd is not None:
        result = gestation_days(edd=agreed_edd, on=on)
    elif week is not None:
        result = week * 7 + (days or 0)
    else:
        return None
    return result if result >= 0 else None


@dataclass(frozen=True)
class Booking:
    period: Period
    booked: int  # records whose first appointment is in the period
    bands: list[Tally]  # by gestation at that appointment, then "Not recorded"
    median_days: int | None  # of those with a gestation, rounded down to whole days
    known: tuple[int, ...] = field(default=(), repr=False)  # the gestations: to combine locations

    @property
    def median(self) -> str:
        return format_gestation(self.median_days) if self.median_days is not None else ""

    @property
    def with_gestation(self) -> int:
        """How many the median is taken over."""
        return len(self.known)


def booking_from(period: Period, gestations: list[int | None]) -> Booking:
    """The counts in week bands and the median, from the gestations at booking (None: not recorded)."""
    known = [g for g in gestations if g is not None]
    bands = [
        Tally(str(label), sum(low * 7 <= g < (high + 1) * 7 for g in known))
        for label, low, high in BOOKING_BANDS
    ]
    bands.append(Tally(str(NOT_RECORDED), len(gestations) - len(known)))
    median = int(statistics.median(known)) if known else None
    return Booking(period=period, booked=len(gestations), bands=bands, median_days=median, known=tuple(known))


def booking_by_location(location_ids: Ids, period: Period) -> dict[int, Booking]:
    first = AntenatalAppointment.objects.filter(record=OuterRef("pk"), entered_in_error=False).order_by(
        "appointment_date", "last_updated"
    )
    rows = (
        _records_in(location_ids)
        .annotate(
            first_date=Subquery(first.values("appointment_date")[:1]),
            first_week=Subquery(first.values("pregnancy_week")[:1]),
            first_days=Subquery(first.values("days_after_full_pregnancy_week")[:1]),
        )
        .filter(first_date__gte=period.start, first_date__lte=period.end)
        .values_list("active_care_location", "agreed_edd", "first_date", "first_week", "first_days")
    )
    return _by_location(
        location_ids,
        rows,
        lambda own: booking_from(
            period,
            [gestation_on(on=on, agreed_edd=edd, week=week, days=days) for edd, on, week, days in own],
        ),
    )


def booking_gestation(location: CareLocation, period: Period) -> Booking:
    """Gestation at booking: for each record of the location whose first antenatal appointment (entered
    in error ones left out) is in the period, the gestation on that day, as counts in week bands and the
    median. A first appointment without a gestation (no EDD, no week written) counts as not recorded."""
    return booking_by_location([location.pk], period)[location.pk]


@dataclass(frozen=True)
class SfhShare:
    active: int  # active records
    measured: int  # with a last SFH that the standard covers (16-40 weeks, gestation known)
    below_3rd: int  # of those, the last measurement below the 3rd centile

    @property
    def percent(self) -> float | None:
        return round(100 * self.below_3rd / self.measured, 1) if self.measured else None


def _sfh_share(rows: list) -> SfhShare:
    active = measured = below = 0
    for edd, cm, on, week in rows:
        active += 1
        if cm is None:
            continue
        ga = gestation_on(on=on, agreed_edd=edd, week=week)
        if ga is None or not SFH_MIN_WEEKS <= ga / 7 <= SFH_MAX_WEEKS:
            continue
        measured += 1
        flag = sfh_outside_centiles(
            measurement_cm=cm, measurement_date=on, agreed_edd=edd, pregnancy_week=week
        )
        below += flag is not None and flag.code == "sfh-low"
    return SfhShare(active=active, measured=measured, below_3rd=below)


def sfh_by_location(location_ids: Ids) -> dict[int, SfhShare]:
    last = SymphysisFundalHeight.objects.filter(record=OuterRef("pk"), entered_in_error=False).order_by(
        "-measurement_date", "-last_updated"
    )
    rows = (
        _active_in(location_ids)
        .annotate(
            sfh_cm=Subquery(last.values("measurement")[:1]),
            sfh_date=Subquery(last.values("measurement_date")[:1]),
            sfh_week=Subquery(last.values("pregnancy_week")[:1]),
        )
        .values_list("active_care_location", "agreed_edd", "sfh_cm", "sfh_date", "sfh_week")
    )
    return _by_location(location_ids, rows, _sfh_share)


def sfh_below_3rd(location: CareLocation) -> SfhShare:
    """Of the active records whose last SFH measurement (latest date; entered in error ones left out) the
    INTERGROWTH-21st standard covers, how many are below its 3rd centile (the caseload's SFH flag)."""
    return sfh_by_location([location.pk])[location.pk]


@dataclass(frozen=True)
class Postnatal:
    period: Period
    mother_visits: int
    mothers: int  # mothers visited in the period
    mood_checked: int  # mothers whose EPDS was asked in the period
    mood_flagged: int  # of those, mothers with a total of 13 or more, or an answer above 0 to item 10
    baby_visits: int
    babies: int  # babies visited in the period
    weight_loss_flagged: int  # babies who lost more than 10% of their birth weight at a visit
    discharged: int  # mothers discharged from postnatal care in the period


def _postnatal_from(period: Period, mothers: list, babies: list) -> Postnatal:
    checked = {record for record, answers, _ in mothers if answers}
    return Postnatal(
        period=period,
        mother_visits=len(mothers),
        mothers=len({record for record, _, _ in mothers}),
        mood_checked=len(checked),
        mood_flagged=len({record for record, answers, _ in mothers if answers and epds_flag(answers)}),
        baby_visits=len(babies),
        babies=len({baby for baby, _, _ in babies}),
        weight_loss_flagged=len(
            {baby for baby, weight, born in babies if weight_loss_flag(birth_weight=born, weight=weight)}
        ),
        discharged=len({record for record, _, discharged in mothers if discharged}),
    )


def postnatal_by_location(location_ids: Ids, period: Period) -> dict[int, Postnatal]:
    records = _records_in(location_ids)
    start, end = period.start, period.end
    mothers = _by_location(
        location_ids,
        PostnatalMotherVisit.objects.filter(
            record__in=records, entered_in_error=False, visit_date__gte=start, visit_date__lte=end
        ).values_list("record__active_care_location", "record_id", "epds_answers", "discharged"),
        list,
    )
    birth_weight = Birth.objects.filter(pk=OuterRef("birth_id"), entered_in_error=False).values(
        "birth_weight"
    )
    babies = _by_location(
        location_ids,
        PostnatalBabyVisit.objects.filter(
            record__in=records, entered_in_error=False, visit_date__gte=start, visit_date__lte=end
        )
        .annotate(birth_weight=Subquery(birth_weight[:1]))
        .values_list("record__active_care_location", "birth_id", "weight", "birth_weight"),
        list,
    )
    return {pk: _postnatal_from(period, mothers[pk], babies[pk]) for pk in location_ids}


def postnatal(location: CareLocation, period: Period) -> Postnatal:
    """Postnatal visits in the period on the location's records (two queries: the mothers' visits, the
    babies' visits with their birth weights), and what the postnatal rules flagged
    (maternity/rules/postnatal.py). A mother or baby counts once however many visits she had."""
    return postnatal_by_location([location.pk], period)[location.pk]


@dataclass(frozen=True)
class Figures:
    """Every figure of a reports page, for one location or several together."""

    today: date
    period: Period
    active: int
    expected: list[WeekTally]
    births: Births
    booking: Booking
    sfh: SfhShare
    postnatal: Postnatal


@dataclass(frozen=True)
class LocationReport(Figures):
    location: CareLocation


def figures_by_location(location_ids: Ids, *, today: date, period: Period) -> dict[int, Figures]:
    """Every figure of each location: seven queries, however many locations and records."""
    active = active_by_location(location_ids)
    expected = expected_by_location(location_ids, today)
    born = births_by_location(location_ids, period)
    booking = booking_by_location(location_ids, period)
    sfh = sfh_by_location(location_ids)
    after = postnatal_by_location(location_ids, period)
    return {
        pk: Figures(
            today=today,
            period=period,
            active=active[pk],
            expected=expected[pk],
            births=born[pk],
            booking=booking[pk],
            sfh=sfh[pk],
            postnatal=after[pk],
        )
        for pk in location_ids
    }


def location_report(location: CareLocation, *, today: date, period: Period) -> LocationReport:
    """Every figure of the reports page: seven queries."""
    figures = figures_by_location([location.pk], today=today, period=period)[location.pk]
    return LocationReport(**{f.name: getattr(figures, f.name) for f in fields(Figures)}, location=location)
