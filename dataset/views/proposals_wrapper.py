"""Who is at the keyboard on the change site's signed-in pages (the proposals, their threads, releasing).

Every such page is wrapped in `change_site_page`, so none can forget the checks: signed in (else sent to
sign in), and a caller of the change site (dataset/access.py; else a 403 page that says who may use it).
The view gets `request.caller`. Every request is audited, allowed or refused: a page read as
PROPOSAL_READ, anything else as PROPOSAL_WRITE, with what the view adds to `request.audit`; a write the
services took writes its own entry (the view then sets `request.audit = None`). A NotFound raised by the
view becomes the "not found" page.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

from dataset.access import change_site_caller
from dataset.services import RESOURCE_TYPE
from dataset.services.gate import actor_of
from maternity.audit.note import start_audit
from maternity.errors import NotFound
from maternity.models import AccessAction
from maternity.rules.wording import in_english
from maternity.signin.locations import SESSION_KEY


def change_site_page(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        reading = request.method in ("GET", "HEAD")
        audit = start_audit(
            request,
            AccessAction.PROPOSAL_READ if reading else AccessAction.PROPOSAL_WRITE,
            resource_type=RESOURCE_TYPE,
            detail=f"{request.method} {request.path[:200]}.",
        )
        if not request.user.is_authenticated:
            audit.status_code = 401
            audit.add_detail("Not signed in: sent to sign in.")
            return redirect_to_login(request.get_full_path())
        caller = change_site_caller(request.user, chosen_location_id=request.session.get(SESSION_KEY))
        if caller is None:
            audit.add_detail(
                "Refused: not a professional, a Care Location admin or a national administrator."
            )
            return render(request, "dataset/proposals/not_allowed.html", status=403)
        request.caller = caller
        audit.actor = actor_of(caller)
        try:
            return view(request, *args, **kwargs)
        except NotFound as error:
            audit.status_code = 404
            audit.add_detail(f"Refused: {in_english(error.message)}")
            return render(request, "dataset/proposals/not_found.html", {"message": error.message}, status=404)

    return wrapped
