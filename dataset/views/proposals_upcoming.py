"""Upcoming changes (public: no sign-in), and releasing the version this server implements (the national
administration's: `data_set_release` decides).

The upcoming page lists what is scheduled, by data-set version (the lowest first), then what is accepted
but not yet scheduled. A national administrator also sees there the form that releases the version this
server implements, until it is released; its own page (`release/`) says what it will release first.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import ngettext

from dataset.access import change_site_caller
from dataset.forms.thread import ReleaseForm
from dataset.proposal_reads import release_preview, upcoming_changes
from dataset.services import NOT_NATIONAL, data_set_release, may_release, status_of
from dataset.services.proposal_input import latest_release
from dataset.versions import DATA_SET_VERSION
from maternity.audit.note import audit_ip
from maternity.errors import RecordError
from maternity.signin.locations import SESSION_KEY

from .proposals_wrapper import change_site_page


def upcoming(request):
    """Public: anyone reads it; nothing about a reader is looked up unless she is signed in."""
    caller = change_site_caller(request.user, chosen_location_id=request.session.get(SESSION_KEY))
    changes = upcoming_changes()
    releasing = may_release(caller) and changes.released is None
    return render(
        request,
        "dataset/upcoming.html",
        {
            "nav": "upcoming",
            "upcoming": changes,
            "implemented": DATA_SET_VERSION,
            "implemented_scheduled": any(
                version == DATA_SET_VERSION for version, _listed in changes.by_version
            ),
            "release_form": ReleaseForm(initial={"version": DATA_SET_VERSION}) if releasing else None,
            "caller": caller,
        },
    )


@change_site_page
def release(request):
    """The release of DATA_SET_VERSION: what it will release, and the form (national administration)."""
    caller = request.caller
    if request.method != "POST":
        request.audit.add_detail(f"The release page of {DATA_SET_VERSION}.")
        if not may_release(caller):
            request.audit.status_code = 403
            request.audit.add_detail("Refused: not the national administration.")
            return _page(request, None, status=403, refusal=NOT_NATIONAL)
        return _page(request, ReleaseForm(initial={"version": DATA_SET_VERSION}))
    form = ReleaseForm(request.POST)
    form.is_valid()  # text only: the service says what is wrong
    try:
        released = data_set_release(
            caller=caller,
            version=form.cleaned_data.get("version", ""),
            summary=form.cleaned_data.get("summary", ""),
            ip=audit_ip(request),
        )
    except RecordError as refusal:
        request.audit = None  # the service wrote this request's entry
        form.add_error(refusal.field if refusal.field in ("summary",) else None, refusal.message)
        return _page(
            request, form if may_release(caller) else None, status=status_of(refusal), refusal=refusal.message
        )
    request.audit = None
    count = len(released.changes)
    messages.success(
        request,
        ngettext(
            "Version %(version)s is released with %(count)s proposal; the changelog shows it.",
            "Version %(version)s is released with %(count)s proposals; the changelog shows them.",
            count,
        )
        % {"version": released.version, "count": count},
    )
    return redirect("dataset:upcoming")


def _page(request, form, *, status: int = 200, refusal: str = ""):
    return render(
        request,
        "dataset/proposals/release.html",
        {
            "nav": "upcoming",
            "form": form,
            "implemented": DATA_SET_VERSION,
            "proposals": release_preview(DATA_SET_VERSION),
            "latest_release": latest_release(),
            "refusal": refusal,
        },
        status=status,
    )
