"""Who is at the keyboard on a region's pages: a signed-in viewer of that region, or a superuser.

Every regional page is wrapped in `regional_view`, so none can forget the checks: signed in (else sent to
sign in), and allowed to read that region (else the region is "not found", as a record is to a
non-stakeholder: nobody learns which regions exist). A viewer need not be a practitioner nor belong to any
Care Location. The view gets `request.region`.

Each page is audited like a location's reports page (action LIST, whatever its outcome): the entry names
who (the signed-in account) and, in its detail, which region, by name and code.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

from maternity.audit.note import start_audit
from maternity.reads.regional import region_for

from ..errors import NotFound
from ..models import AccessAction


def regional_view(view):
    @wraps(view)
    def wrapped(request, code: str, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        audit = start_audit(request, AccessAction.LIST)
        audit.detail = f"Regional page of region code {code[:40]!r}."
        try:
            request.region = region_for(request.user, code)
        except NotFound as error:
            return render(request, "maternity/regions/not_found.html", {"message": error.message}, status=404)
        return view(request, *args, **kwargs)

    return wrapped
