"""Writes each request's one audit entry, once its response is final.

The entry is written outside the work's transaction, so a refused or rolled-back attempt is recorded too:
404 and 403 as DENIED, other 4xx and 5xx as REJECTED, with the refusal's message from an API error body.
When the entry cannot be written (the database went away), the caller gets the 503 of an unavailable
database instead of the response: nothing is shown that the audit trail does not record.
"""

import json
import logging
import uuid

from maternity.http.server_errors import UNAVAILABLE_ERRORS, failure_response
from maternity.models import AccessAction, AccessOutcome
from maternity.services.audit import access_log_write, outcome_for_status

from .note import AuditNote, audit_ip

logger = logging.getLogger(__name__)

# Every request under these is audited, whatever answers it (docs/spine.md). Not /o/: the token endpoint
# touches no record, and the audit trail has no action for it. Pages are audited where their wrapper says.
API_PREFIXES = ("/api/maternity-record/", "/spine/")
ACTION_BY_METHOD = {"GET": AccessAction.READ, "HEAD": AccessAction.READ, "OPTIONS": AccessAction.READ}


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(API_PREFIXES):
            request.audit = AuditNote()
            request.request_id = uuid.uuid4().hex  # shared by its entry, its events and its error body
        response = self.get_response(request)  # never raises: Django has answered any exception by now
        note = getattr(request, "audit", None)
        if note is None:
            return response
        try:
            entry_write(request, note, response)
        except UNAVAILABLE_ERRORS as error:
            logger.error("Audit entry not written: answering 503, not %s (%s)", response.status_code, error)
            return failure_response(request, unavailable=True)
        return response

    def process_exception(self, request, exception):
        """A view raised: say what in its entry (not the message, which may hold anything); `handler500`
        answers."""
        note = getattr(request, "audit", None)
        if note is not None:
            note.add_detail(f"Unhandled {type(exception).__name__}.")


def entry_write(request, note: AuditNote, response) -> None:
    status = note.status_code or response.status_code
    describes_endpoint = request.method == "OPTIONS"  # no record was looked at
    access_log_write(
        action=note.action or ACTION_BY_METHOD.get(request.method, AccessAction.WRITE),
        outcome=_outcome(status, response),
        actor=note.actor,
        user=None if note.actor else _signed_in(request),  # the actor names its own account
        record_id=None if describes_endpoint else note.record_id,
        person_id=None if describes_endpoint else note.person_id,
        resource_type=note.resource_type,
        status_code=status,
        reason_code=note.reason_code,
        reason=note.reason,
        detail=" ".join(filter(None, [note.detail, _refusal(response) if status >= 400 else ""])),
        request_id=getattr(request, "request_id", ""),
        ip=audit_ip(request),
    )


def _signed_in(request):
    """The account DRF authenticated, else the session's; None when nobody is signed in."""
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _outcome(status: int, response) -> str:
    """DENIED when who was asking may not do this; REJECTED when the request itself was wrong. A missing
    resource inside a record the caller sees (DHG-0007), or an unknown path, is the caller's mistake, not a
    denial."""
    if status == 404 and _error_body(response).get("errorCode") == "DHG-0007":
        return AccessOutcome.REJECTED
    return outcome_for_status(status)


def _refusal(response) -> str:
    """The refusal's message: the record API's `errorMessage`, or a FHIR OperationOutcome's diagnostics."""
    data = _error_body(response)
    if "errorMessage" in data:
        return str(data["errorMessage"])
    issues = data.get("issue") or []
    return "; ".join(str(issue.get("diagnostics", "")) for issue in issues if isinstance(issue, dict))


def _error_body(response) -> dict:
    """An API's error body: a DRF response's data, else the JSON a plain response carries (handler500's).
    A page's HTML has none."""
    data = getattr(response, "data", None)
    if data is None and response.get("Content-Type", "").startswith(("application/json", "application/fhir")):
        try:
            data = json.loads(response.content)
        except ValueError:
            data = None
    return data if isinstance(data, dict) else {}
