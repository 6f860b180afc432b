"""Who is at the keyboard: a signed-in professional acting for one of her Care Locations.

Every page of the professional UI is wrapped in `professional_view`, so none can forget the checks: signed
in, a practitioner, a Care Location chosen (else she is sent to choose one). The view gets
`request.actor`, the same Actor the services take from the API. A NotFound raised by the view (e.g. from
`access.get_record_for`) becomes the "not found" page, as for a record that does not exist.
"""

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse

from ..actors import Actor
from ..errors import NotFound
from ..locations import SESSION_KEY, acting_location, locations_of
from ..models import Practitioner, UserType
from .audit import PageAudit


def web_actor(request) -> Actor | None:
    """The Actor for the signed-in professional, or None when she has no practitioner profile or has
    not chosen a Care Location (with more than one to choose from)."""
    user = request.user
    if not user.is_authenticated:
        return None
    practitioner = Practitioner.objects.filter(user=user).first()
    location = acting_location(user, request.session.get(SESSION_KEY))
    if practitioner is None or location is None:
        return None
    return Actor(
        user_type=UserType.HEALTH_CARE_PROFESSIONAL,
        user=user,
        care_location=location,
        name=practitioner.display_name,
        hpr_nr=practitioner.hpr_nr,
        hpr_role=practitioner.role_code,
        source_system="maternity web",
    )


def professional_view(action: str):
    """Wrap a page: sign-in, practitioner and Care Location checks, and its audit entry (`action`, with
    whatever the view adds to `request.page_audit`)."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            request.page_audit = PageAudit(action=action, record_id=kwargs.get("record_id"))
            if not Practitioner.objects.filter(user=request.user).exists():
                return render(request, "maternity/not_a_professional.html", status=403)
            actor = web_actor(request)
            if actor is None:
                if not locations_of(request.user):
                    return render(request, "maternity/no_location.html", status=403)
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('web:choose-location')}?{query}")
            request.actor = actor
            try:
                return view(request, *args, **kwargs)
            except NotFound as error:  # absent or not visible: the same page, never a hint
                return render(request, "maternity/not_found.html", {"message": error.message}, status=404)

        return wrapped

    return decorate
