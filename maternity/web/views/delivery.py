"""The delivery step in the midwives' app: choosing "Delivered" on the status page leads here. Labour and
birth, then one block per baby (as many as the fetuses recorded, at least one; "Add another baby" adds a
block without JavaScript), saved together by `services.record_deliver`: all of it or nothing. What she
typed stays in every block when anything is wrong, and an error about one baby names it ("Baby 2: ...")."""

import re

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ... import services
from ...errors import NotAllowed, RecordError, VersionConflict
from ...models import AccessAction, Pregnancy, RecordStatus
from ..forms.delivery import BabyForm, LabourForm, baby_count
from .record import Refusal, form_queryset, load_record, optional_url, record_brief, record_view

_BABY_FIELD = re.compile(r"^babies\[(\d+)\]\.(\w+)$")
_WIRE_NAMES = {"birthTime": "birth_time"}  # the names the births' own date check uses


@record_view(AccessAction.STATUS_CHANGE)
def delivery(request, record_id):
    record = load_record(request, record_id, queryset=form_queryset())
    if record.status != RecordStatus.ACTIVE:
        return _refused(request, record)
    pregnancy = getattr(record, "currentpregnancy", None)
    fetuses = (pregnancy.number_of_fetuses if pregnancy else None) or 1
    if request.method != "POST":
        request.audit.action = AccessAction.READ
        version = request.GET.get("version") or record.version
        labour = LabourForm(record=record)
        babies = [BabyForm(number=n, record=record) for n in range(1, fetuses + 1)]
        return _page(request, record, labour, babies, version=version)

    count = baby_count(request.POST, at_least=fetuses)
    version = request.POST.get("version", "")
    action = request.POST.get("action", "")
    if action in ("add", "remove"):  # a block more or fewer: what was typed stays, no errors yet
        request.audit.action = AccessAction.READ
        count = min(count + 1, 8) if action == "add" else max(count - 1, 1)
        labour = LabourForm(initial=_typed(LabourForm(record=record), request.POST), record=record)
        babies = [
            BabyForm(initial=_typed(BabyForm(number=n, record=record), request.POST), number=n, record=record)
            for n in range(1, count + 1)
        ]
        return _page(request, record, labour, babies, version=version)

    labour = LabourForm(request.POST, record=record)
    babies = [BabyForm(request.POST, number=n, record=record) for n in range(1, count + 1)]
    valid = labour.is_valid() & all([baby.is_valid() for baby in babies])
    if not valid or not version.isdigit():
        if not version.isdigit():
            labour.add_error(
                None, _("The form did not say which version of the record it was read at: open it again.")
            )
        return _page(request, record, labour, babies, version=version, status=400)
    try:
        delivered = services.record_deliver(
            record_id=record.pk,
            actor=request.actor,
            version=int(version),
            labour={name: value for name, value in labour.cleaned_data.items()},
            babies=[baby.baby() for baby in babies],
        )
    except VersionConflict:
        labour.add_error(
            None,
            _(
                "Someone changed this record while you were filling this in. Nothing was saved: check the "
                "record, then record the delivery again."
            ),
        )
        return _page(request, record, labour, babies, version=version, status=409)
    except RecordError as error:
        _place_error(error, labour, babies)
        status = 403 if isinstance(error, NotAllowed) else 400
        return _page(request, record, labour, babies, version=version, status=status)
    number = len(delivered.births)
    request.audit.detail = f"ACTIVE -> DELIVERED with {number} bab{'y' if number == 1 else 'ies'}"
    messages.success(
        request,
        ngettext(
            "The record is now delivered, with one baby. Postnatal visits can now be recorded.",
            "The record is now delivered, with %(count)s babies. Postnatal visits can now be recorded.",
            number,
        )
        % {"count": number},
    )
    return redirect("web:record", record.pk)


def _typed(form, data) -> dict:
    """What the browser posted for each field of `form`, as its initial values (no validation)."""
    return {
        name: field.widget.value_from_datadict(data, {}, form.add_prefix(name))
        for name, field in form.fields.items()
    }


def _baby(number: int) -> str:
    return _("Baby %(number)s") % {"number": number}


def _without(message: str, *prefixes: str) -> str:
    """The message without the first of `prefixes` it starts with (the block's name: the field says it)."""
    for prefix in prefixes:
        if message.startswith(prefix):
            return message[len(prefix) :]
    return message


def _place_error(error: RecordError, labour: LabourForm, babies: list[BabyForm]) -> None:
    """Show the service's refusal on the field it names (a baby's, labour's), else above the form."""
    field = error.field or ""
    if match := _BABY_FIELD.match(field):
        index, name = int(match.group(1)), _WIRE_NAMES.get(match.group(2), match.group(2))
        if index < len(babies) and name in babies[index].fields:
            number = index + 1
            babies[index].add_error(name, _without(error.message, f"Baby {number}: ", f"{_baby(number)}: "))
            return
    if field.startswith("labour.") and field.removeprefix("labour.") in labour.fields:
        message = _without(error.message, "Labour: ", f"{_('Labour')}: ")
        labour.add_error(field.removeprefix("labour."), message)
        return
    if field == "recordStatus.deliveryDate":  # the delivery date is the first baby's time of birth
        first = min(babies, key=lambda baby: baby.cleaned_data["birth_time"])
        message = error.message.replace("The delivery date", "The time of birth")
        first.add_error("birth_time", message.replace(_("The delivery date"), _("The time of birth")))
        return
    labour.add_error(None, error.message)


def _page(request, record: Pregnancy, labour, babies, *, version, status: int = 200):
    if status >= 400:
        request.audit.status_code = status
        # names only: what she typed is clinical data and stays out of the audit trail
        names = [f"labour.{n}" for n in labour.errors] + [
            f"baby{baby.number}.{n}" for baby in babies for n in baby.errors
        ]
        request.audit.detail = request.audit.detail or "invalid: " + ", ".join(names)
    summary = [(None, "", message) for message in labour.non_field_errors()]
    for form, who in [(labour, _("Labour")), *[(baby, _baby(baby.number)) for baby in babies]]:
        for name, errors in form.errors.items():
            if name != "__all__":
                summary.append((form[name], who, " ".join(errors)))
    context = {
        "record": record,
        "brief": record_brief(record),
        "labour": labour,
        "babies": babies,
        "count": len(babies),
        "version": version,
        "summary": summary,
        "status_url": optional_url("web:status", record.pk),
    }
    return render(request, "maternity/care/delivery.html", context, status=status)


def _refusal(record: Pregnancy) -> Refusal:
    return Refusal(
        _("The delivery is already recorded"),
        _(
            "The record is %(status)s: the delivery step is for an active record. Correct the births and "
            "labour in their sections."
        )
        % {"status": record.get_status_display().lower()},
        "read-only",
        status=409,
    )


def _refused(request, record: Pregnancy):
    refusal = _refusal(record)
    request.audit.status_code = refusal.status
    with translation.override("en"):  # the audit trail is in English
        request.audit.detail = _refusal(record).message
    context = {"record": record, "brief": record_brief(record), "refusal": refusal}
    context["back_url"] = reverse("web:record", args=[record.pk])
    return render(request, "maternity/record/refused.html", context, status=refusal.status)
