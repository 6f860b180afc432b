"""Her email choices (/portal/notifications/): whether to be told by email when someone breaks the glass to
open her record and when her midwife reads her birth plan, and the address to tell. Off until she turns it on.

Showing the page is audited as a read of her choices; saving, as a write (what she turned on or off, not
the address); a refused save (an address that is not one) as the rejected write it is, with nothing saved.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from maternity.errors import Invalid
from maternity.models import AccessAction

from ..acting import patient_view
from ..notifications import RESOURCE_TYPE, notification_preference_save, preference_for


def _on_off(value: bool) -> str:
    return "on" if value else "off"


@require_http_methods(["GET", "HEAD", "POST"])
@patient_view(AccessAction.READ)
def notifications(request):
    person = request.user.person
    request.audit.person_id = person.pk
    request.audit.resource_type = RESOURCE_TYPE
    preference = preference_for(person)
    error = ""
    if request.method == "POST":
        request.audit.action = AccessAction.WRITE
        preference.email = request.POST.get("email", "").strip()
        preference.on_break_glass = request.POST.get("on_break_glass") == "on"
        preference.on_birth_plan_read = request.POST.get("on_birth_plan_read") == "on"
        choices = (
            f"Email when someone breaks the glass: {_on_off(preference.on_break_glass)}; "
            f"when the birth plan is read: {_on_off(preference.on_birth_plan_read)}."
        )
        try:
            notification_preference_save(
                person=person,
                user=request.user,
                email=preference.email,
                on_break_glass=preference.on_break_glass,
                on_birth_plan_read=preference.on_birth_plan_read,
                language=translation.get_language(),
            )
        except Invalid as refusal:
            error = str(refusal.message)  # in her language, for the page
            request.audit.status_code = 400
            with translation.override("en"):  # the audit trail stays English
                request.audit.add_detail(f"Email choices refused: {refusal.message}")
        else:
            request.audit.add_detail(choices)
            messages.success(request, _("Your email choices are saved."))
            return redirect("portal:notifications")
    context = {"preference": preference, "error": error}
    return render(request, "portal/notifications.html", context, status=400 if error else 200)
