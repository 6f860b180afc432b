"""The change proposals: the list (filtered by state, a page at a time) and the form for a new one. The
form parses; `proposal_create` says what is wrong, field by field, and nothing is saved when it does."""

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dataset.forms.proposals import FIELDS_PREFIX, MORE_ROWS, DraftFieldFormSet, ProposalForm
from dataset.models import ProposalState
from dataset.proposal_reads import proposals_page
from dataset.services import proposal_create, status_of
from dataset.services.proposal_input import DRAFT_FIELDS_MAX
from maternity.audit.note import audit_ip
from maternity.errors import RecordError
from spine.models import SpineClient

from .proposals_wrapper import change_site_page


@change_site_page
def proposal_list(request):
    state = request.GET.get("state", "")
    if state and state not in ProposalState.values:
        request.audit.status_code = 400
        request.audit.add_detail(f"Refused: unknown state {state[:40]!r}.")
        message = _("There is no state %(state)s: choose one from the list.") % {"state": repr(state[:40])}
        return render(request, "dataset/proposals/bad_request.html", {"message": message}, status=400)
    page = proposals_page(state=state or None, page=request.GET.get("page"))
    request.audit.add_detail(
        f"Listed change proposals ({state or 'every state'}): page {page.number} of "
        f"{page.paginator.num_pages}, {len(page.object_list)} of {page.paginator.count}."
    )
    return render(
        request,
        "dataset/proposals/list.html",
        {
            "nav": "proposals",
            "page": page,
            "state": state,
            "states": ProposalState.choices,
            "page_query": urlencode({"state": state} if state else {}),
        },
    )


def _clients(caller) -> list[SpineClient]:
    """The client systems a caller may propose for: her administered locations' active ones."""
    if not caller.administered:
        return []
    return list(
        SpineClient.objects.filter(active=True, care_location__in=caller.administered)
        .select_related("care_location")
        .order_by("care_location__name", "name")
    )


@change_site_page
def proposal_new(request):
    clients = _clients(request.caller)
    if request.method != "POST":
        request.audit.add_detail("The form for a new proposal.")
        form = ProposalForm(clients=clients)
        rows = DraftFieldFormSet(prefix=FIELDS_PREFIX)
        return _page(request, form, rows)
    form = ProposalForm(request.POST, clients=clients)
    rows = DraftFieldFormSet(request.POST, prefix=FIELDS_PREFIX)
    if "more_rows" in request.POST:
        request.audit.add_detail("More rows for the draft of the fields; nothing saved.")
        return _page(request, form, _more_rows(request.POST, rows), keep_errors=False)
    if not (form.is_valid() and rows.is_valid()):
        request.audit.status_code = 400
        request.audit.add_detail("Refused: the form could not be read.")
        return _page(request, form, rows, status=400)
    try:
        proposal = proposal_create(
            caller=request.caller,
            title=form.cleaned_data["title"],
            change=form.cleaned_data["change"],
            reason=form.cleaned_data["reason"],
            resources=form.cleaned_data["resources"],
            draft_fields=[row for row in (each.row() for each in rows.forms) if row is not None],
            on_behalf_of=form.cleaned_data.get("on_behalf_of"),
            language=get_language(),
            ip=audit_ip(request),
        )
    except RecordError as refusal:
        request.audit = None  # the service wrote this request's entry
        rows = _show_refusal(form, rows, refusal)
        return _page(request, form, rows, status=status_of(refusal))
    request.audit = None
    messages.success(
        request,
        _("Your proposal is #%(number)s. You follow it: you are emailed when it is commented on or moves.")
        % {"number": proposal.number},
    )
    return redirect("dataset:proposal", number=proposal.number)


def _show_refusal(form: ProposalForm, rows, refusal: RecordError):
    """The service's refusal beside the field it names, and the draft's rows as it numbered them: the rows
    written in first, in their order (so its "Field 2" is the form's Field 2), the empty ones after. The
    rows to show."""
    rows = _compacted(rows)
    field = refusal.field or ""
    part = field.split(".")
    if part[0] == "draft_fields" and len(part) == 3 and part[1].isdigit() and int(part[1]) < len(rows.forms):
        row = rows.forms[int(part[1])]
        if part[2] in row.fields:
            row.add_error(part[2], refusal.message)
            return rows
    form.add_error(field if field in form.fields else None, refusal.message)
    return rows


def _compacted(rows):
    """The same rows, those with something written in them first."""
    written = [each.cleaned_data for each in rows.forms if each.row() is not None]
    data = {f"{FIELDS_PREFIX}-TOTAL_FORMS": str(len(rows.forms)), f"{FIELDS_PREFIX}-INITIAL_FORMS": "0"}
    for index, row in enumerate(written):
        for name, value in row.items():
            if value not in ("", None, False):
                data[f"{FIELDS_PREFIX}-{index}-{name}"] = "on" if value is True else value
    compacted = DraftFieldFormSet(data, prefix=FIELDS_PREFIX)
    compacted.is_valid()
    return compacted


def _more_rows(data, rows):
    """The same form with MORE_ROWS more empty rows (at most DRAFT_FIELDS_MAX)."""
    data = data.copy()
    count = min(max(len(rows.forms), 0) + MORE_ROWS, DRAFT_FIELDS_MAX)
    data[f"{FIELDS_PREFIX}-TOTAL_FORMS"] = str(count)
    return DraftFieldFormSet(data, prefix=FIELDS_PREFIX)


def _page(request, form, rows, *, status: int = 200, keep_errors: bool = True):
    return render(
        request,
        "dataset/proposals/new.html",
        {
            "nav": "proposals",
            "form": form,
            "rows": rows,
            "show_errors": keep_errors,
            "rows_most": DRAFT_FIELDS_MAX,
        },
        status=status,
    )
