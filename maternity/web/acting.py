"""Who is at the keyboard: a signed-in professional acting for one of her Care Locations.

Every page of the professional UI is wrapped in `professional_view`, so none can forget the checks: signed
in, a practitioner, a Care Location chosen (else she is sent to choose one). A regional viewer who is not
a practitioner at any location is sent to her regions instead (maternity/web/regional.py). The view gets
`request.actor`, the same Actor the services take from the API. A NotFound raised by the view (e.g. from
`access.get_record_for`) becomes the "not found" page, as for a record that does not exist.
"""

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse

from maternity.audit.note import start_audit
from maternity.signin.locations import locations_of, signed_in_professional
from maternity.signin.regions import remember_regions

from ..errors import NotFound
from ..models import Practitioner


def professional_view(action: str):
    """Wrap a page: sign-in, practitioner and Care Location checks, and its audit entry (`action`, with
    whatever the view adds to `request.audit`)."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            audit = start_audit(request, action, record_id=kwargs.get("record_id"))
            if not Practitioner.objects.filter(user=request.user).exists():
                if remember_regions(request, request.user):  # a regional viewer: her pages are there
                    return redirect("web:regions")
                return render(request, "maternity/not_a_professional.html", status=403)
            actor = signed_in_professional(request)
            if actor is None:
                if not locations_of(request.user):
                    if remember_regions(request, request.user):
                        return redirect("web:regions")
                    return render(request, "maternity/no_location.html", status=403)
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('web:choose-location')}?{query}")
            request.actor = audit.actor = actor
            try:
                return view(request, *args, **kwargs)
            except NotFound as error:  # absent or not visible: the same page, never a hint
                return render(request, "maternity/not_found.html", {"message": error.message}, status=404)

        return wrapped

    return decorate
