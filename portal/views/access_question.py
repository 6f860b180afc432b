"""Asking about one entry of her access log (/portal/pregnancies/<id>/access-log/ask/?entry=<entry id>):
the entry as she saw it, and a box for her question, which goes to the Care Location named in the entry
(`portal/access_questions.py`). Its answer appears under her access log.

Only entries her own access log lists, of her own records: anything else is "not found". Showing the form
is audited as a read of her audit trail; asking, by the service (one WRITE entry); a refused question
(empty, too long) as the rejected write it is. What she wrote stays out of the audit trail.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from maternity.errors import Invalid, NotFound
from maternity.models import AccessAction, AccessLog, Pregnancy, RecordStatus
from maternity.reads.access import get_record_for
from maternity.reads.selectors import patient_audit_entries

from ..access_questions import RESOURCE_TYPE, access_question_ask
from ..access_words import access
from ..acting import patient_view
from ..models import QUESTION_MAX_LENGTH


def _her_entry(request, record_id) -> tuple[Pregnancy, AccessLog]:
    record = get_record_for(
        request.actor, record_id, queryset=Pregnancy.objects.exclude(status=RecordStatus.ENTERED_IN_ERROR)
    )
    request.audit.person_id = record.person_id
    try:
        entry = patient_audit_entries(record, her_user_id=request.user.pk).get(
            pk=int(request.GET.get("entry", ""))
        )
    except (ValueError, OverflowError, AccessLog.DoesNotExist):
        raise NotFound("There is no such entry in your access log.") from None
    request.audit.detail = f"Audit entry #{entry.pk}."
    return record, entry


@require_http_methods(["GET", "HEAD", "POST"])
@patient_view(AccessAction.AUDIT_READ)
def access_question(request, record_id):
    record, entry = _her_entry(request, record_id)
    error = ""
    question = ""
    if request.method == "POST":
        request.audit.action = AccessAction.WRITE
        request.audit.resource_type = RESOURCE_TYPE
        question = request.POST.get("question", "")
        try:
            access_question_ask(
                actor=request.actor, record_id=record.pk, entry_id=entry.pk, question=question
            )
        except Invalid as refusal:
            error = str(refusal.message)  # in her language, for the page
            request.audit.status_code = 400
            with translation.override("en"):  # the audit trail stays English
                request.audit.add_detail(f"Question refused: {refusal.message}")
        else:
            request.audit = None  # the service wrote the entry for this ask
            messages.success(request, _("Your question has been sent. The answer will appear here."))
            return redirect(reverse("portal:access-log", args=[record.pk]) + "#questions")
    context = {
        "record": record,
        "access": access(entry),
        "question": question,
        "error": error,
        "max_length": QUESTION_MAX_LENGTH,
    }
    return render(request, "portal/access_question.html", context, status=400 if error else 200)
