"""The task list of a midwife: what is to be done for the records of her Care Location, most urgent
first.

Her records are the caseload's (the active pregnancies whose active Care Location is hers,
`reads.caseload.caseload_records`), and the delivered ones of her location still without birth details or
in postnatal care (delivered in the last POSTNATAL_DAYS). Their tasks:

- alerts not yet acknowledged (`rules.flags`), the bookings' among them (a missed booking, none to come),
  and after the birth the postnatal ones (`rules.postnatal`: mood, blood pressure, a baby's weight loss);
- birth plans she wrote that no professional has marked as read;
- delivered records without a baby's birth details;
- records whose data quality (`rules.data_quality`) is below TASKS_DATA_QUALITY_BELOW.

The list costs the same queries however many records there are: the records with their singletons, one
query each for what the flags read (`reads.caseload.flag_prefetches`) and the postnatal flags read (the
visits and births), and two for the data quality. The
rules run in Python over every record of the location (as the data-quality report does), so the list is
sorted by urgency across all of them before it is cut into pages: a severe alert is never on page 5.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maternity.actors import Actor
from maternity.models import Birth, PostnatalBabyVisit, PostnatalMotherVisit, Pregnancy, RecordStatus
from maternity.reads.alerts import delivered_flags
from maternity.reads.caseload import acknowledged, flag_prefetches, record_flags_read
from maternity.rules import data_quality
from maternity.rules.clinical import format_gestation, gestation_days

PAGE_SIZE = 25
# How long after the delivery a record stays on the task list for its postnatal care: NICE NG194 follows
# mother and baby for 6-8 weeks.
POSTNATAL_DAYS = 8 * 7

# Kinds of task, in the order they come when equally urgent
ALERT, BOOKING, BIRTHS, BIRTH_PLAN, DATA_QUALITY = "alert", "booking", "births", "birth-plan", "data-quality"
KIND_ORDER = {ALERT: 0, BOOKING: 1, BIRTHS: 2, BIRTH_PLAN: 3, DATA_QUALITY: 4}
# The words of a task are built for the page that shows them, in its language: a task is never stored
KIND_LABELS = {
    ALERT: gettext_lazy("Alert to acknowledge"),
    BOOKING: gettext_lazy("Booking"),
    BIRTHS: gettext_lazy("Birth details"),
    BIRTH_PLAN: gettext_lazy("Birth plan"),
    DATA_QUALITY: gettext_lazy("Data quality"),
}
BOOKING_FLAGS = {"booking-missed", "booking-none"}


@dataclass(frozen=True)
class Task:
    record: Pregnancy
    name: str  # the pregnant person's name, "" when not recorded
    gestation: str  # today's, "weeks+days"; "" when unknown or delivered
    kind: str
    label: str
    detail: str
    url: str  # where it is done
    action: str  # the link's words
    severe: bool = False

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])


def data_quality_below() -> float:
    return float(getattr(settings, "TASKS_DATA_QUALITY_BELOW", 75.0))


def _percent(value: float) -> str:
    """75.0 -> "75", 62.5 -> "62.5" (nb "62,5")."""
    return number_format(Decimal(f"{value:g}"))


def _url(name: str, *args: object, anchor: str = "") -> str:
    try:
        return reverse(name, args=args) + anchor
    except NoReverseMatch:
        return ""


def task_records(actor: Actor, now: datetime) -> QuerySet[Pregnancy]:
    """Her records: the caseload's, and the delivered ones of her location without birth details or
    delivered in the last POSTNATAL_DAYS."""
    if actor.care_location is None:
        return Pregnancy.objects.none()
    births = Birth.objects.filter(record=OuterRef("pk"), entered_in_error=False)
    delivered = Q(status=RecordStatus.DELIVERED) & (
        ~Exists(births) | Q(delivery_date__gte=now - timedelta(days=POSTNATAL_DAYS))
    )
    return Pregnancy.objects.filter(
        Q(status=RecordStatus.ACTIVE) | delivered, active_care_location=actor.care_location
    )


def postnatal_prefetches() -> list[Prefetch]:
    """What the postnatal flags read, one query each for all the records: visits and births."""
    return [
        Prefetch("postnatalmothervisits", PostnatalMotherVisit.objects.filter(entered_in_error=False)),
        Prefetch("postnatalbabyvisits", PostnatalBabyVisit.objects.filter(entered_in_error=False)),
        Prefetch("births", Birth.objects.filter(entered_in_error=False)),
    ]


def _gestation(record: Pregnancy, today: date) -> str:
    if record.agreed_edd is None or record.status != RecordStatus.ACTIVE:
        return ""
    days = gestation_days(edd=record.agreed_edd, on=today)
    return format_gestation(days) if days >= 0 else ""


def record_tasks(record: Any, *, now: datetime, quality: data_quality.RecordQuality | None) -> list[Task]:
    """Every task of one record (a Pregnancy) that came with `flag_prefetches` and its singletons."""
    today = timezone.localdate(now)
    mother = getattr(record, "mother", None)
    name = (mother.name or "").strip() if mother else ""
    page = reverse("web:record", args=[record.pk])
    common = {"record": record, "name": name, "gestation": _gestation(record, today)}
    seen = acknowledged(record)
    if record.status == RecordStatus.DELIVERED:
        births = list(record.births.all())
        flags = delivered_flags(
            record, record.postnatalmothervisits.all(), record.postnatalbabyvisits.all(), births
        )
        missing = (
            []
            if births
            else [
                Task(
                    **common,
                    kind=BIRTHS,
                    label=_("No birth details"),
                    detail=_("The record is delivered but no baby's birth details are recorded."),
                    url=_url("web:item-add", record.pk, "births") or f"{page}#section-births",
                    action=_("Add the birth details"),
                    severe=False,
                )
            ]
        )
        return missing + [
            Task(**common, kind=ALERT, label=flag.label, detail=flag.detail, url=f"{page}#alerts",
                 action=_("Acknowledge"), severe=flag.severe)
            for flag in flags
            if (flag.code, flag.subject) not in seen
        ]  # fmt: skip
    tasks = []
    for flag in record_flags_read(record, now):
        if (flag.code, flag.subject) in seen:
            continue
        if flag.code in BOOKING_FLAGS:
            url = _url("web:booking-new", record.pk) if flag.code == "booking-none" else ""
            tasks.append(
                Task(
                    **common,
                    kind=BOOKING,
                    label=flag.label,
                    detail=flag.detail,
                    url=url or f"{page}#section-bookings",
                    action=_("Book a visit") if url else _("See the bookings"),
                    severe=flag.severe,
                )
            )
            continue
        tasks.append(
            Task(
                **common,
                kind=ALERT,
                label=flag.label,
                detail=flag.detail,
                url=f"{page}#alerts",
                action=_("Acknowledge"),
                severe=flag.severe,
            )
        )
    plan = getattr(record, "birthplan", None)
    if plan is not None and plan.acknowledged_at is None:
        tasks.append(
            Task(
                **common,
                kind=BIRTH_PLAN,
                label=_("Birth plan not read"),
                detail=_("She wrote version %(version)s of her birth plan; no one has marked it as read.")
                % {"version": plan.version},
                url=f"{page}#section-birthPlan",
                action=_("Read the birth plan"),
            )
        )
    if quality is not None and quality.completeness < data_quality_below():
        failing = "; ".join(str(failure.rule.label) for failure in quality.failures)
        tasks.append(
            Task(
                **common,
                kind=DATA_QUALITY,
                label=_("Data quality %(percent)s%%") % {"percent": _percent(quality.completeness)},
                detail=_("Below %(percent)s%%: %(failing)s.")
                % {"percent": _percent(data_quality_below()), "failing": failing},
                url=quality.failures[0].url if quality.failures else page,
                action=_("Complete the record"),
            )
        )
    return tasks


def task_list(*, actor: Actor, now: datetime) -> list[Task]:
    """Every task of her records, the severe first, then by kind, then due soonest."""
    if actor.care_location is None:
        return []
    today = timezone.localdate(now)
    records = list(
        task_records(actor, now)
        .select_related("person", "mother", "clinicaltests", "rhesusdnegative", "birthplan")
        .prefetch_related(*flag_prefetches(today, actor.care_location.pk), *postnatal_prefetches())
        .order_by("agreed_edd", "id")
    )
    qualities = {
        facts.record_id: data_quality.evaluate(facts)
        for facts in data_quality.location_facts(actor.care_location, today=today)
    }
    tasks = [
        task for record in records for task in record_tasks(record, now=now, quality=qualities.get(record.pk))
    ]
    order = {record.pk: number for number, record in enumerate(records)}  # due soonest first
    return sorted(tasks, key=lambda t: (not t.severe, KIND_ORDER[t.kind], order[t.record.pk]))


def task_page(*, actor: Actor, now: datetime, page: int | str | None = 1, per_page: int = PAGE_SIZE) -> Page:
    """One page of her task list (a page number out of range gives the nearest page)."""
    return Paginator(task_list(actor=actor, now=now), per_page).get_page(page)
