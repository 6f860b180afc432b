"""Who is at the keyboard in the portal: a pregnant person signed in with her national ID (OpenID
Connect), linked to her Person. Every portal page is wrapped in `patient_view`, so none can forget the
checks; the view gets `request.actor` (userType PATIENT), which sees only her own records."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

from maternity.actors import Actor
from maternity.audit.note import start_audit
from maternity.errors import NotFound
from maternity.models import Person, UserType

LOGIN_URL = "portal:login"


def patient_actor(request) -> Actor | None:
    user = request.user
    if not user.is_authenticated or not Person.objects.filter(user=user).exists():
        return None
    return Actor(
        user_type=UserType.PATIENT, user=user, name=user.get_full_name(), source_system="maternity portal"
    )


def patient_view(action: str):
    """Wrap a portal page: signed in, linked to a person; one audit entry (`action`); a NotFound from the
    view (another person's record, or none) becomes the portal's "not found" page."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), LOGIN_URL)
            audit = start_audit(request, action, record_id=kwargs.get("record_id"))
            actor = patient_actor(request)
            if actor is None:
                return render(request, "portal/not_linked.html", status=403)
            request.actor = audit.actor = actor
            try:
                return view(request, *args, **kwargs)
            except NotFound:
                return render(request, "portal/not_found.html", status=404)

        return wrapped

    return decorate
