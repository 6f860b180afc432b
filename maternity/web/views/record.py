"""The record on one page, and what every record page shares: loading the record with the access check,
the not-found page, and whether the acting professional may write a section (and if not, why).

A record the professional may not see is "not found", exactly like an id that does not exist.
"""

from dataclasses import dataclass, field, replace
from functools import wraps

from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from maternity.charts.sfh import sfh_chart_svg, sfh_points
from maternity.presentation import specs
from maternity.reads.access import ACCESS_CODENAME, get_record_for
from maternity.reads.record_page import record_page_queryset
from maternity.reads.restrictions import (
    PageRestrictions,
    Restricted,
    page_restrictions,
    record_without_hidden,
)
from maternity.rules import flags, postnatal
from maternity.rules.clinical import format_gestation, gestation_days
from maternity.rules.identifiers import SYSTEM_LABELS, system_label
from maternity.rules.resources import RESOURCE_TYPES, ResourceType

from ... import services
from ...actors import Actor
from ...errors import NotAllowed, NotFound, ResourceNotFound
from ...models import (
    AccessAction,
    BreakGlassReason,
    CareLocation,
    Pregnancy,
    RecordStatus,
    RestrictionCategory,
)
from ...services.restrictions import RESTRICTABLE, restrict_refusal
from ..acting import professional_view
from .alert_banner import alert_banner
from .booking_rows import BookingRow, booking_rows

# --- shared by every record page ------------------------------------------------------------------------


def not_found(request, message: str = ""):
    return render(request, "maternity/not_found.html", {"message": message}, status=404)


def record_view(action: str):
    """A page of one record: `professional_view` plus the not-found page for a record (or section item)
    the professional may not see or that does not exist."""

    def decorate(view):
        @professional_view(action)
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except NotFound:
                return not_found(request)
            except ResourceNotFound as error:
                return not_found(request, error.message)

        return wrapped

    return decorate


def load_record(request, record_id, queryset=None) -> Pregnancy:
    """The record if the acting professional is a stakeholder, else NotFound; noted in the audit entry."""
    record = get_record_for(request.actor, record_id, queryset=queryset)
    request.audit.person_id = record.person_id
    return record


def resource_type_for(name: str, *, is_list: bool | None = None) -> ResourceType:
    rt = RESOURCE_TYPES.get(name)
    if rt is None or (is_list is not None and rt.is_list != is_list):
        raise ResourceNotFound(_("The record has no section of that name."))
    return rt


def optional_url(name: str, *args) -> str:
    """A link to a page another part of the UI provides; empty while it does not exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@dataclass(frozen=True)
class Refusal:
    """Why the acting professional may not write a section now, and what she can do about it."""

    title: str
    message: str  # in the page's language
    kind: str  # "writer" (never written by professionals), "read-only", "key-demographics", "after-delivery"
    status: int = 403
    action_url: str = ""
    action_label: str = ""
    detail: str = ""  # the message in English, for the audit trail; empty when `message` is English already

    @property
    def audit_detail(self) -> str:
        """What the audit entry says about the refusal: always English."""
        return self.detail or self.message


def write_refusal(
    record: Pregnancy, rt: ResourceType, actor: Actor, *, adding: bool = False
) -> Refusal | None:
    """For showing the reason before anyone types. The service's own check decides
    (`services.resource_write_check`, the rules the write gate applies); the page only words its refusal."""
    try:
        services.resource_write_check(record=record, resource_type=rt.name, actor=actor, adding=adding)
    except NotAllowed as refusal:
        explain = _REFUSALS[refusal.rule]
        with translation.override("en"):
            detail = explain(record, rt, actor).message
        return replace(explain(record, rt, actor), detail=detail)
    return None


def _not_a_writer(record: Pregnancy, rt: ResourceType, actor: Actor) -> Refusal:
    title = specs.section(rt).title
    if rt.name == "birthPlan":
        return Refusal(
            title, _("The birth plan is written by the pregnant person herself, in her portal."), "writer"
        )
    return Refusal(
        title,
        _("%(section)s are written by the system when something happens to the record.") % {"section": title},
        "writer",
    )


def _read_only(record: Pregnancy, rt: ResourceType, actor: Actor) -> Refusal:
    return Refusal(
        _("The record is read-only"),
        _("The record is %(status)s: only its active Care Location, %(location)s, may correct it.")
        % {
            "status": str(record.get_status_display()).lower(),
            "location": record.active_care_location.name,
        },
        "read-only",
    )


def _key_demographics(record: Pregnancy, rt: ResourceType, actor: Actor) -> Refusal:
    here = actor.care_location
    sentences = [
        _(
            "Name, address, language and the other key demographics may be changed only by the active Care "
            "Location, %(location)s."
        )
        % {"location": record.active_care_location.name},
        _("You are working for %(location)s.") % {"location": here.name}
        if here
        else _("You are working for no Care Location."),
        _("If you now care for this pregnancy, pull active care first."),
    ]
    return Refusal(
        _("Only the active Care Location can change key demographics"),
        " ".join(sentences),
        "key-demographics",
        action_url=optional_url("web:pull-care", record.pk),
        action_label=_("Pull active care"),
    )


# The service's refusals (services.AFTER_DELIVERY) as the page words them: the same English, translated
AFTER_DELIVERY = {
    "births": gettext_lazy(
        "Birth details are recorded after the delivery: change the record's status to delivered (with the "
        "delivery date) first, then add each baby's details."
    ),
    "labour": gettext_lazy(
        "Labour and birth details are recorded with the delivery or after it: change the record's status to "
        "delivered first (the delivery step records them together)."
    ),
    "postnatalMotherVisits": gettext_lazy(
        "Postnatal visits are recorded after the delivery: change the record's status to delivered first."
    ),
    "postnatalBabyVisits": gettext_lazy(
        "Postnatal visits are recorded after the delivery: change the record's status to delivered first."
    ),
}


def _after_delivery(record: Pregnancy, rt: ResourceType, actor: Actor) -> Refusal:
    message = AFTER_DELIVERY.get(rt.name, services.AFTER_DELIVERY[rt.name])
    return Refusal(
        _("Record the delivery first"),
        str(message),
        "after-delivery",
        status=409,
        action_url=optional_url("web:status", record.pk),
        action_label=_("Change status"),
    )


_REFUSALS = {  # NotAllowed.rule -> how this page explains it
    "writer": _not_a_writer,
    "read-only": _read_only,
    "key-demographics": _key_demographics,
    "after-delivery": _after_delivery,
}


def form_queryset():
    """What a page about one section needs of the record: its short header, the active location, the due
    date and the number of fetuses."""
    return Pregnancy.objects.select_related("person", "active_care_location", "mother", "currentpregnancy")


def record_brief(record: Pregnancy) -> dict:
    mother = getattr(record, "mother", None)
    return {"name": mother.name if mother and mother.name else "", "gestation": gestation_summary(record)}


def record_urls(record: Pregnancy) -> dict[str, str]:
    return {
        "record": reverse("web:record", args=[record.pk]),
        "status": optional_url("web:status", record.pk),
        "pull_care": optional_url("web:pull-care", record.pk),
        "access_log": optional_url("web:access-log", record.pk),
        "sfh": reverse("web:sfh-chart", args=[record.pk]),
    }


def section_url(record: Pregnancy, rt: ResourceType, view: str = "section-edit", item=None) -> str:
    args = [record.pk, rt.name] + ([item.pk] if item is not None else [])
    return reverse(f"web:{view}", args=args)


def gestation_summary(record: Pregnancy) -> str:
    """Gestation today for an active record; at the delivery or termination for an ended one."""
    if record.agreed_edd is None:
        return ""
    on = timezone.localdate()
    if record.status == RecordStatus.DELIVERED and record.delivery_date:
        on = timezone.localtime(record.delivery_date).date()
    elif record.status == RecordStatus.TERMINATED and record.termination_date:
        on = timezone.localtime(record.termination_date).date()
    days = gestation_days(edd=record.agreed_edd, on=on)
    return format_gestation(days) if days >= 0 else ""


def age_on(born, today) -> int | None:
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


# --- the record page ---------------------------------------------------------------------------------------


@dataclass
class Cell:
    text: str
    numeric: bool = False
    flag: flags.Flag | None = None
    flag_text: str = ""  # the flag's words in this column (the column already says what was measured)


@dataclass
class ItemRow:
    item: object
    cells: list[Cell]
    title: str = ""
    edit_url: str = ""
    error_url: str = ""
    history_url: str = ""
    restricted: "Shown | None" = None
    restrict_url: str = ""


@dataclass(frozen=True)
class Shown:
    """How a restricted entry is shown to the acting professional: `hidden` (another location's: a
    placeholder with the form that opens it), `opened` (she opened it with a reason), or `ours` (her
    location's: marked, with the lift button)."""

    restriction: Restricted
    hidden: bool = False
    opened: bool = False
    ours: bool = False

    @property
    def category(self) -> str:
        return str(RestrictionCategory(self.restriction.category).label)

    @property
    def reason_codes(self) -> list[tuple[str, str]]:
        return [(code.value, str(code.label)) for code in BreakGlassReason]


def shown(seen: PageRestrictions, resource_type: str, resource_id) -> Shown | None:
    restriction = seen.of(resource_type, resource_id)
    if restriction is None:
        return None
    return Shown(
        restriction,
        hidden=seen.hides(resource_type, resource_id),
        opened=restriction.restriction_id in seen.opened,
        ours=seen.ours(restriction),
    )


@dataclass
class SectionBox:
    """One section as the record page shows it."""

    rt: ResourceType
    title: str
    item: str = ""  # one item of a list section, e.g. "appointment"
    intro: str = ""
    instance: object = None  # a singleton's resource
    fields: list[tuple[str, str]] = field(default_factory=list)  # (label, value) of what is recorded
    unrecorded: int = 0  # fields of a singleton with nothing recorded
    headers: list[str] = field(default_factory=list)
    rows: list[ItemRow] = field(default_factory=list)
    in_error: int = 0
    last: object = None  # the resource (or item) changed last: who, when, which system
    refusal: Refusal | None = None
    edit_url: str = ""
    history_url: str = ""
    bookings: list[BookingRow] = field(default_factory=list)  # the bookings section's rows
    restricted: Shown | None = None  # a restricted singleton
    restrict_url: str = ""  # where she restricts the singleton

    @property
    def in_sentence(self) -> str:
        return specs.in_sentence(self.title)

    @property
    def wide(self) -> bool:
        """Tables and the chart take the page's full width; the rest sit two by two on a laptop."""
        return self.rt.name in {"antenatalAppointments", "symphysisFundalHeights", "births", "bookings"}

    @property
    def anchor(self) -> str:
        return f"section-{self.rt.name}"

    @property
    def recorded(self) -> bool:
        return self.instance is not None if not self.rt.is_list else bool(self.rows)


def _or_empty(rt, name, value) -> str:
    return "" if value is None or value == "" else specs.display(rt, name, value)


def _appointment_cells(rt, item) -> list[Cell]:
    bp = flags.high_blood_pressure(systolic=item.systolic_derived, diastolic=item.diastolic_derived)
    protein = flags.proteinuria(item.protein_in_urine_test_result)
    fetuses = item.fetuses_vital_signs or []
    heart_rates = ", ".join(str(f["fetalHeartRate"]) for f in fetuses if f.get("fetalHeartRate") is not None)
    fhr = flags.fetal_heart_rate_abnormal(fetuses)
    return [
        Cell(specs.display(rt, "appointment_date", item.appointment_date)),
        Cell(specs.gestation_text(item.pregnancy_week, item.days_after_full_pregnancy_week)),
        Cell(specs.display(rt, "mother_weight", item.mother_weight), numeric=True),
        Cell(
            item.blood_pressure or "",
            numeric=True,
            flag=bp,
            flag_text=(_("Severe") if bp and bp.severe else pgettext("blood pressure", "High")) if bp else "",
        ),
        Cell(
            _or_empty(rt, "protein_in_urine_test_result", item.protein_in_urine_test_result),
            flag=protein,
            flag_text=_("Proteinuria") if protein else "",
        ),
        Cell(_or_empty(rt, "edema", item.edema), numeric=True),
        Cell(heart_rates, numeric=True, flag=fhr, flag_text=_("Abnormal") if fhr else ""),
        Cell(item.note or ""),
    ]


def _birth_cells(rt, item) -> list[Cell]:
    apgar = "/".join(
        "–" if v is None else str(v)
        for v in (item.apgar_1_minute, item.apgar_5_minutes, item.apgar_10_minutes)
    )
    return [
        Cell(specs.display(rt, "birth_time", item.birth_time)),
        Cell(specs.display(rt, "live_birth", item.live_birth)),
        Cell(item.get_sex_display() or ""),
        Cell("" if item.birth_weight is None else str(item.birth_weight), numeric=True),
        Cell(specs.gestation_text(item.gestation_weeks, item.gestation_days) if item.gestation_weeks else ""),
        Cell(item.get_mode_of_birth_display() or ""),
        Cell(apgar, numeric=True),
    ]


def _mother_visit_cells(rt, item) -> list[Cell]:
    systolic, _slash, diastolic = (item.blood_pressure or "").partition("/")
    bp = flags.high_blood_pressure(
        systolic=int(systolic) if systolic.isdigit() else None,
        diastolic=int(diastolic) if diastolic.isdigit() else None,
    )
    total = postnatal.epds_total(item.epds_answers)
    epds = postnatal.epds_flag(item.epds_answers)
    return [
        Cell(specs.display(rt, "visit_date", item.visit_date)),
        Cell(
            item.blood_pressure or "",
            numeric=True,
            flag=bp,
            flag_text=pgettext("blood pressure", "High") if bp else "",
        ),
        Cell(item.get_bleeding_display() or ""),
        Cell(item.get_wound_display() or ""),
        Cell("" if total is None else _("%(score)s of 30") % {"score": total}, numeric=True, flag=epds),
        Cell(_or_empty(rt, "discharged", item.discharged)),
        Cell(item.note or ""),
    ]


def _baby_visit_cells(rt, item) -> list[Cell]:
    """The baby by its number among the record's births, and the loss from its birth weight (the births
    come with the record page's query)."""
    births = [birth for birth in item.record.births.all() if not birth.entered_in_error]
    number, birth = next(
        ((n, b) for n, b in enumerate(births, start=1) if b.pk == item.birth_id), (None, None)
    )
    birth_weight = birth.birth_weight if birth else None
    loss = postnatal.weight_loss_percent(birth_weight=birth_weight, weight=item.weight)
    flag = postnatal.weight_loss_flag(birth_weight=birth_weight, weight=item.weight)
    return [
        Cell(specs.display(rt, "visit_date", item.visit_date)),
        Cell(_("Baby %(number)s") % {"number": number} if number else _("Not found")),
        Cell("" if item.weight is None else str(item.weight), numeric=True),
        Cell(
            _percent_change(loss),
            numeric=True,
            flag=flag,
            flag_text=_("Over %(percent)s%% lost") % {"percent": 10} if flag else "",
        ),
        Cell(item.get_feeding_display() or ""),
        Cell(item.get_jaundice_display() or ""),
        Cell(_or_empty(rt, "discharged", item.discharged)),
    ]


def _percent_change(loss: float | None) -> str:
    """The weight lost since birth (−7.5%), or gained (+2%), with the page's decimal mark."""
    if loss is None:
        return ""
    size = abs(loss)
    number = formats.number_format(size, 0 if size == int(size) else 1)
    # Translators: a change in per cent, e.g. "−7.5%"; Norwegian writes a space before the sign: "−7,5 %"
    return _("%(percent)s%%") % {"percent": ("−" if loss > 0 else "+") + number}


# the columns of each list section's table (read at import time: lazily translated, for the page's language)
LIST_TABLES = {
    "antenatalAppointments": (
        [
            gettext_lazy("Date"),
            gettext_lazy("Gestation"),
            gettext_lazy("Weight (kg)"),
            gettext_lazy("BP (mmHg)"),
            gettext_lazy("Protein"),
            gettext_lazy("Oedema"),
        ]
        + [gettext_lazy("Fetal heart rate"), gettext_lazy("Note")],
        _appointment_cells,
    ),
    "births": (
        [
            gettext_lazy("Born"),
            gettext_lazy("Outcome"),
            gettext_lazy("Sex"),
            gettext_lazy("Weight (g)"),
            gettext_lazy("Gestation"),
            gettext_lazy("Mode of birth"),
        ]
        + [gettext_lazy("Apgar 1/5/10")],
        _birth_cells,
    ),
    "postnatalMotherVisits": (
        [
            gettext_lazy("Date"),
            gettext_lazy("BP (mmHg)"),
            gettext_lazy("Bleeding"),
            gettext_lazy("Wound"),
            gettext_lazy("EPDS"),
            gettext_lazy("Discharged"),
            gettext_lazy("Note"),
        ],
        _mother_visit_cells,
    ),
    "postnatalBabyVisits": (
        [
            gettext_lazy("Date"),
            gettext_lazy("Baby"),
            gettext_lazy("Weight (g)"),
            gettext_lazy("Since birth"),
            gettext_lazy("Feeding"),
            gettext_lazy("Jaundice"),
            gettext_lazy("Discharged"),
        ],
        _baby_visit_cells,
    ),
    "careLocations": (
        [gettext_lazy("Care Location"), gettext_lazy("Care from")],
        lambda rt, item: [
            Cell(item.care_location.name),
            Cell(specs.display(rt, "start_time", item.start_time)),
        ],
    ),
    "notes": (
        [gettext_lazy("When"), gettext_lazy("What"), gettext_lazy("Note")],
        lambda rt, item: [
            Cell(specs.when(item.last_updated)),
            Cell(item.get_kind_display()),
            Cell(item.text),
        ],
    ),
}


def restrict_url(record: Pregnancy, rt: ResourceType, instance, actor: Actor, seen: PageRestrictions) -> str:
    """Where she restricts this entry; empty when it cannot be restricted, is already, or not by her."""
    if rt.name not in RESTRICTABLE or instance is None or seen.of(rt.name, instance.pk) is not None:
        return ""
    if restrict_refusal(record=record, instance=instance, actor=actor) is not None:
        return ""
    if rt.is_list:
        return reverse("web:item-restrict", args=[record.pk, rt.name, instance.pk])
    return reverse("web:section-restrict", args=[record.pk, rt.name])


def section_boxes(record: Pregnancy, actor: Actor, seen: PageRestrictions | None = None) -> list[SectionBox]:
    seen = seen or page_restrictions(record, actor)
    boxes = []
    for name in specs.PAGE_ORDER:
        rt = RESOURCE_TYPES[name]
        spec = specs.section(rt)
        box = SectionBox(rt=rt, title=spec.title, item=spec.item, intro=spec.intro)
        box.refusal = write_refusal(record, rt, actor, adding=True)
        box.history_url = section_url(record, rt, "section-history")
        if rt.is_list:
            items = list(getattr(record, rt.accessor).all())
            box.in_error = sum(1 for item in items if item.entered_in_error)
            box.last = max(
                (item for item in items if not seen.hides(rt.name, item.pk)),
                key=lambda item: item.last_updated,
                default=None,
            )
            box.edit_url = section_url(record, rt, "item-add")
            item_refusal = write_refusal(record, rt, actor)
            if name == "bookings":
                box.edit_url = reverse("web:booking-new", args=[record.pk])
                box.bookings = booking_rows(
                    record,
                    items,
                    today=timezone.localdate(),
                    can_write=item_refusal is None,
                    history_url=box.history_url,
                )
            if name in LIST_TABLES:
                headers, cells = LIST_TABLES[name]
                box.headers = [str(header) for header in headers]
                for item in items:
                    if item.entered_in_error:
                        continue
                    restricted = shown(seen, rt.name, item.pk)
                    if restricted is not None and restricted.hidden:  # a placeholder row: nothing of it
                        box.rows.append(
                            ItemRow(None, [], str(_("A restricted entry")), restricted=restricted)
                        )
                        continue
                    row = ItemRow(item, cells(rt, item), specs.item_title(rt, item), restricted=restricted)
                    row.history_url = f"{section_url(record, rt, 'section-history')}?item={item.pk}"
                    if item_refusal is None and not (restricted and restricted.opened):
                        row.edit_url = section_url(record, rt, "item-edit", item)
                        row.error_url = section_url(record, rt, "item-error", item)
                    if restricted is None:  # notes too, which nobody edits
                        row.restrict_url = restrict_url(record, rt, item, actor, seen)
                    box.rows.append(row)
            else:  # the SFH measurements: drawn by the chart and its table
                box.rows = [ItemRow(item, []) for item in items if not item.entered_in_error]
        else:
            instance = getattr(record, rt.accessor, None)
            box.instance = box.last = instance
            box.edit_url = section_url(record, rt)
            box.restricted = shown(seen, rt.name, None) if instance is not None else None
            if box.restricted is not None and box.restricted.hidden:  # a placeholder: nothing of it
                box.last = None
            elif instance is not None:
                if box.restricted is None:
                    box.restrict_url = restrict_url(record, rt, instance, actor, seen)
                for field_name in specs.content_field_names(rt):
                    value = getattr(instance, field_name)
                    if value is None or value == "" or value == []:
                        box.unrecorded += 1
                    else:
                        box.fields.append((specs.label(rt, field_name), specs.display(rt, field_name, value)))
        boxes.append(box)
    return boxes


def sfh_rows(record: Pregnancy, actor: Actor, points):
    """The SFH table's rows with their links (edit and entered-in-error only where she may write)."""
    rt = RESOURCE_TYPES["symphysisFundalHeights"]
    can_write = write_refusal(record, rt, actor) is None
    rows = []
    for point in points:
        rows.append(
            {
                "point": point,
                "edit_url": section_url(record, rt, "item-edit", point.item) if can_write else "",
                "error_url": section_url(record, rt, "item-error", point.item) if can_write else "",
                "history_url": f"{section_url(record, rt, 'section-history')}?item={point.item.pk}",
            }
        )
    return rows


def record_header(record: Pregnancy, actor: Actor) -> dict:
    today = timezone.localdate()
    mother = getattr(record, "mother", None)
    others = list(
        CareLocation.objects.filter(
            group__pregnancygrouppermission__content_object=record,
            group__pregnancygrouppermission__permission__codename=ACCESS_CODENAME,
        )
        .exclude(pk=record.active_care_location_id)
        .distinct()
        .order_by("name")
    )
    return {
        "name": mother.name if mother and mother.name else "",
        "identifier_label": (
            system_label(record.person.identifier_system)
            if record.person.identifier_system in SYSTEM_LABELS
            else _("National ID")
        ),
        "age": age_on(record.person.date_of_birth, today),
        "gestation": gestation_summary(record),
        "other_locations": others,
        "acting_here": actor.care_location_id_or_none == record.active_care_location_id,
        "can_add_dates": write_refusal(record, RESOURCE_TYPES["currentPregnancy"], actor) is None,
    }


@record_view(AccessAction.READ)
def record_page(request, record_id):
    """Everything recorded about the pregnancy, section by section, each with its last change."""
    record = load_record(request, record_id, queryset=record_page_queryset())
    actor = request.actor
    seen = page_restrictions(record, actor)
    sections = section_boxes(record, actor, seen)  # placeholders where something is hidden from her
    record_without_hidden(record, seen.hidden)  # and nothing of it in the chart or the alerts
    points = sfh_points(record.symphysisfundalheights.all(), agreed_edd=record.agreed_edd)
    context = {
        "record": record,
        "header": record_header(record, actor),
        "sections": sections,
        "urls": record_urls(record),
        "sfh_svg": sfh_chart_svg(points, chart_id="record-sfh"),
        "sfh_rows": sfh_rows(record, actor, points),
        **alert_banner(record, actor),  # "Needs attention"
    }
    return render(request, "maternity/record/record.html", context)
