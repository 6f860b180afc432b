"""The hand-held notes as a PDF laid out for A4: what "Print notes" on the record page gives.

Reading the notes is reading the record: the same access check (404 for anyone who may not see it), one
audit entry as a READ that says the notes were printed, and the record loaded as the record page loads it,
so the cost does not grow with the number of visits.
"""

from django.template.loader import render_to_string
from django.utils import timezone

from maternity.http.pdf import html_to_pdf, pdf_response, static_text
from maternity.presentation.printed_notes import printed_notes
from maternity.reads.record_page import record_page_queryset

from ...models import AccessAction
from .record import load_record, record_view

STYLESHEET = "maternity/printed-notes.css"


@record_view(AccessAction.READ)
def notes_pdf(request, record_id):
    record = load_record(request, record_id, queryset=record_page_queryset())
    request.audit.detail = "Printed the hand-held notes (PDF)."
    now = timezone.now()
    notes = printed_notes(record, actor=request.actor, now=now)
    html = render_to_string("maternity/record/printed_notes.html", {"notes": notes, "record": record})
    pdf = html_to_pdf(html, stylesheet=static_text(STYLESHEET))
    filename = f"maternity-notes-{record.pk.hex[:8]}-{timezone.localdate(now):%Y-%m-%d}.pdf"
    return pdf_response(pdf, filename=filename)
