"""The hand-held notes as a PDF laid out for A4: what "Print notes" on the record page gives.

Reading the notes is reading the record: the same access check (404 for anyone who may not see it), one
audit entry as a READ that says the notes were printed, and the record loaded as the record page loads it,
so the cost does not grow with the number of visits. A server without WeasyPrint's libraries answers 503
with the reason in the audit entry. The notes are in the language of the person printing them (the language
of the page they printed from); the audit entry stays English.
"""

from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from maternity.http.pdf import html_to_pdf, pdf_response, printing_unavailable, static_text
from maternity.presentation.printed_notes import printed_notes
from maternity.reads.record_page import record_page_queryset
from maternity.reads.restrictions import page_restrictions, record_without_hidden

from ...models import AccessAction
from .record import load_record, record_view

STYLESHEET = "maternity/printed-notes.css"


@record_view(AccessAction.READ)
def notes_pdf(request, record_id):
    record = load_record(request, record_id, queryset=record_page_queryset())
    request.audit.detail = "Printed the hand-held notes (PDF)."
    unavailable = printing_unavailable()
    if unavailable is not None:
        request.audit.detail = f"Printing the hand-held notes failed: {unavailable}."
        message = _(
            "The notes cannot be printed on this server at the moment: the software that makes the PDF is "
            "missing a part. The record itself is safe. Please tell your system administrator."
        )
        return render(request, "maternity/unavailable.html", {"message": message}, status=503)
    now = timezone.now()
    seen = page_restrictions(record, request.actor)
    left_out = record_without_hidden(record, seen.hidden)  # restricted elsewhere and not opened by her
    notes = printed_notes(record, actor=request.actor, now=now)
    context = {"notes": notes, "record": record, "restricted_left_out": left_out}
    html = render_to_string("maternity/record/printed_notes.html", context)
    pdf = html_to_pdf(html, stylesheet=static_text(STYLESHEET))
    filename = f"maternity-notes-{record.pk.hex[:8]}-{timezone.localdate(now):%Y-%m-%d}.pdf"
    return pdf_response(pdf, filename=filename)
