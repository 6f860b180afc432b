"""The "Mark as read" button of the birth plan section: a professional of a stakeholder location says she
has read the version of the plan the record page showed her. The pregnant person sees who and when in her
portal. A plan changed since the page was opened is refused: she must read the new version first."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from maternity.rules.wording import in_english

from ... import services
from ...errors import NotAllowed, ResourceNotFound, VersionConflict
from ...models import AccessAction
from ..acting import professional_view
from .record import load_record, not_found

RESOURCE_TYPE = "birthPlan"


@require_POST
@professional_view(AccessAction.WRITE)
def birth_plan_read(request, record_id):
    audit = request.audit
    audit.resource_type = RESOURCE_TYPE
    record = load_record(request, record_id)  # NotFound for a non-stakeholder: the not-found page
    back = f"{reverse('web:record', args=[record.pk])}#section-{RESOURCE_TYPE}"
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        return _refused(
            request, back, 400, gettext_lazy("The page did not say which version you read: read it again.")
        )
    try:
        plan = services.birth_plan_acknowledge(record_id=record.pk, version=version, actor=request.actor)
    except VersionConflict:
        return _refused(
            request,
            back,
            409,
            gettext_lazy(
                "She has changed her birth plan since you opened the page, so it was not marked as read. The "
                "new version is shown below: read it, then mark it as read."
            ),
        )
    except ResourceNotFound as error:
        audit.detail = error.message
        return not_found(request, error.message)
    except NotAllowed as error:
        return _refused(request, back, 403, error.message)
    audit.detail = f"{RESOURCE_TYPE} version {plan.version} marked as read"
    messages.success(
        request, _("Birth plan marked as read. She can see in her portal that you have read it.")
    )
    return redirect(back)


def _refused(request, back: str, status: int, message):
    """Back to the section, with the reason in her language; audited, in English, with the refusal's
    status."""
    request.audit.status_code = status
    request.audit.detail = in_english(message)
    messages.error(request, str(message))
    return redirect(back)
