"""One pregnancy, for her: how far along she is, her appointments, the growth chart, and every section of
the record in plain words, each saying who last updated it and when. Read-only: nothing here changes the
record (her own birth plan has its own page).

The record and every section come in one query, plus one per kind of list (the professional record page's
queryset), so the page costs the same however full the record is."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.shortcuts import render
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from maternity.charts.sfh import PHONE, sfh_chart_svg, sfh_points
from maternity.models import (
    AccessAction,
    AntenatalAppointment,
    BookingStatus,
    NoteKind,
    Pregnancy,
    RecordStatus,
)
from maternity.models.care import tel_uri
from maternity.presentation import specs
from maternity.reads.access import get_record_for
from maternity.reads.record_page import record_page_queryset
from maternity.reads.restrictions import record_restrictions, record_without_hidden, restricted_for
from maternity.rules.clinical import format_gestation, gestation_days
from maternity.rules.flags import SfhReading
from maternity.rules.resources import RESOURCE_TYPES
from maternity.services.finding import break_glass_note_parts

from .. import plain_language as words
from .. import result_words
from ..access_words import break_glass_reason
from ..acting import patient_view
from ..booking_words import kind_words

APPOINTMENTS = RESOURCE_TYPES["antenatalAppointments"]
# What her page never shows: her midwives' acknowledgements of alerts are their working notes.
NOT_HERS = frozenset({"alertAcknowledgements"})
BIRTHS = RESOURCE_TYPES["births"]


@dataclass(frozen=True)
class Fact:
    label: str
    value: str
    wide: bool = False  # a sentence, not a short value: takes the whole width where facts sit side by side


@dataclass
class Entry:
    """One item of a list section: a baby, a care episode, a note."""

    heading: str
    facts: list[Fact] = field(default_factory=list)
    highlight: bool = False


@dataclass
class Visit:
    """An antenatal appointment in her words."""

    on: date
    gestation: str  # "28 weeks and 1 day"
    gestation_short: str  # "28+1"
    measured: list[Fact]
    seen_by: str
    is_today: bool = False
    results: list[result_words.Result] = field(default_factory=list)  # outside their usual range
    note: str = ""  # the clinician's note, shown beside the results it may be about
    note_by: str = ""  # who wrote it and when: the stamp of the visit's version


@dataclass
class Section:
    name: str
    title: str
    what: str
    facts: list[Fact] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    by_whom: str = ""
    unrecorded: int = 0  # fields of a recorded section with nothing in them
    recorded: bool = False
    results: list[result_words.Result] = field(default_factory=list)  # outside their usual range

    @property
    def anchor(self) -> str:
        return f"section-{self.name}"


def her_record(request, record_id) -> Pregnancy:
    """Her record with everything the page shows, or NotFound (someone else's, absent, or entered in
    error: a record made by mistake, perhaps under the wrong person, is not hers to follow)."""
    queryset = (
        record_page_queryset(without=NOT_HERS)
        .exclude(status=RecordStatus.ENTERED_IN_ERROR)
        .select_related("document")  # its restricted entries, in the same query (not its body)
        .defer("document__body")
    )
    record = get_record_for(request.actor, record_id, queryset=queryset)
    request.audit.person_id = record.person_id
    # what her professional chose to hide from her is not on her pages at all (nor in their offline copy)
    record_without_hidden(record, restricted_for(request.actor, record_restrictions(record)))
    return record


# --- appointments -----------------------------------------------------------------------------------------


def _visit_gestation(item: AntenatalAppointment, edd: date | None) -> int | None:
    if item.pregnancy_week is not None:
        return item.pregnancy_week * 7 + (item.days_after_full_pregnancy_week or 0)
    if edd is not None:
        days = gestation_days(edd=edd, on=item.appointment_date)
        return days if days >= 0 else None
    return None


def visit(item: AntenatalAppointment, edd: date | None, today: date) -> Visit:
    rt = APPOINTMENTS
    measured = []
    if item.blood_pressure:
        measured.append(Fact(_("Blood pressure"), f"{item.blood_pressure} mmHg"))
    if item.mother_weight is not None:
        measured.append(
            Fact(_("Your weight"), _("%(weight)s kg") % {"weight": floatformat(item.mother_weight, -1)})
        )
    if item.protein_in_urine_test_result:
        measured.append(
            Fact(
                _("Protein in your urine"),
                words.value(rt, "protein_in_urine_test_result", item.protein_in_urine_test_result),
            )
        )
    if item.edema is not None:
        measured.append(Fact(_("Swelling (oedema)"), words.value(rt, "edema", item.edema)))
    babies = item.fetuses_vital_signs or []
    for row in babies:
        label = words.baby_label(row, several=len(babies) > 1)
        measured.append(Fact(label, words.baby_words(row), wide=True))
    if item.medication is not None:
        measured.append(Fact(_("Taking medicines"), words.value(rt, "medication", item.medication)))
    if item.employment_rate is not None:
        measured.append(Fact(_("Working"), f"{item.employment_rate}%"))
    results = result_words.visit_results(item)
    if item.note and not results:
        measured.append(Fact(_("Note"), item.note, wide=True))
    days = _visit_gestation(item, edd)
    return Visit(
        on=item.appointment_date,
        gestation=words.gestation_words(days) if days is not None else "",
        gestation_short=format_gestation(days) if days is not None else "",
        measured=measured,
        seen_by=words.recorded_by(item),
        is_today=item.appointment_date == today,
        results=results,
        note=(item.note or "") if results else "",
        note_by=f"{words.recorded_by(item)}, {words.when(item.last_updated)}" if results else "",
    )


def appointments(record: Pregnancy, today: date) -> tuple[list[Visit], list[Visit]]:
    """(upcoming, soonest first; past, newest first). Today's counts as upcoming until something has been
    measured at it."""
    upcoming, past = [], []
    for item in record.antenatalappointments.all():
        if item.entered_in_error:
            continue
        seen = visit(item, record.agreed_edd, today)
        if item.appointment_date > today or (item.appointment_date == today and not seen.measured):
            upcoming.append(seen)
        else:
            past.append(seen)
    upcoming.sort(key=lambda v: v.on)
    past.sort(key=lambda v: v.on, reverse=True)
    return upcoming, past


# --- booked visits ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BookedVisit:
    """A visit booked for her, in her words; a cancelled one stays in the list, saying so."""

    starts_at: datetime
    what: str
    where: str
    with_whom: str
    cancelled: bool


def booked_visits(record: Pregnancy, today: date) -> list[BookedVisit]:
    """Her bookings from today on, soonest first: booked or cancelled (a visit already recorded is under
    her appointments)."""
    visits = [
        BookedVisit(
            starts_at=booking.starts_at,
            what=kind_words(booking.kind),
            where=booking.place or "",
            with_whom=booking.with_whom or "",
            cancelled=booking.status == BookingStatus.CANCELLED,
        )
        for booking in record.bookings.all()
        if not booking.entered_in_error
        and booking.status != BookingStatus.ATTENDED
        and timezone.localdate(booking.starts_at) >= today
    ]
    return sorted(visits, key=lambda visit: visit.starts_at)


# --- the record's sections ----------------------------------------------------------------------------------


def _singleton(section: Section, record: Pregnancy) -> None:
    rt = RESOURCE_TYPES[section.name]
    instance = getattr(record, rt.accessor, None)
    if instance is None:
        return
    section.recorded = True
    section.by_whom = words.by_whom(instance)
    if section.name == "birthPlan":  # shown on her birth-plan page; here only whether it has been read
        if instance.acknowledged_at:
            when = words.when(instance.acknowledged_at)
            read = (
                _("%(when)s by %(name)s") % {"when": when, "name": instance.acknowledged_by_name}
                if instance.acknowledged_by_name
                else when
            )
            section.facts.append(Fact(_("Read by your midwife"), read))
        else:
            section.facts.append(Fact(_("Read by your midwife"), _("Not yet")))
        return
    for name in specs.content_field_names(rt):
        raw = getattr(instance, name)
        if raw is None or raw == "" or raw == []:
            section.unrecorded += 1
        else:
            section.facts.append(Fact(words.label(rt, name), words.value(rt, name, raw)))


def _birth(item) -> Entry:
    rt = BIRTHS
    facts = [Fact(_("Born"), words.when(item.birth_time))]
    if item.live_birth is not None:
        facts.append(Fact(_("Born alive"), _("Yes") if item.live_birth else _("No (stillbirth)")))
    for name in ("sex", "mode_of_birth"):
        if getattr(item, name):
            facts.append(Fact(words.label(rt, name), words.value(rt, name, getattr(item, name))))
    if item.birth_weight is not None:
        facts.append(Fact(_("Weight"), _("%(weight)s g") % {"weight": item.birth_weight}))
    if item.gestation_weeks is not None:
        days = item.gestation_weeks * 7 + (item.gestation_days or 0)
        facts.append(
            Fact(
                _("Weeks of pregnancy at birth"), f"{words.gestation_words(days)} ({format_gestation(days)})"
            )
        )
    apgar = [
        words_at % {"score": score}
        for score, words_at in (
            (item.apgar_1_minute, _("%(score)s at 1 minute")),
            (item.apgar_5_minutes, _("%(score)s at 5 minutes")),
            (item.apgar_10_minutes, _("%(score)s at 10 minutes")),
        )
        if score is not None
    ]
    if apgar:
        facts.append(
            Fact(_("Apgar score (how the baby was doing just after birth, out of 10)"), ", ".join(apgar))
        )
    if item.note:
        facts.append(Fact(_("Note"), item.note))
    return Entry(_("Your baby"), facts)


def _mother_visit(item) -> Entry:
    """Her visit in plain words. Her mood check says only that it was done: the EPDS is a screening
    questionnaire her midwife goes through with her, and a score read alone at home, without someone to
    explain it and talk about support, could alarm more than help (docs/postnatal.md)."""
    rt = RESOURCE_TYPES["postnatalMotherVisits"]
    facts = [Fact(_("Date"), words.value(rt, "visit_date", item.visit_date))]
    if item.blood_pressure:
        facts.append(Fact(_("Blood pressure"), f"{item.blood_pressure} mmHg"))
    for name, what in (("bleeding", _("Bleeding")), ("wound", _("Stitches or wound"))):
        if getattr(item, name):
            facts.append(Fact(what, getattr(item, f"get_{name}_display")()))
    if item.epds_answers:
        facts.append(
            Fact(
                _("How you are feeling"),
                _("Your midwife asked you some questions about your mood and talked them through with you."),
                wide=True,
            )
        )
    if item.discharged:
        facts.append(
            Fact(_("Discharged"), _("You were discharged from postnatal care at this visit."), wide=True)
        )
    if item.note:
        facts.append(Fact(_("Note"), item.note, wide=True))
    return Entry(_("Visit"), facts)


def _baby_visit(item, record: Pregnancy) -> Entry:
    """A baby's check: its weight beside its birth weight, feeding and jaundice, without flags."""
    births = [birth for birth in record.births.all() if not birth.entered_in_error]
    number = next((n for n, birth in enumerate(births, start=1) if birth.pk == item.birth_id), None)
    birth = births[number - 1] if number else None
    facts = [
        Fact(_("Date"), words.value(RESOURCE_TYPES["postnatalBabyVisits"], "visit_date", item.visit_date))
    ]
    if item.weight is not None:
        if birth and birth.birth_weight:
            weight = _("%(weight)s g (born %(birth_weight)s g)") % {
                "weight": item.weight,
                "birth_weight": birth.birth_weight,
            }
        else:
            weight = _("%(weight)s g") % {"weight": item.weight}
        facts.append(Fact(_("Weight"), weight))
    if item.feeding:
        facts.append(Fact(_("Feeding"), item.get_feeding_display()))
    if item.jaundice:
        facts.append(Fact(_("Yellow skin (jaundice)"), item.get_jaundice_display()))
    if item.discharged:
        facts.append(Fact(_("Discharged"), _("Discharged from postnatal care at this check."), wide=True))
    heading = _("Baby %(number)s") % {"number": number} if number and len(births) > 1 else _("Your baby")
    return Entry(heading, facts)


def _list(section: Section, record: Pregnancy) -> None:
    rt = RESOURCE_TYPES[section.name]
    items = [item for item in getattr(record, rt.accessor).all() if not item.entered_in_error]
    if not items:
        return
    section.recorded = True
    section.by_whom = words.by_whom(max(items, key=lambda item: item.last_updated))
    for item in items:
        if section.name == "births":
            entry = _birth(item)
            if len(items) > 1:
                entry.heading = _("Baby %(number)s") % {"number": len(section.entries) + 1}
        elif section.name == "postnatalMotherVisits":
            entry = _mother_visit(item)
        elif section.name == "postnatalBabyVisits":
            entry = _baby_visit(item, record)
        elif section.name == "careLocations":
            entry = Entry(
                item.care_location.name, [Fact(_("Looked after you from"), words.when(item.start_time))]
            )
        elif item.kind == NoteKind.BREAK_GLASS:  # the reason they chose, never the text they wrote
            what, code = break_glass_note_parts(item.text)
            entry = Entry(
                words.NOTE_KINDS.get(item.kind, item.get_kind_display()),
                [
                    Fact(_("When"), words.when(item.last_updated)),
                    Fact(_("Note"), what),
                    Fact(_("Reason they chose"), break_glass_reason(code), wide=True),
                ],
                highlight=True,
            )
        else:  # notes
            entry = Entry(
                words.NOTE_KINDS.get(item.kind, item.get_kind_display()),
                [Fact(_("When"), words.when(item.last_updated)), Fact(_("Note"), item.text)],
            )
        section.entries.append(entry)


def sections(record: Pregnancy) -> list[Section]:
    result = []
    for name in words.RECORD_SECTIONS:
        title, what = words.SECTIONS[name]
        section = Section(name, title, what)
        if RESOURCE_TYPES[name].is_list:
            _list(section, record)
        else:
            _singleton(section, record)
        if name == "clinicalTests":
            section.results = result_words.blood_test_results(
                getattr(record, RESOURCE_TYPES[name].accessor, None)
            )
        result.append(section)
    return result


# --- growth (symphysis-fundal height) -----------------------------------------------------------------------


def growth(record: Pregnancy) -> dict:
    points = sfh_points(record.symphysisfundalheights.all(), agreed_edd=record.agreed_edd)
    rows = [
        {
            "point": point,
            "gestation": words.gestation_words(point.ga_days)
            if point.gestation and point.ga_days is not None
            else "",
            "band": words.sfh_band(point.centile),
            "centile": point.centile_label if point.in_range else "",
            "by_whom": words.recorded_by(point.item),
        }
        for point in reversed(points)
    ]
    readings = [SfhReading(p.cm, p.measured_on, p.item.pregnancy_week) for p in points]
    return {
        "svg": sfh_chart_svg(points, chart_id="portal-sfh"),
        "phone_svg": sfh_chart_svg(points, chart_id="portal-sfh-phone", layout=PHONE),
        "rows": rows,
        "results": result_words.growth_results(readings, agreed_edd=record.agreed_edd),
    }


@require_safe
@patient_view(AccessAction.READ)
def pregnancy(request, record_id):
    record = her_record(request, record_id)
    today = timezone.localdate()
    upcoming, past = appointments(record, today)
    context = {
        "record": record,
        "gestation": words.gestation_today(record.agreed_edd, today) if record.is_active else None,
        "to_go": words.time_to_go(record.agreed_edd, today) if record.is_active else "",
        "outcome": words.outcome_words(record),
        "upcoming": upcoming,
        "booked": booked_visits(record, today) if record.is_active else [],
        "past": past,
        "growth": growth(record),
        "sections": sections(record),
        "nothing_yet": words.NOTHING_YET,
        "phone": (phone := result_words.number_to_call(record.active_care_location)),
        "phone_tel": tel_uri(phone),
    }
    return render(request, "portal/pregnancy.html", context)
