"""Restricted entries on the record's pages (issue 23): what a page shows of them to the acting
professional, and the pages that restrict an entry, lift a restriction, and open a restricted entry with a
reason. Who sees what is `maternity/reads/restrictions.py`'s; the writes are `services/restrictions.py`'s.
"""

from uuid import UUID

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from maternity.presentation import specs
from maternity.reads.restrictions import hidden_entry, restricted_for, restrictions_of
from maternity.rules.resources import ResourceType

from ... import services
from ...actors import Actor
from ...errors import AlreadyExists, NotAllowed, RecordError, ResourceNotFound
from ...models import AccessAction, Pregnancy
from ...services.restrictions import RESTRICTABLE
from ..forms.restrictions import OpenForm, RestrictForm
from .record import Refusal, form_queryset, load_record, record_brief, record_view, resource_type_for
from .refusal_detail import refused_detail


def restricted_refusal(record: Pregnancy, rt: ResourceType, resource_id, actor: Actor) -> Refusal | None:
    """A section or item page (edit, entered in error, history) of an entry restricted by another Care
    Location: refused, with where to open it. Opening it lets her read it on the record page, not change
    it."""
    restrictions = restrictions_of(record)
    if restrictions and hidden_entry(restricted_for(actor, restrictions), rt.name, resource_id):
        return Refusal(
            _("A restricted entry"),
            _(
                "Another Care Location restricted this entry. You can open it with a reason on the record "
                "page; only that Care Location can change it."
            ),
            "restricted",
            detail="Refused: the entry is restricted by another Care Location.",
        )
    return None


def refused_page(request, record: Pregnancy, rt: ResourceType, refusal: Refusal):
    request.audit.status_code = refusal.status
    request.audit.detail = refusal.audit_detail
    context = {
        "record": record,
        "brief": record_brief(record),
        "rt": rt,
        "refusal": refusal,
        "back_url": _record_url(record, rt.name),
    }
    return render(request, "maternity/record/refused.html", context, status=refusal.status)


def _record_url(record: Pregnancy, rt_name: str) -> str:
    return f"{reverse('web:record', args=[record.pk])}#section-{rt_name}"


@record_view(AccessAction.READ)
def section_restrict(request, record_id, resource_type):
    return _restrict(request, record_id, resource_type, None)


@record_view(AccessAction.READ)
def item_restrict(request, record_id, resource_type, item_id):
    return _restrict(request, record_id, resource_type, item_id)


def _restrict(request, record_id, resource_type: str, item_id: UUID | None):
    """The form that restricts one entry (a category, whether she sees it, a confirmation)."""
    rt = resource_type_for(resource_type, is_list=item_id is not None)
    record = load_record(request, record_id, queryset=form_queryset())
    audit = request.audit
    audit.resource_type = rt.name
    instance = rt.model._default_manager.filter(record=record, **({"pk": item_id} if item_id else {})).first()
    if instance is None:
        raise ResourceNotFound(_("The record has no such entry."))
    if rt.name not in RESTRICTABLE:
        refusal = Refusal(specs.section(rt).title, _("This entry cannot be restricted."), "restricted", 400)
        return refused_page(request, record, rt, refusal)
    hidden = restricted_refusal(record, rt, instance.pk, request.actor)
    if hidden is not None:
        return refused_page(request, record, rt, hidden)
    form = RestrictForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        audit.action = AccessAction.WRITE
        if form.is_valid():
            try:
                services.restriction_add(
                    record_id=record.pk,
                    resource_type=rt.name,
                    resource_id=instance.pk if rt.is_list else None,
                    category=form.cleaned_data["category"],
                    hidden_from_patient=form.cleaned_data["hidden_from_patient"],
                    actor=request.actor,
                )
            except (NotAllowed, AlreadyExists) as error:
                form.add_error(None, error.message)
                status = 403 if isinstance(error, NotAllowed) else 409
                audit.detail = refused_detail(error)
            else:
                which = f"{rt.name} {instance.pk}" if rt.is_list else rt.name
                audit.detail = f"Restricted {which} ({form.cleaned_data['category']})"
                messages.success(request, _("The entry is restricted. Only your Care Location sees it."))
                return redirect(_record_url(record, rt.name))
        else:
            status = 400
            audit.detail = f"Refused: invalid {', '.join(form.errors)}."
        audit.status_code = status
    context = {
        "record": record,
        "brief": record_brief(record),
        "rt": rt,
        "spec": specs.section(rt),
        "title": specs.item_title(rt, instance) if rt.is_list else specs.section(rt).title,
        "form": form,
    }
    return render(request, "maternity/record/restrict.html", context, status=status)


@record_view(AccessAction.WRITE)
def restriction_lift(request, record_id, restriction_id):
    """Lift a restriction (a POST from the record page): only the restricting location may."""
    record = load_record(request, record_id, queryset=form_queryset())
    if request.method != "POST":  # nothing lifted: a look at the record
        request.audit.action = AccessAction.READ
        return redirect(reverse("web:record", args=[record.pk]))
    try:
        lifted = services.restriction_lift(
            record_id=record.pk, restriction_id=restriction_id, actor=request.actor
        )
    except (NotAllowed, ResourceNotFound) as error:
        request.audit.status_code = 403 if isinstance(error, NotAllowed) else 404
        request.audit.detail = refused_detail(error)
        messages.error(request, error.message)
        return redirect(reverse("web:record", args=[record.pk]))
    request.audit.resource_type = lifted.resource_type
    request.audit.detail = (
        f"Lifted the restriction of {lifted.resource_type} {lifted.resource_id or ''}".strip()
    )
    messages.success(request, _("The restriction is lifted: everyone who may see the record sees the entry."))
    return redirect(_record_url(record, lifted.resource_type))


@record_view(AccessAction.OPEN_RESTRICTED)
def restricted_open(request, record_id, restriction_id):
    """Open one entry restricted by another Care Location, with a reason (the logged emergency override).
    The reason is audited whatever the outcome, and the restricting location reviews it."""
    record = load_record(request, record_id, queryset=form_queryset())
    audit = request.audit
    if request.method != "POST":
        form = OpenForm()
        status = 200
        audit.action = AccessAction.READ
    else:
        form = OpenForm(request.POST)
        audit.reason_code = (request.POST.get("reason_code") or "").strip()[:40]
        audit.reason = (request.POST.get("reason") or "").strip()[:1000]
        status = 400
        if form.is_valid():
            try:
                opening = services.restricted_entry_open(
                    record_id=record.pk,
                    restriction_id=restriction_id,
                    reason_code=form.cleaned_data["reason_code"],
                    reason=form.cleaned_data["reason"],
                    actor=request.actor,
                )
            except ResourceNotFound:
                raise
            except RecordError as error:
                form.add_error(None, error.message)
                status = 403 if isinstance(error, NotAllowed) else 400
                audit.detail = refused_detail(error)
            else:
                restriction = opening.restriction
                audit.resource_type = restriction.resource_type
                audit.detail = (
                    f"Opened the restricted {restriction.resource_type} entry "
                    f"{restriction.resource_id or ''} until {opening.until:%Y-%m-%d %H:%M} UTC"
                ).replace("  ", " ")
                messages.warning(
                    request,
                    _(
                        "You opened a restricted entry. Your reason is in the audit trail, and the Care "
                        "Location that restricted it will review it."
                    ),
                )
                return redirect(_record_url(record, restriction.resource_type))
        else:
            audit.detail = f"Refused: invalid {', '.join(form.errors)}."
        audit.status_code = status
    context = {
        "record": record,
        "brief": record_brief(record),
        "form": form,
        "restriction_id": restriction_id,
    }
    return render(request, "maternity/record/open_restricted.html", context, status=status)
