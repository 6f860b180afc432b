"""A proposal's page, its thread: the proposal, who supports and follows it, its comments and state
changes in the order they happened, and the forms to comment, support, follow, move it (the national
administration) or withdraw it (its proposer); and a comment's own page where its author changes it.

Each form posts to its own URL and goes through one service, which checks every rule; a refusal shows the
thread again with the reason beside the form and what was typed kept, with the refusal's status (400 what
was wrong, 403 who may not, 409 it changed meanwhile: the form then carries the new version). A done write
goes back to the thread (its anchor) with a message.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dataset.forms.thread import CommentEditForm, CommentForm, MoveForm, WithdrawForm
from dataset.models import DraftFieldType, Proposal, ProposalState
from dataset.proposal_reads import proposal_for_page, resource_label, thread_of
from dataset.services import (
    comment_of,
    may_edit_comment,
    next_states,
    proposal_comment_add,
    proposal_comment_edit,
    proposal_follow_set,
    proposal_move,
    proposal_support_set,
    status_of,
)
from dataset.services.proposal_input import latest_release
from dataset.versions import DATA_SET_VERSION
from maternity.audit.note import audit_ip
from maternity.errors import RecordError, VersionConflict
from maternity.rules.wording import in_english

from .proposals_wrapper import change_site_page

YES_NO = {"yes": True, "no": False}


@change_site_page
def proposal_thread(request, number):
    proposal = proposal_for_page(number)
    request.audit.add_detail(
        f"Read proposal #{proposal.number} ({proposal.state}, version {proposal.version})."
    )
    return thread_page(request, proposal)


def thread_page(request, proposal: Proposal, *, status: int = 200, **forms):
    """The thread as `request.caller` sees it; `forms`: a bound form shown instead of a fresh one."""
    caller = request.caller
    states = next_states(proposal, caller)
    national = caller.is_national and bool(states)
    fresh = {"version": proposal.version}
    thread = thread_of(proposal, caller.user)
    return render(
        request,
        "dataset/proposals/thread.html",
        {
            "nav": "proposals",
            "proposal": proposal,
            "thread": thread,
            "changeable": {  # the comments she may change (the rule is the service's)
                entry.comment.pk
                for entry in thread.entries
                if entry.comment and may_edit_comment(caller, entry.comment, proposal) is None
            },
            "resources": [(name, resource_label(name)) for name in proposal.resources],
            "draft_fields": [
                {**field, "type_label": _type_label(field.get("type", ""))} for field in proposal.draft_fields
            ],
            "comment_form": forms.get("comment_form") or CommentForm(initial=fresh),
            "move_form": (
                forms.get("move_form") or MoveForm(initial=fresh, states=_choices(proposal, states))
            )
            if national
            else None,
            "withdraw_form": (forms.get("withdraw_form") or WithdrawForm(initial=fresh))
            if not national and ProposalState.WITHDRAWN in states
            else None,
            "refusal": forms.get("refusal"),
            "latest_release": latest_release() if national else None,
            "can_schedule": ProposalState.SCHEDULED in states,
            "implemented": DATA_SET_VERSION,
        },
        status=status,
    )


def _type_label(value: str) -> str:
    return str(DraftFieldType(value).label) if value in DraftFieldType.values else value


def _choices(proposal: Proposal, states) -> list[tuple[str, str]]:
    """The states it may move to; "scheduled" again said as moving it to another version."""
    again = proposal.state == ProposalState.SCHEDULED
    return [
        (
            state.value,
            _("Scheduled for another version") if again and state == state.SCHEDULED else state.label,
        )
        for state in states
    ]


def _refused(request, number, refusal: RecordError, form_name: str, form):
    """The thread again with the refusal beside the form (the service wrote the audit entry), what was typed
    kept. A stale form gets the proposal's version now, so sending it again, having read what changed, goes
    through."""
    request.audit = None
    proposal = proposal_for_page(number)
    if form is not None:
        data = form.data.copy()
        if isinstance(refusal, VersionConflict):
            data["version"] = str(proposal.version)
        if isinstance(form, MoveForm):
            form = MoveForm(data, states=_choices(proposal, next_states(proposal, request.caller)))
        else:
            form = type(form)(data)
        form.is_valid()
        form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
    return thread_page(
        request, proposal, status=status_of(refusal), refusal=refusal.message, **{form_name: form}
    )


def _back(number: int, anchor: str = ""):
    return redirect(reverse("dataset:proposal", args=[number]) + (f"#{anchor}" if anchor else ""))


@require_POST
@change_site_page
def proposal_comment(request, number):
    form = CommentForm(request.POST)
    form.is_valid()  # text fields only: the service says what is wrong
    try:
        comment = proposal_comment_add(
            caller=request.caller,
            number=number,
            body=form.cleaned_data.get("body", ""),
            version=form.cleaned_data.get("version", ""),
            language=get_language(),
            ip=audit_ip(request),
        )
    except RecordError as refusal:
        return _refused(request, number, refusal, "comment_form", form)
    request.audit = None
    messages.success(request, _("Your comment is in the thread; its followers are emailed."))
    return _back(comment.proposal_id, f"comment-{comment.pk}")


@change_site_page
def proposal_comment_change(request, number, comment):
    """Its author changes a comment (while the proposal is open: `may_edit_comment`); GET is the form."""
    if request.method != "POST":
        proposal = proposal_for_page(number)
        found = comment_of(proposal, comment)
        request.audit.add_detail(f"The form to change comment {found.pk} on #{proposal.number}.")
        refusal = may_edit_comment(request.caller, found, proposal)
        if refusal is not None:
            request.audit.status_code = status_of(refusal)
            request.audit.add_detail(f"Refused: {in_english(refusal.message)}")
            return _comment_page(request, proposal, found, None, status=status_of(refusal), refusal=refusal)
        form = CommentEditForm(initial={"body": found.body, "edits": found.edits})
        return _comment_page(request, proposal, found, form)
    form = CommentEditForm(request.POST)
    form.is_valid()  # text fields only: the service says what is wrong
    try:
        changed = proposal_comment_edit(
            caller=request.caller,
            number=number,
            comment_id=comment,
            body=form.cleaned_data.get("body", ""),
            edits=form.cleaned_data.get("edits", ""),
            ip=audit_ip(request),
        )
    except RecordError as refusal:
        request.audit = None  # the service wrote this request's entry
        proposal = proposal_for_page(number)
        found = comment_of(proposal, comment)
        if may_edit_comment(request.caller, found, proposal) is not None:
            form = None  # nothing she can change here: the refusal says why
        else:
            data = form.data.copy()
            if isinstance(refusal, VersionConflict):
                data["edits"] = str(found.edits)  # sent again, having read it, it goes through
            form = CommentEditForm(data)
            form.is_valid()
            form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        return _comment_page(request, proposal, found, form, status=status_of(refusal), refusal=refusal)
    request.audit = None
    messages.success(request, _("Your comment is changed; what it said before stays in the thread."))
    return _back(changed.proposal_id, f"comment-{changed.pk}")


def _comment_page(request, proposal, comment, form, *, status: int = 200, refusal: RecordError | None = None):
    return render(
        request,
        "dataset/proposals/comment_edit.html",
        {
            "nav": "proposals",
            "proposal": proposal,
            "comment": comment,
            "form": form,
            "refusal": refusal.message if refusal else "",
            "conflict": isinstance(refusal, VersionConflict),
        },
        status=status,
    )


@require_POST
@change_site_page
def proposal_state(request, number):
    """A state change: the national administration's move, or its proposer's withdrawal (the same service
    decides who may do which)."""
    withdrawing = "to" not in request.POST
    if withdrawing:
        form = WithdrawForm(request.POST)
        form_name = "withdraw_form"
    else:
        form = MoveForm(request.POST)
        form_name = "move_form"
    form.is_valid()
    try:
        proposal = proposal_move(
            caller=request.caller,
            number=number,
            to=ProposalState.WITHDRAWN if withdrawing else request.POST.get("to", ""),
            reason=form.cleaned_data.get("reason", ""),
            version=form.cleaned_data.get("version", ""),
            scheduled_version=form.cleaned_data.get("scheduled_version", ""),
            ip=audit_ip(request),
        )
    except RecordError as refusal:
        return _refused(request, number, refusal, form_name, form)
    request.audit = None
    messages.success(
        request,
        _("Proposal #%(number)s is now %(state)s.")
        % {"number": proposal.number, "state": proposal.get_state_display().lower()},
    )
    return _back(proposal.number, "thread")


def _yes_no(request, name: str, number):
    value = request.POST.get(name, "")
    if value not in YES_NO:
        request.audit.status_code = 400
        request.audit.add_detail(f"Refused: {name} must be yes or no, not {value[:20]!r}.")
        proposal = proposal_for_page(number)
        message = _("The form could not be read: try again from the proposal's page.")
        return None, thread_page(request, proposal, status=400, refusal=message)
    return YES_NO[value], None


@require_POST
@change_site_page
def proposal_support(request, number):
    supports, refused = _yes_no(request, "support", number)
    if refused is not None:
        return refused
    try:
        proposal = proposal_support_set(
            caller=request.caller, number=number, supports=supports, ip=audit_ip(request)
        )
    except RecordError as refusal:
        return _refused(request, number, refusal, "support_form", None)
    request.audit = None
    messages.success(request, _("You support this proposal.") if supports else _("You no longer support it."))
    return _back(proposal.number, "support")


@require_POST
@change_site_page
def proposal_follow(request, number):
    follows, refused = _yes_no(request, "follow", number)
    if refused is not None:
        return refused
    try:
        proposal = proposal_follow_set(
            caller=request.caller,
            number=number,
            follows=follows,
            language=get_language(),
            ip=audit_ip(request),
        )
    except RecordError as refusal:
        return _refused(request, number, refusal, "follow_form", None)
    request.audit = None
    messages.success(
        request,
        _("You follow this proposal: you are emailed when it is commented on or moves.")
        if follows
        else _("You no longer follow this proposal."),
    )
    return _back(proposal.number, "support")
