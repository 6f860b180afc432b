"""One audit entry per API request, allowed or refused (the record API and the FHIR operations).

Views say what the request is about as they learn it (`self.audit`: action, record, person, reason); the
entry is written when the response is final, outside the work's transaction, so a refused or rolled-back
attempt is recorded too, with the refusal's message. When the entry cannot be written (the database went
away), the caller gets the 503 of an unavailable database instead of the response: nothing is shown that
the audit trail does not record.
"""

import logging
from dataclasses import dataclass

from maternity.actors import Actor
from maternity.models import AccessAction, AccessOutcome, UserType
from maternity.services import access_log_write
from maternity.services.audit import outcome_for_status

from .context import request_id
from .errors import UNAVAILABLE_ERRORS

logger = logging.getLogger(__name__)

ACTION_BY_METHOD = {"GET": AccessAction.READ, "HEAD": AccessAction.READ}


@dataclass
class AuditNote:
    action: str | None = None
    record_id: object = None
    person_id: int | None = None
    resource_type: str = ""
    reason: str = ""
    detail: str = ""


class AuditedViewMixin:
    """For DRF views: call `self.acting()` for the actor (cached, so the entry names the same one)."""

    audit_action: str | None = None  # default: READ for GET, WRITE otherwise

    def initial(self, request, *args, **kwargs):
        self.audit = AuditNote(
            record_id=kwargs.get("record_id"), resource_type=getattr(self, "resource_type", "")
        )
        self._actor = None
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        if request.method != "OPTIONS":
            try:
                self._write_audit(request, response)
            except UNAVAILABLE_ERRORS as error:
                if response.status_code != 503:  # (a 503 already says the database is unavailable)
                    logger.error(
                        "Audit entry not written: answering 503, not %s (%s)", response.status_code, error
                    )
                    response = self.get_exception_handler()(error, self.get_exception_handler_context())
        return super().finalize_response(request, response, *args, **kwargs)

    def _write_audit(self, request, response) -> None:
        note = getattr(self, "audit", None) or AuditNote(record_id=self.kwargs.get("record_id"))
        status = response.status_code
        action = note.action or self.audit_action or ACTION_BY_METHOD.get(request.method, AccessAction.WRITE)
        detail = note.detail
        if status >= 400:
            detail = " ".join(filter(None, [detail, _error_message(response)]))
        access_log_write(
            action=action,
            outcome=_outcome(response),
            actor=self._actor or _fallback_actor(request),
            user=_known_user(request),
            record_id=note.record_id,
            person_id=note.person_id,
            resource_type=note.resource_type,
            status_code=status,
            reason=note.reason,
            detail=detail,
            request_id=request_id(request),
            ip=request.META.get("REMOTE_ADDR") or None,
        )


def _outcome(response) -> str:
    """DENIED when who was asking may not do this; REJECTED when the request itself was wrong. A missing
    resource inside a record the caller sees (DHG-0007) is the caller's mistake, not a denial."""
    data = getattr(response, "data", None)
    if response.status_code == 404 and isinstance(data, dict) and data.get("errorCode") == "DHG-0007":
        return AccessOutcome.REJECTED
    return outcome_for_status(response.status_code)


def _error_message(response) -> str:
    data = getattr(response, "data", None)
    if not isinstance(data, dict):
        return ""
    if "errorMessage" in data:
        return str(data["errorMessage"])
    issues = data.get("issue") or []
    return "; ".join(str(issue.get("diagnostics", "")) for issue in issues if isinstance(issue, dict))


def _fallback_actor(request) -> Actor | None:
    """Who asked, as far as we know, when the request failed before its actor was built (bad headers,
    no Care Location chosen) or was anonymous (None)."""
    client = getattr(request, "spine_client", None)
    if client is not None:
        return client.actor(request_id=request_id(request))
    user = _known_user(request)
    if user is not None and user.is_authenticated:
        return Actor(user_type=UserType.HEALTH_CARE_PROFESSIONAL, user=user, request_id=request_id(request))
    return None


def _known_user(request):
    """The authenticated user, without authenticating again (it may be what failed)."""
    return request.__dict__.get("_user")
