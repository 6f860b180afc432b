"""The national schedules of antenatal visits, offered as a plan of bookings that the midwife accepts or
edits (`services.bookings_plan_accept` books it).

Which schedule is the setting VISIT_SCHEDULE ("NO", the default, or "NICE"):

- "NO": Helsedirektoratet, Nasjonal faglig retningslinje for svangerskapsomsorgen (national guideline for
  antenatal care, 2018, updated since), its basic programme: the first consultation (booking) by 12
  weeks, the routine ultrasound scan at 17-19 weeks, then consultations at about 24, 28, 32, 36, 38, 40
  and 41 weeks; about eight consultations besides the scan. The programme is the same whether or not she
  has given birth before.
- "NICE": NICE guideline NG201, Antenatal care (2021), whose schedule of appointments follows the table
  of CG62 (2008): for a first pregnancy 10 appointments (booking by 10+0, then 16, 25, 28, 31, 34, 36,
  38, 40 and 41 weeks); for someone who has given birth before 7 (booking, 16, 28, 34, 36, 38, 41).

Whether she has given birth before comes from the previous pregnancies section (`given_birth_before`).
When it is not known the plan is the first-pregnancy one, which has more visits, and the page says so.

Each visit is planned for the first day of its week (the week as completed weeks: "28" is 28+0) from the
agreed EDD; a Saturday or Sunday moves to the Monday after. A plan books from tomorrow on: a visit whose
day has passed is not offered, and one whose day is today is offered on the next working day. The
exception is the booking visit: when its day has passed and no antenatal appointment has been recorded
yet (she comes late to care), it is offered on the next working day, marked as overdue. A visit that a
booking already covers is not offered twice (`covered`).

Plain values in, plain answers out (no queries), like the other rules.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time, timedelta

from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maternity.models import Booking, BookingStatus, PreviousPregnancies, VisitKind
from maternity.rules.clinical import PREGNANCY_DAYS, format_gestation

StrOrPromise = str | Promise  # a lazily translated text: in the page's language where it is shown

DEFAULT_TIME = time(9, 0)  # the time a proposed visit is offered at, until the midwife changes it
NEAR_DAYS = 3  # a booking this many days either side of a planned visit's day covers it


@dataclass(frozen=True)
class ScheduledVisit:
    week: int  # completed weeks of pregnancy: planned for week+0
    kind: str  # a VisitKind
    purpose: StrOrPromise
    first_pregnancy_only: bool = False

    @property
    def purpose_in_english(self) -> str:
        """The purpose in the record's stored language, English: for a booking's note, which is kept."""
        with translation.override("en"):
            return str(self.purpose)


@dataclass(frozen=True)
class Schedule:
    code: str
    name: StrOrPromise
    source: StrOrPromise
    visits: tuple[ScheduledVisit, ...]

    def visits_for(self, *, first_pregnancy: bool) -> list[ScheduledVisit]:
        return [v for v in self.visits if first_pregnancy or not v.first_pregnancy_only]


def _check(week: int, purpose: StrOrPromise, *, first_only: bool = False) -> ScheduledVisit:
    return ScheduledVisit(week, VisitKind.ANTENATAL, purpose, first_pregnancy_only=first_only)


NORWAY = Schedule(
    code="NO",
    name=gettext_lazy("Norwegian national guideline"),
    source=gettext_lazy(
        "Helsedirektoratet, Nasjonal faglig retningslinje for svangerskapsomsorgen (2018, updated): "
        "the basic programme of consultations"
    ),
    visits=(
        ScheduledVisit(10, VisitKind.BOOKING, gettext_lazy("First consultation (booking), by 12 weeks")),
        ScheduledVisit(18, VisitKind.ULTRASOUND, gettext_lazy("Routine ultrasound scan, 17-19 weeks")),
        _check(24, gettext_lazy("Antenatal check")),
        _check(28, gettext_lazy("Antenatal check")),
        _check(32, gettext_lazy("Antenatal check")),
        _check(36, gettext_lazy("Antenatal check")),
        _check(38, gettext_lazy("Antenatal check")),
        _check(40, gettext_lazy("Antenatal check")),
        _check(41, gettext_lazy("Check after the due date")),
    ),
)

NICE = Schedule(
    code="NICE",
    name=gettext_lazy("NICE (UK)"),
    source=gettext_lazy(
        "NICE guideline NG201, Antenatal care (2021); the schedule of appointments follows CG62 (2008): "
        "10 appointments in a first pregnancy, 7 after a previous birth"
    ),
    visits=(
        ScheduledVisit(9, VisitKind.BOOKING, gettext_lazy("Booking appointment, by 10+0 weeks")),
        _check(16, gettext_lazy("Review of the screening results")),
        _check(25, gettext_lazy("Antenatal check (first pregnancy)"), first_only=True),
        _check(28, gettext_lazy("Antenatal check; second screening blood tests")),
        _check(31, gettext_lazy("Antenatal check (first pregnancy)"), first_only=True),
        _check(34, gettext_lazy("Antenatal check")),
        _check(36, gettext_lazy("Antenatal check; baby's position")),
        _check(38, gettext_lazy("Antenatal check")),
        _check(40, gettext_lazy("Antenatal check (first pregnancy)"), first_only=True),
        _check(41, gettext_lazy("Antenatal check; membrane sweep and induction discussed")),
    ),
)

SCHEDULES = {schedule.code: schedule for schedule in (NORWAY, NICE)}


def schedule_for(code: str) -> Schedule:
    try:
        return SCHEDULES[code.upper()]
    except KeyError:
        raise LookupError(f"VISIT_SCHEDULE must be one of {', '.join(SCHEDULES)}, not {code!r}.") from None


# --- whether she has given birth before ----------------------------------------------------------------


def given_birth_before(previous: PreviousPregnancies | None) -> bool | None:
    """True after a live birth or a stillbirth (from 22 weeks); False when she has had no previous
    pregnancy, or both counts are recorded as none; None (not known) otherwise."""
    if previous is None:
        return None
    births = (previous.number_of_previous_live_births, previous.still_births_22weeks)
    if any(births):
        return True
    if previous.number_of_previous_pregnancies == 0 or births == (0, 0):
        return False
    return None


def parity_words(given_birth: bool | None) -> str:
    if given_birth is None:
        return _(
            "Not known whether she has given birth before (record it under Previous pregnancies): the plan "
            "is the one for a first pregnancy."
        )
    return (
        _("She has given birth before.") if given_birth else _("First birth: she has not given birth before.")
    )


# --- the plan ------------------------------------------------------------------------------------------


def scheduled_day(edd: date, week: int) -> date:
    """The first day of `week` (week+0) for this agreed EDD."""
    return edd - timedelta(days=PREGNANCY_DAYS) + timedelta(weeks=week)


def working_day(day: date) -> date:
    """The day itself, or the Monday after a Saturday or Sunday."""
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def covered(bookings: Iterable[Booking], *, week: int, edd: date | None) -> bool:
    """A live booking (neither cancelled nor entered in error) covers the visit of `week`: it was planned
    for that week, or it is within NEAR_DAYS of the week's first day."""
    for booking in bookings:
        if booking.entered_in_error or booking.status == BookingStatus.CANCELLED:
            continue
        if booking.planned_week == week:
            return True
        if edd is not None:
            day = timezone.localdate(booking.starts_at)
            if abs((day - scheduled_day(edd, week)).days) <= NEAR_DAYS:
                return True
    return False


@dataclass(frozen=True)
class ProposedVisit:
    week: int
    kind: str
    purpose: StrOrPromise
    day: date
    overdue: bool = False  # the booking visit, offered late

    @property
    def kind_label(self) -> str:
        return str(VisitKind(self.kind).label)

    def gestation_on(self, edd: date) -> str:
        """Her gestation on the visit's day: "28+0"."""
        return format_gestation(PREGNANCY_DAYS - (edd - self.day).days)


@dataclass(frozen=True)
class Plan:
    schedule: Schedule
    first_pregnancy: bool
    parity: str  # whether she has given birth before, in a sentence
    visits: list[ProposedVisit]
    edd: date | None
    why_none: str = ""  # when nothing is offered, why


def visit_plan(
    *,
    schedule: Schedule,
    edd: date | None,
    today: date,
    given_birth: bool | None,
    bookings: Iterable[Booking],
    visits_recorded: bool,
) -> Plan:
    """The visits of `schedule` still to book for this pregnancy (module docstring). `visits_recorded`:
    an antenatal appointment is already in the record (so a booking visit whose day has passed was held)."""
    first = given_birth is not True
    parity = parity_words(given_birth)
    if edd is None:
        why = _("There is no agreed due date, so the visits cannot be planned: record the dates first.")
        return Plan(schedule, first, parity, [], edd, why_none=why)
    bookings = list(bookings)
    proposed = []
    for visit in schedule.visits_for(first_pregnancy=first):
        if covered(bookings, week=visit.week, edd=edd):
            continue
        day = working_day(scheduled_day(edd, visit.week))
        overdue = False
        if day < today:
            late_booking = (
                visit.kind == VisitKind.BOOKING
                and not visits_recorded
                and not any(
                    b.kind == VisitKind.BOOKING
                    and b.status != BookingStatus.CANCELLED
                    and not b.entered_in_error
                    for b in bookings
                )
            )
            if not late_booking:
                continue
            day, overdue = working_day(today + timedelta(days=1)), True
        elif day == today:
            day = working_day(today + timedelta(days=1))
        proposed.append(ProposedVisit(visit.week, visit.kind, visit.purpose, day, overdue=overdue))
    why = "" if proposed else _("Every visit of the schedule has passed or is booked already.")
    return Plan(schedule, first, parity, proposed, edd, why_none=why)
