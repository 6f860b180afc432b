"""Creating a pregnancy by its keys, with the due date from the LMP, a dating scan, or entered directly."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from maternity.reads.selectors import pregnancies_of_person
from maternity.rules.pregnancy_keys import records_matching

from ... import services
from ...errors import AlreadyExists, NotAllowed, RecordError
from ...models import AccessAction, RecordStatus
from ..acting import professional_view
from ..forms.create import CreateForm
from ..forms.finding import FindForm
from .refusal_detail import refused_detail

SERVICE_FIELDS = {"dob": "date_of_birth", "edd": "method"}  # the service's field names -> the form's


def _page(request, form: CreateForm, *, status: int = 200, conflict: dict | None = None):
    return render(
        request,
        "maternity/create.html",
        {"nav": "create", "form": form, "conflict": conflict},
        status=status,
    )


def _conflict(request, form: CreateForm, error: AlreadyExists) -> dict:
    """What to offer when the pregnancy is already on record: the records of hers the user can already
    see; else, when the keys match one, finding it by them (break glass); else the refusal."""
    keys = form.keys()
    matching = {record.pk for record in records_matching(keys)}
    visible = [
        record
        for record in pregnancies_of_person(
            actor=request.actor, national_id=keys.national_id, date_of_birth=keys.date_of_birth
        )
        if record.pk in matching or record.status == RecordStatus.ACTIVE
    ]
    return {
        "keys": keys,
        "keys_match": bool(matching),
        "visible": visible,
        "message": error.message,
        "find_form": FindForm(auto_id="conflict-%s"),  # its reason fields, posted to the find page
    }


@professional_view(AccessAction.CREATE)
def create(request):
    if request.method != "POST":
        request.audit = None  # an empty form: nothing read or written
        return _page(request, CreateForm())
    audit = request.audit
    form = CreateForm(request.POST)
    if not form.is_valid():
        audit.status_code = 400
        audit.detail = f"Refused: invalid {', '.join(form.errors)}."
        return _page(request, form, status=400)
    try:
        created = services.pregnancy_create_by_keys(
            national_id=form.cleaned_data["national_id"],
            date_of_birth=form.cleaned_data["date_of_birth"],
            edds=form.edds(),
            actor=request.actor,
            mother=form.mother(),
            current_pregnancy=form.current_pregnancy(),
        )
    except AlreadyExists as error:
        audit.status_code, audit.detail = 409, refused_detail(error)
        return _page(request, form, status=409, conflict=_conflict(request, form, error))
    except RecordError as error:
        audit.status_code = 403 if isinstance(error, NotAllowed) else 400
        audit.detail = refused_detail(error)
        form.add_error(SERVICE_FIELDS.get(error.field or ""), error.message)
        return _page(request, form, status=audit.status_code)
    record = created.record
    audit.record_id, audit.person_id = record.pk, record.person_id
    due = date_format(record.agreed_edd, "DATE_FORMAT") if record.agreed_edd else _("not set")
    with translation.override("en"):  # the audit trail is in English
        how_in_english = form.how()
    words = {"due": due, "how": form.how()}
    if created.created:
        audit.detail = f"Created with the due date {how_in_english}."
        messages.success(request, _("Pregnancy created. Agreed due date %(due)s, %(how)s.") % words)
    else:
        audit.detail = f"Completed her active record that had no due date (due date {how_in_english})."
        messages.info(
            request,
            _(
                "She already had an active record with no due date: it now has the agreed due date %(due)s, "
                "%(how)s."
            )
            % words,
        )
    return redirect(reverse("web:record", args=[record.pk]))
