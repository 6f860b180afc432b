"""Booking visits ahead: book one, change it, cancel it (with a reason, after a confirmation), record the
visit it was booked for, and plan the visits of the national schedule.

Every change is made at the version the page was read at. When someone changed the booking in the
meantime the service refuses (VersionConflict) and the page comes back, with what she entered still in
it, showing the booking as it is now and carrying its new version: she checks it and saves again. Rules
are the services' (`maternity/services/bookings.py`, `booking_checks.py`); the pages word their refusals.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maternity.presentation import specs
from maternity.rules.resources import RESOURCE_TYPES
from maternity.rules.visit_schedule import (
    DEFAULT_TIME,
    Plan,
    ScheduledVisit,
    given_birth_before,
    schedule_for,
    visit_plan,
)
from maternity.rules.wording import in_english

from ... import services
from ...errors import EnteredInError, NotAllowed, NotFound, RecordError, ResourceNotFound, VersionConflict
from ...models import AccessAction, Booking, Pregnancy, VisitKind
from ..forms.bookings import (
    BookingForm,
    CancelForm,
    PlanDetailsForm,
    PlannedVisitFormSet,
    local_moment,
)
from ..forms.sections import SectionForm
from .record import Refusal, form_queryset, load_record, record_brief, record_view, write_refusal

BOOKINGS = RESOURCE_TYPES["bookings"]
APPOINTMENTS = RESOURCE_TYPES["antenatalAppointments"]
APPOINTMENT_FIELDS = specs.content_field_names(APPOINTMENTS)


def _record_url(record: Pregnancy, section: str = "bookings") -> str:
    return f"{reverse('web:record', args=[record.pk])}#section-{section}"


def _get_booking(record: Pregnancy, booking_id) -> Booking:
    booking = Booking.objects.filter(record=record, pk=booking_id, entered_in_error=False).first()
    if booking is None:
        raise ResourceNotFound(_("This record has no such booking."))
    return booking


def _version(request) -> int | None:
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        return None
    return version if version >= 1 else None


def _start(request, record: Pregnancy, *, adding: bool = False) -> Refusal | None:
    """Note the page in the audit entry (a WRITE when posted) and say whether she may write bookings."""
    request.audit.resource_type = BOOKINGS.name
    if request.method == "POST":
        request.audit.action = AccessAction.WRITE
    return write_refusal(record, BOOKINGS, request.actor, adding=adding)


def _refused(request, record: Pregnancy, refusal: Refusal, audit: str = ""):
    """The refusal page. The audit entry says what was refused in English words of its own (the page's
    words follow her language; the audit trail does not)."""
    request.audit.detail = audit or f"refused: {refusal.kind}"
    request.audit.status_code = refusal.status
    context = {
        "record": record,
        "brief": record_brief(record),
        "refusal": refusal,
        "back_url": _record_url(record),
    }
    return render(request, "maternity/record/refused.html", context, status=refusal.status)


def _closed(request, record: Pregnancy, booking: Booking, message: str):
    """The refusal page for a booking that is no longer booked (cancelled, or its visit recorded)."""
    title = _("This %(status)s booking cannot be changed") % {"status": booking.get_status_display().lower()}
    refusal = Refusal(title, message, "closed", 409)
    return _refused(request, record, refusal, audit=f"refused: the booking is {booking.status}")


def _page(request, template: str, record: Pregnancy, context: dict, status: int = 200):
    if status >= 400:
        request.audit.status_code = status
        request.audit.detail = request.audit.detail or f"refused ({status})"
    base = {"record": record, "brief": record_brief(record), "back_url": _record_url(record)}
    return render(request, f"maternity/bookings/{template}", {**base, **context}, status=status)


def _field_error(form, error: RecordError) -> None:
    field = {"starts_at": "day", "cancellation_reason": "reason"}.get(error.field or "", error.field)
    form.add_error(field if field in form.fields else None, error.message)


# --- book and change ------------------------------------------------------------------------------------


@record_view(AccessAction.READ)
def booking_new(request, record_id):
    record = load_record(request, record_id, queryset=form_queryset())
    refusal = _start(request, record, adding=True)
    if refusal:
        return _refused(request, record, refusal)
    if request.method != "POST":
        form = BookingForm(initial={"kind": "ANTENATAL", "at": DEFAULT_TIME})
        return _page(request, "booking_form.html", record, {"form": form, "title": _("Book a visit")})
    form = BookingForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            booking = services.resource_create(
                record_id=record.pk,
                resource_type=BOOKINGS.name,
                data=form.service_data(),
                actor=request.actor,
            )
        except (NotFound, ResourceNotFound):
            raise
        except RecordError as error:
            _field_error(form, error)
            status = 403 if isinstance(error, NotAllowed) else 400
        else:
            request.audit.detail = f"bookings {booking.pk} booked"
            messages.success(
                request,
                _("Booked: %(kind)s on %(when)s.")
                % {"kind": booking.get_kind_display(), "when": specs.when(booking.starts_at)},
            )
            return redirect(_record_url(record))
    return _page(request, "booking_form.html", record, {"form": form, "title": _("Book a visit")}, status)


@record_view(AccessAction.READ)
def booking_change(request, record_id, booking_id):
    record = load_record(request, record_id, queryset=form_queryset())
    booking = _get_booking(record, booking_id)
    refusal = _start(request, record)
    if refusal:
        return _refused(request, record, refusal)
    context = {"title": _("Change the booking"), "booking": booking}
    if request.method != "POST":
        if booking.status != "BOOKED":
            return _closed(request, record, booking, _("Book a new visit instead."))
        form = BookingForm(initial=BookingForm.initial_for(booking))
        return _page(
            request, "booking_form.html", record, {**context, "form": form, "version": booking.version}
        )
    form = BookingForm(request.POST)
    attempt = _change(
        request,
        record,
        booking,
        form,
        save=lambda version: services.booking_change(
            record_id=record.pk,
            booking_id=booking.pk,
            version=version,
            data=form.service_data(),
            actor=request.actor,
        ),
        saved=lambda saved: (
            f"bookings {saved.pk} saved as version {saved.version}",
            _("Booking changed (version %(version)s).") % {"version": saved.version},
            "bookings",
        ),
        no_version=_("The form did not say which version it was read at. Open it again."),
    )
    if attempt.response:
        return attempt.response
    context = {**context, "form": form, "version": attempt.version, "current": attempt.current}
    return _page(request, "booking_form.html", record, context, attempt.status)


def _changed_meanwhile(booking: Booking, version: int) -> str:
    return _(
        "%(who)s changed this booking (now version %(version)s) on %(when)s, after you opened it at version "
        "%(opened)s. It is shown as it is now; what you entered is still below: check it, then save again."
    ) % {
        "who": booking.updated_by_name or _("Someone"),
        "version": booking.version,
        "when": specs.when(booking.last_updated),
        "opened": version,
    }


@dataclass
class _Attempt:
    """What one POST that changes a booking came to: a response to send at once (saved: back to the record;
    refused: the refusal page), or the form again with its status, the version to send next time and, after
    a conflict, the booking as it is now."""

    response: HttpResponse | None = None
    status: int = 400
    version: int | None = None
    current: Booking | None = None


def _change(
    request,
    record: Pregnancy,
    booking: Booking,
    form,
    *,
    save: Callable[[int], Any],
    saved: Callable[[Any], tuple[str, str, str]],
    no_version: str,
    conflict_also: str = "",
) -> _Attempt:
    """The one way a booking's forms save: the version the form was read at is required; `save(version)`
    calls the service; a conflict shows the booking as it is now (409), a booking that was closed meanwhile
    the refusal page, any other refusal the form's errors. `saved(result)` gives the audit detail, the
    message and the record's section to go back to."""
    version = _version(request)
    if version is None:
        form.is_valid()
        form.add_error(None, no_version)
        return _Attempt(version=version)
    if not form.is_valid():
        return _Attempt(version=version)
    try:
        result = save(version)
    except VersionConflict:
        booking.refresh_from_db()
        form.add_error(None, " ".join(filter(None, [_changed_meanwhile(booking, version), conflict_also])))
        return _Attempt(status=409, version=booking.version, current=booking)
    except (NotFound, ResourceNotFound):
        raise
    except (NotAllowed, EnteredInError) as error:
        booking.refresh_from_db()
        return _Attempt(response=_closed(request, record, booking, error.message))
    except RecordError as error:
        _field_error(form, error)
        return _Attempt(version=version)
    request.audit.detail, message, section = saved(result)
    messages.success(request, message)
    return _Attempt(response=redirect(_record_url(record, section)))


# --- cancel ---------------------------------------------------------------------------------------------


@record_view(AccessAction.READ)
def booking_cancel(request, record_id, booking_id):
    """Cancel a booking after a confirmation page that shows it and asks why."""
    record = load_record(request, record_id, queryset=form_queryset())
    booking = _get_booking(record, booking_id)
    refusal = _start(request, record)
    if refusal:
        return _refused(request, record, refusal)
    if booking.status != "BOOKED" and request.method != "POST":
        return _closed(request, record, booking, _("It was cancelled or its visit recorded."))
    if request.method != "POST":
        return _page(
            request,
            "cancel.html",
            record,
            {"booking": booking, "form": CancelForm(), "version": booking.version},
        )
    form = CancelForm(request.POST)
    attempt = _change(
        request,
        record,
        booking,
        form,
        save=lambda version: services.booking_cancel(
            record_id=record.pk,
            booking_id=booking.pk,
            version=version,
            reason=form.cleaned_data["reason"],
            actor=request.actor,
        ),
        saved=lambda _cancelled: (
            f"bookings {booking.pk} cancelled",
            _("The booking is cancelled. It stays in the record with your reason."),
            "bookings",
        ),
        no_version=_("The page did not say which version you saw: check it again."),
        conflict_also=_("Then confirm again."),
    )
    if attempt.response:
        return attempt.response
    context = {"booking": booking, "form": form, "version": attempt.version}
    return _page(request, "cancel.html", record, context, attempt.status)


# --- record the visit -----------------------------------------------------------------------------------


@record_view(AccessAction.READ)
def booking_visit(request, record_id, booking_id):
    """The appointment form for the visit a booking was made for; saving it marks the booking attended."""
    record = load_record(request, record_id, queryset=form_queryset())
    booking = _get_booking(record, booking_id)
    request.audit.resource_type = APPOINTMENTS.name
    if request.method == "POST":
        request.audit.action = AccessAction.WRITE
    refusal = write_refusal(record, APPOINTMENTS, request.actor, adding=True) or write_refusal(
        record, BOOKINGS, request.actor
    )
    if refusal:
        return _refused(request, record, refusal)
    if booking.status != "BOOKED":
        return _closed(request, record, booking, _("Its visit was recorded, or it was cancelled."))
    context = {"booking": booking, "title": _("Record the visit"), "version": booking.version}
    if request.method != "POST":
        on = min(timezone.localdate(booking.starts_at), timezone.localdate())
        form = SectionForm(initial={"appointment_date": on}, rt=APPOINTMENTS, record=record)
        return _page(request, "visit_form.html", record, {**context, "form": form})
    form = SectionForm(request.POST, rt=APPOINTMENTS, record=record)
    attempt = _change(
        request,
        record,
        booking,
        form,
        save=lambda version: services.visit_record_for_booking(
            record_id=record.pk,
            booking_id=booking.pk,
            booking_version=version,
            data={name: form.cleaned_data.get(name) for name in APPOINTMENT_FIELDS},
            actor=request.actor,
        ),
        saved=lambda recorded: (
            f"antenatalAppointments {recorded[0].pk} recorded for bookings {booking.pk}",
            _("Visit recorded; the booking is marked attended."),
            "antenatalAppointments",
        ),
        no_version=_("The form did not say which version of the booking it was read at. Open it again."),
    )
    if attempt.response:
        return attempt.response
    context.update(
        form=form, version=booking.version, current=attempt.current
    )  # as it is now, after a conflict
    return _page(request, "visit_form.html", record, context, attempt.status)


# --- the plan of the national schedule ------------------------------------------------------------------


def record_plan(record: Pregnancy, today: date) -> Plan:
    previous = getattr(record, "previouspregnancies", None)
    return visit_plan(
        schedule=schedule_for(settings.VISIT_SCHEDULE),
        edd=record.agreed_edd,
        today=today,
        given_birth=given_birth_before(previous),
        bookings=list(record.bookings.all()),
        visits_recorded=record.antenatalappointments.filter(entered_in_error=False).exists(),
    )


@record_view(AccessAction.READ)
def booking_plan(request, record_id):
    """The visits of the national schedule still to book, each with its date and time to change or untick;
    "Book these" books the ticked ones together."""
    record = load_record(request, record_id, queryset=form_queryset().select_related("previouspregnancies"))
    refusal = _start(request, record, adding=True)
    if refusal:
        return _refused(request, record, refusal)
    plan = record_plan(record, timezone.localdate())
    purposes = {visit.week: visit for visit in plan.visits}
    scheduled = {visit.week: visit for visit in plan.schedule.visits}
    if request.method != "POST":
        initial = [{"week": v.week, "book": True, "day": v.day, "at": DEFAULT_TIME} for v in plan.visits]
        formset = PlannedVisitFormSet(initial=initial, prefix="visit")
        details = PlanDetailsForm(initial={"place": record.active_care_location.name})
        return _plan_page(request, record, plan, formset, details, purposes)
    formset = PlannedVisitFormSet(request.POST, prefix="visit")
    details = PlanDetailsForm(request.POST)
    status = 400
    if formset.is_valid() and details.is_valid():
        visits = []
        for form in formset.forms:
            data = form.cleaned_data
            if not data.get("book"):
                continue
            visit = scheduled.get(data["week"])
            if visit is None:
                form.add_error(None, _("This week is not in the schedule."))
                continue
            visits.append(
                {
                    "starts_at": local_moment(data["day"], data["at"]),
                    "kind": visit.kind,
                    "planned_week": visit.week,
                    "note": _stored_note(visit),
                    **details.cleaned_data,
                }
            )
        if not any(form.errors for form in formset.forms):
            try:
                booked = services.bookings_plan_accept(
                    record_id=record.pk, visits=visits, actor=request.actor
                )
            except (NotFound, ResourceNotFound):
                raise
            except VersionConflict as error:
                details.add_error(None, error.message)
                status = 409
            except RecordError as error:
                details.add_error(None, error.message)
                status = 403 if isinstance(error, NotAllowed) else 400
            else:
                request.audit.detail = (
                    f"bookings: {len(booked)} booked from the {plan.schedule.code} schedule"
                )
                count = len(booked)
                messages.success(
                    request,
                    ngettext("%(count)s visit booked.", "%(count)s visits booked.", count) % {"count": count},
                )
                return redirect(_record_url(record))
    return _plan_page(request, record, plan, formset, details, purposes, status)


def _plan_page(request, record, plan: Plan, formset, details, purposes, status: int = 200):
    rows = []
    for form in formset.forms:
        week = form["week"].value()
        try:
            visit = purposes.get(int(week))
        except (TypeError, ValueError):
            visit = None
        gestation = visit.gestation_on(plan.edd) if visit is not None and plan.edd is not None else ""
        rows.append({"form": form, "visit": visit, "week": week, "gestation": gestation or week})
    context = {
        "plan": plan,
        "formset": formset,
        "details": details,
        "rows": rows,
        "title": _("Plan the visits"),
    }
    return _page(request, "plan.html", record, context, status)


def _stored_note(visit: ScheduledVisit) -> str | None:
    """The schedule's purpose as the booking's note, unless it only repeats the kind. The note is stored, so
    it is in English whatever the page's language."""
    purpose, kind = str(in_english(visit.purpose)), str(in_english(VisitKind(visit.kind).label))
    return purpose if purpose != kind else None
