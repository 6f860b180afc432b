"""One audit entry per page view or action of the professional UI, like one per API request.

A page wrapped in `professional_view` gets `request.page_audit`; the view adds what it learns (record,
person, break-glass reason code and reason, detail). The middleware writes the entry once the response is
final, outside the work's transaction, so refused and failed attempts are recorded too: 404 and 403 as
DENIED, 400 and 409 as REJECTED.
"""

from dataclasses import dataclass

from maternity.services.audit import access_log_write, outcome_for_status


@dataclass
class PageAudit:
    action: str
    record_id: object = None
    person_id: int | None = None
    resource_type: str = ""
    reason_code: str = ""  # the break-glass reason code
    reason: str = ""
    detail: str = ""
    status_code: int | None = None  # when the page answers 200 but the action was refused (a form error)


class PageAuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        note = getattr(request, "page_audit", None)
        if note is not None and request.method != "HEAD":
            status = note.status_code or response.status_code
            access_log_write(
                action=note.action,
                outcome=outcome_for_status(status),
                actor=getattr(request, "actor", None),
                user=request.user,
                record_id=note.record_id,
                person_id=note.person_id,
                resource_type=note.resource_type,
                status_code=status,
                reason_code=note.reason_code,
                reason=note.reason,
                detail=note.detail,
                ip=request.META.get("REMOTE_ADDR") or None,
            )
        return response
