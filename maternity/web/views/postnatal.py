"""Postnatal visits in the midwives' app, after the delivery and until discharge: the mother's (blood
pressure, bleeding, wound, and her mood by the Edinburgh Postnatal Depression Scale, scored and flagged by
`maternity.rules.postnatal`) and each baby's (weight and its loss from the birth weight, feeding, jaundice).
Saved by the generic resource services, like any list item; entered in error and history as for any."""

from decimal import Decimal

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from maternity.presentation import specs
from maternity.rules import postnatal
from maternity.rules.resources import RESOURCE_TYPES, ResourceType

from ... import services
from ...errors import NotAllowed, RecordError, VersionConflict
from ...models import AccessAction, Birth, Pregnancy
from ..forms.postnatal import BabyVisitForm, MotherVisitForm
from .record import form_queryset, load_record, record_brief, record_view, section_url, write_refusal
from .sections import _refused, get_item

MOTHER, BABY = RESOURCE_TYPES["postnatalMotherVisits"], RESOURCE_TYPES["postnatalBabyVisits"]


@record_view(AccessAction.READ)
def mother_visit(request, record_id, item_id=None):
    record = load_record(request, record_id, queryset=form_queryset())
    item = get_item(record, MOTHER, item_id) if item_id else None

    def form(data=None):
        initial = MotherVisitForm.initial_from(item) if item and data is None else None
        return MotherVisitForm(data, initial=initial, record=record)

    def saved(visit) -> str:
        total, flag = postnatal.epds_total(visit.epds_answers), postnatal.epds_flag(visit.epds_answers)
        if total is None:
            return _("The postnatal visit is saved.")
        if flag:
            return _("The postnatal visit is saved. EPDS score %(total)s of 30: %(detail)s") % {
                "total": total,
                "detail": flag.detail,
            }
        return _("The postnatal visit is saved. EPDS score %(total)s of 30.") % {"total": total}

    return _visit(request, record, MOTHER, item, form, saved)


@record_view(AccessAction.READ)
def baby_visit(request, record_id, item_id=None):
    record = load_record(request, record_id, queryset=form_queryset())
    item = get_item(record, BABY, item_id) if item_id else None
    births = list(Birth.objects.filter(record=record, entered_in_error=False).order_by("birth_time"))

    def form(data=None):
        initial = None
        if item and data is None:
            initial = {name: getattr(item, name) for name in specs.content_field_names(BABY)}
            initial["birth_id"] = str(item.birth_id)
        return BabyVisitForm(data, initial=initial, record=record, births=births)

    def saved(visit) -> str:
        birth = next((b for b in births if b.pk == visit.birth_id), None)
        weight = birth.birth_weight if birth else None
        loss = postnatal.weight_loss_percent(birth_weight=weight, weight=visit.weight)
        flag = postnatal.weight_loss_flag(birth_weight=weight, weight=visit.weight)
        if loss is None:
            return _("The baby's visit is saved.")
        percent = number_format(Decimal(f"{abs(loss):g}"))
        if loss > 0:
            saved = _("The baby's visit is saved: %(percent)s%% below the birth weight.")
        else:
            saved = _("The baby's visit is saved: %(percent)s%% above the birth weight.")
        return " ".join(filter(None, [saved % {"percent": percent}, flag.detail if flag else ""]))

    return _visit(request, record, BABY, item, form, saved)


def _visit(request, record: Pregnancy, rt: ResourceType, item, make_form, saved):
    audit = request.audit
    audit.resource_type = rt.name
    posting = request.method == "POST"
    if posting:
        audit.action = AccessAction.WRITE
    refusal = write_refusal(record, rt, request.actor, adding=item is None)
    if refusal:
        return _refused(request, record, rt, refusal)
    if not posting:
        return _page(request, record, rt, item, make_form(), version=item.version if item else "")
    form = make_form(request.POST)
    version = request.POST.get("version", "")
    if not form.is_valid():
        return _page(request, record, rt, item, form, version=version, status=400)
    try:
        if item is None:
            visit = services.resource_create(
                record_id=record.pk, resource_type=rt.name, data=form.visit(), actor=request.actor
            )
        else:
            visit = services.resource_update(
                record_id=record.pk,
                resource_type=rt.name,
                resource_id=item.pk,
                version=int(version) if version.isdigit() else None,
                data=form.visit(),
                actor=request.actor,
            )
    except VersionConflict:
        form.add_error(
            None,
            "Someone changed this visit while you were editing it. Nothing was saved: open it again to see "
            "what it holds now.",
        )
        return _page(request, record, rt, item, form, version=version, status=409)
    except RecordError as error:
        form.add_error(None, error.message)
        status = 403 if isinstance(error, NotAllowed) else 400
        return _page(request, record, rt, item, form, version=version, status=status)
    audit.detail = f"{rt.name} {visit.pk} {'added' if item is None else 'changed'}"
    messages.success(request, saved(visit))
    return redirect(f"{reverse('web:record', args=[record.pk])}#section-{rt.name}")


def _page(request, record, rt, item, form, *, version, status: int = 200):
    if status >= 400:
        request.audit.status_code = status
        # names only: what she typed (her mood answers above all) stays out of the audit trail
        request.audit.detail = "invalid: " + ", ".join(
            "form" if name == "__all__" else name for name in form.errors
        )
    if rt.name == "postnatalMotherVisits":
        title = _("Edit the postnatal visit: mother") if item else _("Record a postnatal visit: mother")
    else:
        title = _("Edit the baby's visit") if item else _("Record a baby's visit")
    context = {
        "record": record,
        "brief": record_brief(record),
        "rt": rt,
        "title": title,
        "form": form,
        "item": item,
        "version": version,
        "cancel_url": f"{reverse('web:record', args=[record.pk])}#section-{rt.name}",
        "history_url": f"{section_url(record, rt, 'section-history')}?item={item.pk}" if item else "",
    }
    if rt.name == "postnatalMotherVisits" and form.is_bound and form.is_valid():
        context["epds_total"] = postnatal.epds_total(form.cleaned_data["epds_answers"])
    return render(request, "maternity/record/postnatal_visit.html", context, status=status)
