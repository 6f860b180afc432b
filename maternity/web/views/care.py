"""Changing a record's status (with a confirmation), pulling active care, and the record's access log.
Choosing "Delivered" for an active record leads to the delivery step (views/delivery.py), which records the
babies with it."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maternity.reads.access import get_record_for
from maternity.reads.selectors import record_audit_entries

from ... import services
from ...errors import Invalid, NotAllowed, RecordError, VersionConflict
from ...models import AccessAction, RecordStatus
from ..acting import professional_view
from ..forms.care import PullCareForm, StatusForm
from .refusal_detail import refused_detail

ACCESS_LOG_PAGE = 50
# The status change's field names -> the form's
STATUS_FIELDS = {
    "recordStatus.deliveryDate": "delivery_date",
    "recordStatus.terminationDate": "termination_date",
}


@professional_view(AccessAction.STATUS_CHANGE)
def status_change(request, record_id):
    """Choose the new status and its details, then confirm on a second page that says what it means."""
    record = get_record_for(request.actor, record_id)
    request.audit.person_id = record.person_id
    if request.method != "POST":
        request.audit.action = AccessAction.READ
        form = StatusForm(current=record.status, initial={"version": record.version})
        return _status_page(request, record, form)
    form = StatusForm(request.POST, current=record.status)
    if not form.is_valid():
        request.audit.status_code = 400
        return _status_page(request, record, form, status=400)
    data = form.cleaned_data
    if data["status"] == RecordStatus.DELIVERED and record.status == RecordStatus.ACTIVE:
        # the birth is asked for in the same step: the delivery form, at the version read here
        request.audit.action = AccessAction.READ
        return redirect(f"{reverse('web:delivery', args=[record.pk])}?version={data['version']}")
    try:  # an impossible date is said at once, not after the confirmation (the change checks it again)
        services.record_status_dates_check(
            record=record,
            status=data["status"],
            delivery_date=data.get("delivery_date"),
            termination_date=data.get("termination_date"),
        )
    except Invalid as error:
        request.audit.status_code = 400
        request.audit.detail = refused_detail(error)
        form.add_error(STATUS_FIELDS.get(error.field or ""), error.message)
        return _status_page(request, record, form, status=400)
    if request.POST.get("confirmed") != "yes":
        request.audit.action = AccessAction.READ
        return render(
            request,
            "maternity/care/status_confirm.html",
            {
                "record": record,
                "form": form,
                "data": data,
                "status_label": RecordStatus(data["status"]).label,
            },
        )
    try:
        services.record_status_update(
            record_id=record.pk,
            version=data["version"],
            status=data["status"],
            actor=request.actor,
            delivery_date=data.get("delivery_date"),
            live_birth=data.get("live_birth"),
            termination_date=data.get("termination_date"),
        )
    except VersionConflict:
        request.audit.status_code = 409
        messages.warning(
            request, _("Someone changed this record while you were looking. Check it, then try again.")
        )
        return redirect("web:record", record.pk)
    except RecordError as error:
        request.audit.status_code = 403 if isinstance(error, NotAllowed) else 400
        request.audit.detail = refused_detail(error)
        form.add_error(STATUS_FIELDS.get(error.field or ""), error.message)
        return _status_page(request, record, form, status=request.audit.status_code)
    request.audit.detail = f"{record.status} -> {data['status']}"
    status = RecordStatus(data["status"]).label.lower()
    messages.success(request, _("The record is now %(status)s.") % {"status": status})
    return redirect("web:record", record.pk)


def _status_page(request, record, form, status=200):
    return render(request, "maternity/care/status.html", {"record": record, "form": form}, status=status)


@professional_view(AccessAction.PULL_CARE)
def pull_care(request, record_id):
    """Take over active care for the acting Care Location (or record an earlier episode)."""
    record = get_record_for(request.actor, record_id)
    request.audit.person_id = record.person_id
    if request.method != "POST":
        request.audit.action = AccessAction.READ
        return _pull_page(request, record, PullCareForm())
    form = PullCareForm(request.POST)
    if not form.is_valid():
        request.audit.status_code = 400
        return _pull_page(request, record, form, status=400)
    try:
        services.care_pull(
            record_id=record.pk, actor=request.actor, start_time=form.cleaned_data.get("start_time")
        )
    except RecordError as error:
        request.audit.status_code = 403 if isinstance(error, NotAllowed) else 400
        request.audit.detail = refused_detail(error)
        form.add_error("start_time" if error.field == "startTime" else None, error.message)
        return _pull_page(request, record, form, status=request.audit.status_code)
    messages.success(
        request,
        _("%(location)s now cares for this pregnancy.") % {"location": request.actor.care_location.name},
    )
    return redirect("web:record", record.pk)


def _pull_page(request, record, form, status=200):
    context = {"record": record, "form": form, "now": timezone.now()}
    return render(request, "maternity/care/pull_care.html", context, status=status)


@professional_view(AccessAction.AUDIT_READ)
def access_log(request, record_id):
    """Who read and changed this record, newest first; break-glass accesses stand out with their reason."""
    record = get_record_for(request.actor, record_id)
    request.audit.person_id = record.person_id
    page = Paginator(record_audit_entries(record), ACCESS_LOG_PAGE).get_page(request.GET.get("page"))
    return render(request, "maternity/care/access_log.html", {"record": record, "page": page})
