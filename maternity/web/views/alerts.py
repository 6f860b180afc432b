"""The "Acknowledge" button of an alert in the record page's "Needs attention" banner: the midwife says
what was done about the alert she saw. The service checks the alert still stands about what she saw; if
the reading has changed since, nothing is written and she is told so."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ...errors import AlreadyExists, Invalid, NotAllowed, VersionConflict
from ...models import AccessAction
from ...services.alerts import RESOURCE_TYPE, alert_acknowledge
from ..acting import professional_view
from .record import load_record


@require_POST
@professional_view(AccessAction.WRITE)
def acknowledge(request, record_id):
    audit = request.audit
    audit.resource_type = RESOURCE_TYPE
    record = load_record(request, record_id)  # NotFound for a non-stakeholder: the not-found page
    back = f"{reverse('web:record', args=[record.pk])}#alerts"
    code = request.POST.get("alert_code", "")[:30]
    try:
        ack = alert_acknowledge(
            record_id=record.pk,
            alert_code=code,
            subject=request.POST.get("subject", "")[:200],
            action_taken=request.POST.get("action_taken", ""),
            actor=request.actor,
        )
    except Invalid as error:
        return _refused(request, back, 400, error.message)
    except (VersionConflict, AlreadyExists) as error:
        return _refused(request, back, 409, error.message)
    except NotAllowed as error:
        return _refused(request, back, 403, error.message)
    audit.detail = (
        f"{RESOURCE_TYPE} {ack.pk} version {ack.version}: alert {ack.alert_code} about {ack.subject}"
    )
    messages.success(request, _("Alert acknowledged. What was done is kept in the record's history."))
    return redirect(back)


def _refused(request, back: str, status: int, message: str):
    """Back to the banner, with the reason; audited with the refusal's status."""
    request.audit.status_code = status
    request.audit.detail = message
    messages.error(request, message)
    return redirect(back)
