"""Finding a pregnancy by its keys: national ID, date of birth and due date, with a break-glass reason (a
code from a short list and a sentence)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from maternity.http import rate_limits

from ... import services
from ...errors import NotAllowed, NotFound, RecordError
from ...models import AccessAction
from ...services.finding import MAX_REASON, NO_MATCH
from ..acting import professional_view
from ..forms.finding import REASON_FIELDS, FindForm
from .refusal_detail import refused_detail


def _page(request, form: FindForm, *, status: int = 200, no_match: bool = False, wait_minutes: int = 0):
    context = {"nav": "find", "form": form, "no_match": no_match, "wait_minutes": wait_minutes}
    return render(request, "maternity/find.html", context, status=status)


def _too_many(request, form: FindForm, attempt):
    """Over the break-glass limit: nothing is looked up; the refusal is audited (REJECTED, 429)."""
    attempt.log_refusal(request, "finds by keys")
    request.audit.status_code = 429
    request.audit.detail = (
        f"Refused: too many finds by keys in a short time (rate limit); retry after {attempt.retry_after} s."
    )
    response = _page(request, form, status=429, wait_minutes=attempt.retry_after_minutes)
    response["Retry-After"] = str(attempt.retry_after)
    return response


@professional_view(AccessAction.FIND)
def find(request):
    """On a match, to the record. A professional who could not see it yet becomes a stakeholder of it
    herself (break glass: her colleagues do not get access through her), and her reason goes into the
    record (the pregnant person sees it). No match says only that. The reason is audited either way. Finds
    are rate-limited per person (maternity/http/rate_limits.py): over the limit nothing is looked up."""
    if request.method != "POST":
        request.audit = None  # an empty form: nobody looked for anyone
        return _page(request, FindForm())
    audit = request.audit
    form = FindForm(request.POST)
    audit.reason_code = (request.POST.get("reason_code") or "").strip()[:40]
    audit.reason = (request.POST.get("reason") or "").strip()[:MAX_REASON]
    if not form.is_valid():
        audit.status_code = 400
        audit.detail = f"Refused: invalid {', '.join(form.errors)}."
        return _page(request, form, status=400)
    attempt = rate_limits.break_glass_attempt(request.actor)
    if attempt.refused:
        return _too_many(request, form, attempt)
    try:
        found = services.record_find_by_keys(
            keys=form.keys(),
            reason_code=form.cleaned_data["reason_code"],
            reason=form.cleaned_data["reason"],
            actor=request.actor,
        )
    except NotFound:
        with translation.override("en"):  # the audit trail is in English
            audit.status_code, audit.detail = 404, str(NO_MATCH)
        return _page(request, form, status=404, no_match=True)
    except RecordError as error:
        audit.status_code = 403 if isinstance(error, NotAllowed) else 400
        audit.detail = refused_detail(error)
        form.add_error(REASON_FIELDS.get(error.field or ""), error.message)
        return _page(request, form, status=audit.status_code)
    record = found.record
    audit.record_id, audit.person_id = record.pk, record.person_id
    if found.broke_glass:
        audit.action = AccessAction.BREAK_GLASS
        audit.detail = "Broke glass: became a stakeholder of the record."
        messages.warning(
            request,
            _(
                "You broke glass: you can now see this record (your colleagues cannot through you). Your "
                "reason is written in the record and in the audit trail, and she can read it."
            ),
        )
    else:
        audit.detail = "Found by its keys; could already see it."
        messages.info(request, _("You could already see this record."))
    return redirect(reverse("web:record", args=[record.pk]))
