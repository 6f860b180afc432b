"""The hand-held notes a pregnant woman carries, as printed from her record: who she is, where she is
cared for, her earlier pregnancies, every antenatal visit, the visits booked ahead, the symphysis-fundal
height chart with its measurements, her blood group and clinical tests, her birth plan in her own words,
and, once she has given birth, labour, births and postnatal visits.

Everything here is read from a record loaded with `maternity.reads.record_page.record_page_queryset`: no
queries of its own, so printing costs the same however long the record is. Values are worded as the
record page words them (`specs`), so paper and screen say the same thing. What the record does not hold is
"Not recorded", never left out: a blank on paper must not read as "nothing wrong".

The notes are in the language of the person printing (the page's language when she presses "Print notes"):
every word here is translated when the notes are made, dates and numbers written as that language writes
them.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import formats, timezone
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maternity.actors import Actor
from maternity.charts.sfh import SfhPoint, sfh_chart_svg, sfh_points
from maternity.models import CareLocation, Pregnancy, RecordStatus
from maternity.rules import flags
from maternity.rules.bookings import upcoming_bookings
from maternity.rules.clinical import format_gestation, gestation_days
from maternity.rules.codes import FETAL_PRESENTATION
from maternity.rules.identifiers import SYSTEM_LABELS, system_label
from maternity.rules.resources import RESOURCE_TYPES, ResourceType

from . import specs

NOT_RECORDED = specs.NOT_RECORDED
NOTHING = "—"  # an empty cell of a table: the column says what is missing
# After the birth: printed only when the record holds them (another part of the record writes them).
AFTER_BIRTH = ("labour", "births", "postnatalMotherVisits", "postnatalBabyVisits")


@dataclass(frozen=True)
class Fact:
    label: str
    value: str

    @property
    def recorded(self) -> bool:
        return str(self.value) != str(NOT_RECORDED)


@dataclass
class Block:
    """One section of the notes as label-value pairs. `facts` empty: nothing recorded in it."""

    title: str
    facts: list[Fact] = field(default_factory=list)
    note: str = ""  # a line under the facts ("3 other tests not recorded.")
    every: bool = False  # every field is listed, "Not recorded" ones too (a form to read down)

    @property
    def recorded(self) -> bool:
        return any(fact.recorded for fact in self.facts)


@dataclass(frozen=True)
class VisitRow:
    date: str
    gestation: str
    blood_pressure: str
    protein: str
    heart_rate: str
    presentation: str
    movements: str
    weight: str
    note: str
    who: str


@dataclass(frozen=True)
class BookingRow:
    when: str
    kind: str
    place: str
    with_whom: str


@dataclass(frozen=True)
class Item:
    """One item of a list section after the birth: its title and what is recorded in it."""

    title: str
    facts: list[Fact]


@dataclass
class AfterBirthSection:
    title: str
    block: Block | None = None  # a singleton (labour)
    items: list[Item] = field(default_factory=list)  # a list (births, postnatal visits)


@dataclass
class PrintedNotes:
    name: str
    identifier_label: str
    identifier: str
    personal: list[Fact]
    care_location: CareLocation
    contacts: Block
    previous: Block
    visits: list[VisitRow]
    bookings: list[BookingRow]
    sfh_svg: SafeString
    sfh_points: list[SfhPoint]
    blood_group: Block
    clinical_tests: Block
    health: list[Block]
    birth_plan: Block
    birth_plan_read: str
    after_birth: list[AfterBirthSection]
    printed_at: datetime.datetime
    printed_by: str
    status: str

    @property
    def printed_when(self) -> str:
        return specs.when(self.printed_at)


def _value(rt: ResourceType, name: str, value) -> str:
    """A stored value in the record page's words; a list the words do not know, item by item."""
    text = specs.display(rt, name, value)
    if isinstance(value, list) and text.startswith("["):
        return "; ".join(
            ", ".join(f"{k}: {v}" for k, v in entry.items() if v not in (None, "", []))
            if isinstance(entry, dict)
            else str(entry)
            for entry in value
        )
    return str(text)


def _facts(rt: ResourceType, instance, names: list[str], *, every: bool) -> list[Fact]:
    """(label, value) of `names`; `every`: the unrecorded ones too, as "Not recorded"."""
    facts = []
    for name in names:
        value = getattr(instance, name, None) if instance is not None else None
        fact = Fact(specs.label(rt, name), _value(rt, name, value))
        if every or fact.recorded:
            facts.append(fact)
    return facts


def singleton_block(record: Pregnancy, name: str, *, every: bool = False, title: str = "") -> Block:
    """A singleton section: every field (`every`) or only what is recorded."""
    rt = RESOURCE_TYPES[name]
    instance = getattr(record, rt.accessor, None)
    names = specs.content_field_names(rt)
    block = Block(title or specs.section(rt).title, _facts(rt, instance, names, every=every), every=every)
    if not every and block.facts and len(block.facts) < len(names):
        missing = len(names) - len(block.facts)
        block.note = ngettext(
            "%(n)d other field not recorded.", "%(n)d other fields not recorded.", missing
        ) % {"n": missing}
    return block


def _age(born: datetime.date | None, today: datetime.date) -> str:
    if born is None:
        return ""
    years = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return " " + ngettext("(%(years)d year)", "(%(years)d years)", years) % {"years": years}


def _gestation(record: Pregnancy, today: datetime.date) -> tuple[str, str]:
    """(label, value): gestation today for an active record, at the end for one that has ended."""
    on, label = today, _("Gestation today")
    if record.status == RecordStatus.DELIVERED and record.delivery_date:
        on, label = timezone.localtime(record.delivery_date).date(), _("Gestation at delivery")
    elif record.status == RecordStatus.TERMINATED and record.termination_date:
        on, label = timezone.localtime(record.termination_date).date(), _("Gestation at the end")
    if record.agreed_edd is None:
        return label, str(NOT_RECORDED)
    days = gestation_days(edd=record.agreed_edd, on=on)
    if days < 0:
        return label, str(NOT_RECORDED)
    return label, _("%(gestation)s weeks") % {"gestation": format_gestation(days)}


def _date(value: datetime.date | None) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else str(NOT_RECORDED)


def _number(value: float) -> str:
    """72.5 as the page's language writes it ("72,5" in Bokmål), with no trailing zeros ("72")."""
    return formats.number_format(Decimal(f"{value:g}"))


def personal_details(record: Pregnancy, today: datetime.date) -> list[Fact]:
    mother_rt = RESOURCE_TYPES["mother"]
    mother = getattr(record, mother_rt.accessor, None)
    person = record.person
    address = ", ".join(
        part
        for part in (
            getattr(mother, "address", None),
            " ".join(
                filter(None, (getattr(mother, "post_number", None), getattr(mother, "post_name", None)))
            ),
        )
        if part
    )
    language = _value(mother_rt, "language", getattr(mother, "language", None))
    if getattr(mother, "needs_language_interpreter", None):
        language += _("; needs an interpreter")
    born = person.date_of_birth
    gestation_label, gestation = _gestation(record, today)
    return [
        Fact(_("Name"), getattr(mother, "name", None) or str(NOT_RECORDED)),
        Fact(_identifier_label(person.identifier_system), person.identifier_value),
        Fact(_("Date of birth"), f"{_date(born)}{_age(born, today)}" if born else str(NOT_RECORDED)),
        Fact(_("Address"), address or str(NOT_RECORDED)),
        Fact(_("Language"), language),
        Fact(_("Agreed EDD"), _date(record.agreed_edd)),
        Fact(gestation_label, gestation),
    ]


def _identifier_label(system: str) -> str:
    """ "Norwegian national identity number" and the like, as the identifiers' rules name them, in the page's
    language ("Fødselsnummer")."""
    return capfirst(str(system_label(system))) if system in SYSTEM_LABELS else _("National ID")


def _fetuses(signs: list[dict], key: str, word: Callable[[Any], str]) -> str:
    """One value per fetus ("140", or "1: 140; 2: 152" for twins)."""
    values: list[tuple[Any, str]] = [
        (row.get("fosterId", "?"), word(row[key])) for row in signs if row.get(key) not in (None, "")
    ]
    if not values:
        return NOTHING
    if len(signs) == 1:
        return values[0][1]
    return "; ".join(f"{fetus}: {text}" for fetus, text in values)


def _presentation(code) -> str:
    return FETAL_PRESENTATION.shown(code, _("code %(code)s") % {"code": code})


def _movements(felt) -> str:
    return _("Felt") if felt else _("Not felt")


def _who(item) -> str:
    return item.updated_by_name or item.updated_by_org_name or NOTHING


def _visit_gestation(item, agreed_edd: datetime.date | None) -> str:
    """The gestation written at the visit, else the one the agreed EDD gives for its date."""
    if item.pregnancy_week is not None:
        return specs.gestation_text(item.pregnancy_week, item.days_after_full_pregnancy_week)
    if agreed_edd is not None:
        days = gestation_days(edd=agreed_edd, on=item.appointment_date)
        if days >= 0:
            return format_gestation(days)
    return NOTHING


def visit_rows(record: Pregnancy) -> list[VisitRow]:
    rt = RESOURCE_TYPES["antenatalAppointments"]
    rows = []
    for item in getattr(record, rt.accessor).all():
        if item.entered_in_error:
            continue
        bp = item.blood_pressure or NOTHING
        high = flags.high_blood_pressure(systolic=item.systolic_derived, diastolic=item.diastolic_derived)
        if high:
            bp += " " + (_("(severe)") if high.severe else _("(high)"))
        signs = item.fetuses_vital_signs or []
        rows.append(
            VisitRow(
                date=_date(item.appointment_date),
                gestation=_visit_gestation(item, record.agreed_edd),
                blood_pressure=bp,
                protein=specs.display(rt, "protein_in_urine_test_result", item.protein_in_urine_test_result)
                if item.protein_in_urine_test_result
                else NOTHING,
                heart_rate=_fetuses(signs, "fetalHeartRate", str),
                presentation=_fetuses(signs, "fetalPresentationLie", _presentation),
                movements=_fetuses(signs, "motherFeelsBabyMovements", _movements),
                weight=_number(item.mother_weight) if item.mother_weight is not None else NOTHING,
                note=item.note or "",
                who=_who(item),
            )
        )
    return rows


def bookings_ahead(record: Pregnancy, today: datetime.date) -> list[BookingRow]:
    """Visits still booked from today on, earliest first (maternity.rules.bookings)."""
    ahead = upcoming_bookings(getattr(record, RESOURCE_TYPES["bookings"].accessor).all(), today=today)
    return [
        BookingRow(
            when=specs.when(b.starts_at),
            kind=b.get_kind_display(),
            place=b.place or NOTHING,
            with_whom=b.with_whom or NOTHING,
        )
        for b in ahead
    ]


BLOOD_GROUP = ("abo_type", "rhesus_d_type", "blood_antibodies")


def clinical_blocks(record: Pregnancy) -> tuple[Block, Block]:
    """Her blood group (every field, so a missing one shows) and the other tests that have a result."""
    rt = RESOURCE_TYPES["clinicalTests"]
    tests = getattr(record, rt.accessor, None)
    blood = Block(_("Blood group"), _facts(rt, tests, list(BLOOD_GROUP), every=True), every=True)
    others = [name for name in specs.content_field_names(rt) if name not in BLOOD_GROUP]
    block = Block(_("Clinical tests"), _facts(rt, tests, others, every=False))
    missing = len(others) - len(block.facts)
    if block.facts and missing:
        block.note = ngettext(
            "%(n)d other test not recorded.", "%(n)d other tests not recorded.", missing
        ) % {"n": missing}
    return blood, block


def _item_facts(rt: ResourceType, item, births: dict) -> list[Fact]:
    facts = []
    for name in specs.content_field_names(rt):
        value = getattr(item, name)
        if value is None or value == "" or value == []:
            continue
        if name == "birth_id":  # the baby, by its births item
            birth = births.get(value)
            born = (
                _("born %(when)s") % {"when": specs.when(birth.birth_time)}
                if birth
                else _("a birth not in the record")
            )
            facts.append(Fact(_("Baby"), born))
            continue
        facts.append(Fact(specs.label(rt, name), _value(rt, name, value)))
    return facts


def after_birth_sections(record: Pregnancy) -> list[AfterBirthSection]:
    """Labour, births and postnatal visits, in the record page's words: only those the record holds."""
    births_rt = RESOURCE_TYPES["births"]
    births = {b.pk: b for b in getattr(record, births_rt.accessor).all() if not b.entered_in_error}
    sections = []
    for name in AFTER_BIRTH:
        rt = RESOURCE_TYPES.get(name)
        if rt is None:
            continue
        section = AfterBirthSection(specs.section(rt).title)
        if rt.is_list:
            section.items = [
                Item(specs.item_title(rt, item), _item_facts(rt, item, births))
                for item in getattr(record, rt.accessor).all()
                if not item.entered_in_error
            ]
            if not section.items:
                continue
        else:
            if getattr(record, rt.accessor, None) is None:
                continue
            section.block = singleton_block(record, name)
        sections.append(section)
    return sections


def birth_plan_read(record: Pregnancy) -> str:
    plan = getattr(record, RESOURCE_TYPES["birthPlan"].accessor, None)
    if plan is None or not plan.acknowledged_at:
        return ""
    return _("Read by %(name)s on %(when)s.") % {
        "name": plan.acknowledged_by_name,
        "when": specs.when(plan.acknowledged_at),
    }


def printed_notes(record: Pregnancy, *, actor: Actor, now: datetime.datetime) -> PrintedNotes:
    """The notes of `record` as printed by `actor` at `now`."""
    today = timezone.localdate(now)
    mother = getattr(record, RESOURCE_TYPES["mother"].accessor, None)
    location = actor.care_location.name if actor.care_location else ""
    points = sfh_points(
        getattr(record, RESOURCE_TYPES["symphysisFundalHeights"].accessor).all(), agreed_edd=record.agreed_edd
    )
    blood_group, clinical_tests = clinical_blocks(record)
    return PrintedNotes(
        name=(mother.name if mother and mother.name else ""),
        identifier_label=_identifier_label(record.person.identifier_system),
        identifier=record.person.identifier_value,
        personal=personal_details(record, today),
        care_location=record.active_care_location,
        contacts=singleton_block(record, "pointsOfContact"),
        previous=singleton_block(record, "previousPregnancies", every=True, title=_("Earlier pregnancies")),
        visits=visit_rows(record),
        bookings=bookings_ahead(record, today),
        sfh_svg=sfh_chart_svg(points, chart_id="notes-sfh"),
        sfh_points=points,
        blood_group=blood_group,
        clinical_tests=clinical_tests,
        health=[
            singleton_block(record, name)
            for name in (
                "medicalConditions",
                "medication",
                "rhesusDNegative",
                "vitalMeasurementsBeforePregnancy",
            )
        ],
        birth_plan=singleton_block(record, "birthPlan"),
        birth_plan_read=birth_plan_read(record),
        after_birth=after_birth_sections(record),
        printed_at=now,
        printed_by=", ".join(filter(None, (actor.name, location))),
        status=record.get_status_display(),
    )
