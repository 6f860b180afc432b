"""When a pregnancy can have ended: the one check of every date that says so (the delivery and
termination dates of a status change, a baby's birth time), whoever writes it (DESIGN rules 10 and 12).

Only what cannot be true is refused, never what is merely unusual:

- **before the pregnancy began**: before the last menstrual period (LMP) in the current pregnancy section;
  with no LMP, before the agreed EDD minus 280 days; with neither, before her own date of birth;
- **more than 45+6 weeks after it began**, by every dating the record has (the later of the LMP and the
  agreed EDD minus 280 days, so an LMP that a scan corrected by weeks does not count against her): no
  pregnancy lasts that long, and a baby's own gestation is refused past 45 weeks too (`Birth`);
- **after today**, today being the date in the deployment's time zone (`TIME_ZONE`). A date, not a moment:
  a birth a moment ago sent with a wrong offset (local time marked UTC) is later *today* and still kept;
  a wrong day, month or year is caught.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maternity.rules.clinical import PREGNANCY_DAYS, format_gestation
from maternity.rules.wording import Text, worded

from ..errors import Invalid
from ..models import CurrentPregnancy, Pregnancy, RecordStatus

LONGEST_PREGNANCY_DAYS = 45 * 7 + 6  # 45+6

# The status change's fields: (the service's argument, its name on the record API, in words)
STATUS_DATES: dict[str, tuple[str, str, Text]] = {
    RecordStatus.DELIVERED: ("delivery_date", "recordStatus.deliveryDate", _("The delivery date")),
    RecordStatus.TERMINATED: ("termination_date", "recordStatus.terminationDate", _("The termination date")),
}


@dataclass(frozen=True)
class PregnancyDates:
    lmp: date | None
    agreed_edd: date | None
    born: date | None  # her date of birth

    @classmethod
    def of(cls, record: Pregnancy) -> "PregnancyDates":
        lmp = (
            CurrentPregnancy.objects.filter(record=record).values_list("date_last_period", flat=True).first()
        )
        return cls(lmp=lmp, agreed_edd=record.agreed_edd, born=record.person.date_of_birth)

    @property
    def start_by_edd(self) -> date | None:
        return self.agreed_edd - timedelta(days=PREGNANCY_DAYS) if self.agreed_edd else None


def pregnancy_end_check(*, record: Pregnancy, at: datetime | date, field: str, what: Text) -> None:
    """Invalid naming `field` when the pregnancy cannot have ended at `at` (see the module)."""
    day = _local_date(at)
    dates = PregnancyDates.of(record)
    today = timezone.localdate()
    if day > today:
        raise Invalid(
            worded(
                _("%(what)s (%(day)s) is in the future: today is %(today)s (%(time_zone)s)."),
                what=what,
                day=day,
                today=today,
                time_zone=settings.TIME_ZONE,
            ),
            field=field,
        )
    if dates.lmp is not None and day < dates.lmp:
        raise Invalid(
            worded(
                _(
                    "%(what)s (%(day)s) is before this pregnancy began: her last menstrual period was "
                    "%(lmp)s. Check the date, or the LMP in the current pregnancy section."
                ),
                what=what,
                day=day,
                lmp=dates.lmp,
            ),
            field=field,
        )
    if dates.lmp is None and dates.start_by_edd is not None and day < dates.start_by_edd:
        raise Invalid(
            worded(
                _(
                    "%(what)s (%(day)s) is before this pregnancy began: %(start)s, 280 days before the "
                    "agreed due date %(edd)s. Check the date, or the due date."
                ),
                what=what,
                day=day,
                start=dates.start_by_edd,
                edd=dates.agreed_edd,
            ),
            field=field,
        )
    if dates.lmp is None and dates.start_by_edd is None and dates.born is not None and day < dates.born:
        raise Invalid(
            worded(
                _("%(what)s (%(day)s) is before her date of birth (%(born)s)."),
                what=what,
                day=day,
                born=dates.born,
            ),
            field=field,
        )
    starts = [start for start in (dates.lmp, dates.start_by_edd) if start is not None]
    if starts and (day - max(starts)).days > LONGEST_PREGNANCY_DAYS:
        start = max(starts)
        basis = _("by the last menstrual period") if start == dates.lmp else _("by the agreed due date")
        raise Invalid(
            worded(
                _(
                    "%(what)s (%(day)s) would end a pregnancy of %(gestation)s weeks (begun %(start)s, "
                    "%(basis)s); none lasts past %(longest)s. Check the date, or the pregnancy's dates."
                ),
                what=what,
                day=day,
                gestation=format_gestation((day - start).days),
                start=start,
                basis=basis,
                longest=format_gestation(LONGEST_PREGNANCY_DAYS),
            ),
            field=field,
        )


def record_status_dates_check(
    *, record: Pregnancy, status: str, delivery_date: datetime | None, termination_date: datetime | None
) -> None:
    """The date a status change to DELIVERED or TERMINATED gives, checked against the record."""
    if status not in STATUS_DATES:
        return
    name, field, what = STATUS_DATES[status]
    at = {"delivery_date": delivery_date, "termination_date": termination_date}[name]
    if at is not None:
        pregnancy_end_check(record=record, at=at, field=field, what=what)


def _local_date(at: datetime | date) -> date:
    if not isinstance(at, datetime):
        return at
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    return timezone.localtime(at).date()
