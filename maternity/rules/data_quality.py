"""Data quality of the active records of a Care Location: every rule is here, one small function each,
tested in `maternity/tests/test_data_quality.py`.

A rule takes the facts of one record (`RecordFacts`, plain values) and says whether the record passes.
The facts of all of a location's active records come from two queries, however many records there are
(the records with their singletons and subqueries; their SFH measurements), so the rules stay plain
Python, easy to read and to test. A record's completeness is the share of the rules it passes; a rule that
cannot apply (no LMP to compare appointments with) passes, since another rule reports what is missing.

Each rule names the section where it is put right: a singleton's edit form, or the record page's list
section (appointments, SFH measurements).

What a person reads (a rule's label and what it checks, a finding about the location) is in the language
of the page that shows it; nothing here is stored or sent over the API. A rule's code is the same in every
language (URLs, CSV, tests).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maternity.models import (
    AntenatalAppointment,
    CareLocation,
    ClinicalTests,
    Pregnancy,
    RecordStatus,
    SymphysisFundalHeight,
)
from maternity.rules.clinical import gestation_days

SFH_MIN_CM, SFH_MAX_CM = 10, 50  # outside this, a fundal height is a typing error
SFH_MAX_GAP_CM = 10  # SFH in cm is about the gestation in weeks; more than 10 cm apart is implausible
BOOKING_BY_DAYS = 13 * 7  # the booking appointment is due in the first trimester (NICE: by 10+0)
OVERDUE_LIMIT_DAYS = 28  # an active record four weeks past its EDD has a wrong EDD or a missing outcome


@dataclass(frozen=True)
class Sfh:
    cm: int
    on: date
    week: int | None  # as written at the measurement


@dataclass
class RecordFacts:
    """What the rules read about one record."""

    today: date
    record_id: object = None
    name: str = ""
    national_id: str = ""
    agreed_edd: date | None = None
    lmp: date | None = None
    abo_type: str | None = None
    rhesus_d_type: str | None = None
    clinical_tests_recorded: bool = False  # any value in the clinical tests section
    height: float | None = None
    weight: float | None = None
    bmi: float | None = None
    appointments: int = 0  # not entered in error
    first_appointment: date | None = None
    sfh: list[Sfh] = field(default_factory=list)  # not entered in error

    @property
    def gestation_today(self) -> int | None:
        return gestation_days(edd=self.agreed_edd, on=self.today) if self.agreed_edd else None


# --- the rules -------------------------------------------------------------------------------------------


def blood_group_recorded(f: RecordFacts) -> bool:
    """The ABO blood group and the RhD type are both recorded (clinical tests): needed for anti-D and for
    any transfusion."""
    return bool(f.abo_type) and bool(f.rhesus_d_type)


def booking_bloods_recorded(f: RecordFacts) -> bool:
    """The clinical tests section holds at least one result: the booking blood tests have been entered."""
    return f.clinical_tests_recorded


def pre_pregnancy_bmi_known(f: RecordFacts) -> bool:
    """The BMI before pregnancy is known: recorded, or both the height and the weight before pregnancy are
    (the BMI follows from them)."""
    return f.bmi is not None or (f.height is not None and f.weight is not None)


def edd_recorded(f: RecordFacts) -> bool:
    """The record has an agreed EDD (from the corrected, ultrasound or LMP-based due date, or the LMP)."""
    return f.agreed_edd is not None


def sfh_plausible(f: RecordFacts) -> bool:
    """Every SFH measurement is between 10 and 50 cm, and no more than 10 cm from the gestation in weeks on
    its day (gestation from the agreed EDD, else the week written at the measurement)."""
    for m in f.sfh:
        if not SFH_MIN_CM <= m.cm <= SFH_MAX_CM:
            return False
        if f.agreed_edd is not None:
            weeks = gestation_days(edd=f.agreed_edd, on=m.on) / 7
        elif m.week is not None:
            weeks = m.week
        else:
            continue
        if abs(m.cm - weeks) > SFH_MAX_GAP_CM:
            return False
    return True


def appointments_after_lmp(f: RecordFacts) -> bool:
    """No antenatal appointment is dated before the last menstrual period (passes when no LMP is
    recorded)."""
    return f.lmp is None or f.first_appointment is None or f.first_appointment >= f.lmp


def mother_name_recorded(f: RecordFacts) -> bool:
    """The pregnant person's name is recorded (the mother section): others must be able to tell records
    apart."""
    return bool(f.name.strip())


def booked_by_13_weeks(f: RecordFacts) -> bool:
    """From 13+0 weeks on, at least one antenatal appointment is recorded (passes without an EDD: the EDD
    rule reports that)."""
    gestation = f.gestation_today
    return gestation is None or gestation < BOOKING_BY_DAYS or f.appointments > 0


def edd_plausible(f: RecordFacts) -> bool:
    """The agreed EDD fits an active pregnancy: not more than 28 days ago (else the birth or the new EDD is
    missing) and not more than 280 days ahead (a pregnancy cannot have begun in the future)."""
    gestation = f.gestation_today
    return gestation is None or 0 <= gestation <= 280 + OVERDUE_LIMIT_DAYS


@dataclass(frozen=True)
class Rule:
    code: str  # stable: for URLs, CSV and tests
    short: Promise  # what is wrong when it fails, short (translated when read: `label`)
    section: str  # the resource type where it is put right
    check: Callable[[RecordFacts], bool]
    checks: Promise  # what it checks, a sentence: the check's docstring, marked for translation

    @property
    def label(self) -> str:
        return str(self.short)

    @property
    def description(self) -> str:
        return str(self.checks)


# Each rule's description is its check's docstring, word for word (a test compares them), marked for
# translation.
RULES: list[Rule] = [
    Rule(
        "blood-group",
        gettext_lazy("No blood group"),
        "clinicalTests",
        blood_group_recorded,
        gettext_lazy(
            "The ABO blood group and the RhD type are both recorded (clinical tests): needed for anti-D and "
            "for any transfusion."
        ),
    ),
    Rule(
        "booking-bloods",
        gettext_lazy("No booking blood tests"),
        "clinicalTests",
        booking_bloods_recorded,
        gettext_lazy(
            "The clinical tests section holds at least one result: the booking blood tests have been entered."
        ),
    ),
    Rule(
        "bmi",
        gettext_lazy("No BMI, height or weight before pregnancy"),
        "vitalMeasurementsBeforePregnancy",
        pre_pregnancy_bmi_known,
        gettext_lazy(
            "The BMI before pregnancy is known: recorded, or both the height and the weight before pregnancy "
            "are (the BMI follows from them)."
        ),
    ),
    Rule(
        "edd",
        gettext_lazy("No EDD"),
        "currentPregnancy",
        edd_recorded,
        gettext_lazy(
            "The record has an agreed EDD (from the corrected, ultrasound or LMP-based due date, or the LMP)."
        ),
    ),
    Rule(
        "sfh",
        gettext_lazy("Implausible SFH"),
        "symphysisFundalHeights",
        sfh_plausible,
        gettext_lazy(
            "Every SFH measurement is between 10 and 50 cm, and no more than 10 cm from the gestation in "
            "weeks on its day (gestation from the agreed EDD, else the week written at the measurement)."
        ),
    ),
    Rule(
        "before-lmp",
        gettext_lazy("Appointment before the LMP"),
        "antenatalAppointments",
        appointments_after_lmp,
        gettext_lazy(
            "No antenatal appointment is dated before the last menstrual period (passes when no LMP is "
            "recorded)."
        ),
    ),
    Rule(
        "name",
        gettext_lazy("No name"),
        "mother",
        mother_name_recorded,
        gettext_lazy(
            "The pregnant person's name is recorded (the mother section): others must be able to tell "
            "records apart."
        ),
    ),
    Rule(
        "booking",
        gettext_lazy("No appointment by 13 weeks"),
        "antenatalAppointments",
        booked_by_13_weeks,
        gettext_lazy(
            "From 13+0 weeks on, at least one antenatal appointment is recorded (passes without an EDD: the "
            "EDD rule reports that)."
        ),
    ),
    Rule(
        "edd-plausible",
        gettext_lazy("Implausible EDD"),
        "currentPregnancy",
        edd_plausible,
        gettext_lazy(
            "The agreed EDD fits an active pregnancy: not more than 28 days ago (else the birth or the new "
            "EDD is missing) and not more than 280 days ahead (a pregnancy cannot have begun in the future)."
        ),
    ),
]
LIST_SECTIONS = {"antenatalAppointments", "symphysisFundalHeights"}


def fix_url(record_id, rule: Rule) -> str:
    """Where the rule's data is put right: a singleton's edit form, or the list's place on the record
    page."""
    if rule.section in LIST_SECTIONS:
        return f"{reverse('web:record', args=[record_id])}#section-{rule.section}"
    return reverse("web:section-edit", args=[record_id, rule.section])


@dataclass(frozen=True)
class Failure:
    rule: Rule
    url: str


@dataclass
class RecordQuality:
    facts: RecordFacts
    failures: list[Failure]

    @property
    def passed(self) -> int:
        return len(RULES) - len(self.failures)

    @property
    def completeness(self) -> float:
        """Share of the rules passed, 0-100, one decimal."""
        return round(100 * self.passed / len(RULES), 1)


def evaluate(facts: RecordFacts) -> RecordQuality:
    failures = [Failure(rule, fix_url(facts.record_id, rule)) for rule in RULES if not rule.check(facts)]
    return RecordQuality(facts=facts, failures=failures)


# --- the facts of a location, in two queries ---------------------------------------------------------------

_CLINICAL_TEST_FIELDS = [f.name for f in ClinicalTests.content_fields()]


def _clinical_tests_recorded(tests: ClinicalTests | None) -> bool:
    return tests is not None and any(
        getattr(tests, name) not in (None, "", []) for name in _CLINICAL_TEST_FIELDS
    )


def facts_by_location(location_ids: Sequence[int], *, today: date) -> dict[int, list[RecordFacts]]:
    """The facts of every active record of each location (active Care Location = that one): two queries,
    however many locations and records."""
    appointments = AntenatalAppointment.objects.filter(record=OuterRef("pk"), entered_in_error=False)
    records = (
        Pregnancy.objects.filter(active_care_location__in=location_ids, status=RecordStatus.ACTIVE)
        .select_related(
            "person", "mother", "currentpregnancy", "clinicaltests", "vitalmeasurementsbeforepregnancy"
        )
        .annotate(
            appointment_count=Subquery(
                appointments.order_by().values("record").annotate(n=Count("pk")).values("n")[:1]
            ),
            first_appointment=Subquery(
                appointments.order_by("appointment_date").values("appointment_date")[:1]
            ),
        )
        .order_by("id")
    )
    facts: dict = {}
    where: dict = {}
    for record in records:
        mother = getattr(record, "mother", None)
        current = getattr(record, "currentpregnancy", None)
        tests = getattr(record, "clinicaltests", None)
        vitals = getattr(record, "vitalmeasurementsbeforepregnancy", None)
        where[record.pk] = record.active_care_location_id
        facts[record.pk] = RecordFacts(
            today=today,
            record_id=record.pk,
            name=(mother.name or "") if mother else "",
            national_id=record.person.identifier_value,
            agreed_edd=record.agreed_edd,
            lmp=current.date_last_period if current else None,
            abo_type=tests.abo_type if tests else None,
            rhesus_d_type=tests.rhesus_d_type if tests else None,
            clinical_tests_recorded=_clinical_tests_recorded(tests),
            height=vitals.height if vitals else None,
            weight=vitals.pre_pregnancy_weight if vitals else None,
            bmi=vitals.bmi if vitals else None,
            appointments=record.appointment_count or 0,
            first_appointment=record.first_appointment,
        )
    measurements = SymphysisFundalHeight.objects.filter(
        Q(record__active_care_location__in=location_ids, record__status=RecordStatus.ACTIVE),
        entered_in_error=False,
    ).values_list("record_id", "measurement", "measurement_date", "pregnancy_week")
    for record_id, cm, on, week in measurements:
        if record_id in facts:
            facts[record_id].sfh.append(Sfh(cm, on, week))
    grouped: dict[int, list[RecordFacts]] = {pk: [] for pk in location_ids}
    for record_id, record_facts in facts.items():
        grouped[where[record_id]].append(record_facts)
    return grouped


def location_facts(location: CareLocation, *, today: date) -> list[RecordFacts]:
    """The facts of every active record of the location (active Care Location = this one)."""
    return facts_by_location([location.pk], today=today)[location.pk]


# --- the location's summary and its list -----------------------------------------------------------------

SORTS = {"completeness": False, "-completeness": True}  # least complete first by default
DEFAULT_SORT = "completeness"


@dataclass(frozen=True)
class RuleCount:
    rule: Rule
    failing: int


@dataclass(frozen=True)
class Summary:
    checked: int
    average: float | None  # mean completeness, 0-100, one decimal
    by_rule: list[RuleCount]
    complete: int  # records that pass every rule


def summarise(results: list[RecordQuality]) -> Summary:
    failing = {rule.code: 0 for rule in RULES}
    for result in results:
        for failure in result.failures:
            failing[failure.rule.code] += 1
    passed = sum(result.passed for result in results)
    average = round(100 * passed / (len(RULES) * len(results)), 1) if results else None
    return Summary(
        checked=len(results),
        average=average,
        by_rule=[RuleCount(rule, failing[rule.code]) for rule in RULES],
        complete=sum(not result.failures for result in results),
    )


def location_findings(location: CareLocation) -> list[str]:
    """What the Care Location itself lacks, as sentences for its staff (none when nothing). Not a rule of
    its records: a record is no less complete because its location has no phone number, and the finding is
    put right once, in the admin, by the location's admins. The portal shows every pregnant person the
    location looks after its phone (to tap and call) and address on every page."""
    lacks = set(location.missing_contact)
    if not lacks:
        return []
    if lacks >= {"phone", "address"}:
        finding = _(
            "%(location)s has no phone number and no address on record, so the portal cannot tell the "
            "pregnant people it looks after how to reach you. Your Care Location's admins add them in the "
            "admin, under Care Locations."
        )
    elif "phone" in lacks:
        finding = _(
            "%(location)s has no phone number on record, so the portal cannot tell the pregnant people it "
            "looks after how to reach you. Your Care Location's admins add it in the admin, under Care "
            "Locations."
        )
    else:
        finding = _(
            "%(location)s has no address on record, so the portal cannot tell the pregnant people it looks "
            "after how to reach you. Your Care Location's admins add it in the admin, under Care Locations."
        )
    return [finding % {"location": location.name}]


def location_quality(
    location: CareLocation, *, today: date, sort: str = DEFAULT_SORT
) -> tuple[Summary, list[RecordQuality]]:
    """The summary and every active record's result, sorted by completeness (then name, then id)."""
    results = [evaluate(facts) for facts in location_facts(location, today=today)]
    results.sort(key=lambda r: (r.facts.name.lower(), str(r.facts.record_id)))
    results.sort(key=lambda r: r.passed, reverse=SORTS.get(sort, False))
    return summarise(results), results


def summary_by_location(location_ids: Sequence[int], *, today: date) -> tuple[dict[int, Summary], Summary]:
    """Each location's summary (records checked, failing each rule, complete, average completeness) and
    theirs together, for the regional data quality: counts only, never the records (two queries)."""
    results = {
        pk: [evaluate(facts) for facts in facts_of]
        for pk, facts_of in facts_by_location(location_ids, today=today).items()
    }
    every = [result for own in results.values() for result in own]
    return {pk: summarise(own) for pk, own in results.items()}, summarise(every)
