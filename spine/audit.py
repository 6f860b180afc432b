"""One audit entry per API request, allowed or refused (the record API, the FHIR operations, /spine/v1/).

Views say what the request is about as they learn it (`self.audit`: action, record, person, reason); the
entry is written when the response is final, outside the work's transaction, so a refused or rolled-back
attempt is recorded too, with the refusal's message. When the entry cannot be written (the database went
away), the caller gets the 503 of an unavailable database instead of the response: nothing is shown that
the audit trail does not record.

`ApiAuditMiddleware` keeps the promise for every request under the APIs' prefixes, whatever became of it:
a request that no audited view answered (an unknown path, or a view that raised and was answered 500 by
`handler500`) gets its entry there, so no view can forget it. The request is marked once its entry is
taken care of, so none gets two.
"""

import json
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

from maternity.actors import Actor
from maternity.http import server_errors
from maternity.models import AccessAction, AccessOutcome, UserType
from maternity.services import access_log_write
from maternity.services.audit import outcome_for_status

from .context import request_id
from .errors import UNAVAILABLE_ERRORS

if TYPE_CHECKING:  # the mixin's view, for the checker: `self.request` is DRF's Request
    from rest_framework.views import APIView as _MixedIntoAPIView
else:
    _MixedIntoAPIView = object

logger = logging.getLogger(__name__)

# Every request under these is audited (docs/spine.md). Not /o/: the token endpoint touches no record, and
# the audit trail has no action for it.
API_PREFIXES = ("/api/maternity-record/", "/spine/")
ACTION_BY_METHOD: dict[str | None, str] = {  # by request.method
    "GET": AccessAction.READ,
    "HEAD": AccessAction.READ,
    "OPTIONS": AccessAction.READ,
}


@dataclass
class AuditNote:
    action: str | None = None
    record_id: UUID | str | None = None  # as the URL or the view found it
    person_id: int | None = None
    resource_type: str = ""
    reason_code: str = ""  # the break-glass reason code
    reason: str = ""
    detail: str = ""


class AuditedViewMixin(_MixedIntoAPIView):
    """For DRF views: call `self.acting()` for the actor (cached, so the entry names the same one)."""

    audit_action: str | None = None  # default: READ for GET, WRITE otherwise

    def initial(self, request, *args, **kwargs):
        self.audit = AuditNote(
            record_id=kwargs.get("record_id"), resource_type=getattr(self, "resource_type", "")
        )
        self._actor = None
        request._request.audited_view = self  # if this view never answers (it raised), the middleware asks
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        try:
            self.write_audit(response)
        except UNAVAILABLE_ERRORS as error:
            if response.status_code != 503:  # (a 503 already says the database is unavailable)
                logger.error(
                    "Audit entry not written: answering 503, not %s (%s)", response.status_code, error
                )
                response = self.get_exception_handler()(error, self.get_exception_handler_context())
        return super().finalize_response(request, response, *args, **kwargs)

    def write_audit(self, response, *, detail: str = "") -> None:
        """This request's one entry, from what the view learnt and the response it ended with."""
        request = self.request
        # taken care of, even if the write fails: never a second try (the middleware reads this attribute of
        # ours, which the stubs do not know)
        request._request.audited = True  # type: ignore[attr-defined]
        note = getattr(self, "audit", None) or AuditNote(record_id=self.kwargs.get("record_id"))
        status = response.status_code
        action = note.action or self.audit_action or ACTION_BY_METHOD.get(request.method, AccessAction.WRITE)
        refusal = _error_message(response) if status >= 400 else ""
        options = request.method == "OPTIONS"  # describes the endpoint: no record was looked at
        access_log_write(
            action=action,
            outcome=_outcome(response),
            actor=self._actor or _fallback_actor(request),
            user=_known_user(request),
            record_id=None if options else note.record_id,
            person_id=None if options else note.person_id,
            resource_type=note.resource_type,
            status_code=status,
            reason_code=note.reason_code,
            reason=note.reason,
            detail=" ".join(filter(None, [note.detail, detail, refusal])),
            request_id=request_id(request),
            ip=request.META.get("REMOTE_ADDR") or None,
        )


class ApiAuditMiddleware:
    """Writes the entry of any request under the APIs' prefixes that did not get one from its view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(API_PREFIXES):
            return self.get_response(request)
        response = self.get_response(request)  # never raises: Django has answered any exception by now
        if getattr(request, "audited", False):
            return response
        try:
            _write_unaudited(request, response)
        except UNAVAILABLE_ERRORS as error:
            logger.error("Audit entry not written: answering 503, not %s (%s)", response.status_code, error)
            return server_errors.failure_response(request, unavailable=True)
        return response

    def process_exception(self, request, exception):
        """A view raised: note what, for its entry; `handler500` answers."""
        request.audit_exception = exception


def _write_unaudited(request, response) -> None:
    request.audited = True
    exception = getattr(request, "audit_exception", None)
    detail = f"Unhandled {type(exception).__name__}." if exception is not None else ""
    view = getattr(request, "audited_view", None)
    if view is not None:  # an audited view that raised: it knows the action, the record, the person
        view.write_audit(response, detail=detail)
        return
    client = getattr(request, "spine_client", None)
    access_log_write(
        action=ACTION_BY_METHOD.get(request.method, AccessAction.WRITE),
        outcome=_outcome(response),
        actor=client.actor(request_id=request_id(request)) if client is not None else None,
        user=_session_user(request),
        status_code=response.status_code,
        detail=" ".join(filter(None, [detail, _error_message(response)])),
        request_id=request_id(request),
        ip=request.META.get("REMOTE_ADDR") or None,
    )


def _outcome(response) -> str:
    """DENIED when who was asking may not do this; REJECTED when the request itself was wrong. A missing
    resource inside a record the caller sees (DHG-0007), or an unknown path, is the caller's mistake, not a
    denial."""
    if response.status_code == 404 and _body(response).get("errorCode") == "DHG-0007":
        return AccessOutcome.REJECTED
    return outcome_for_status(response.status_code)


def _body(response) -> dict:
    """The error body: a DRF response's data, else the JSON a plain response carries (handler500's)."""
    data = getattr(response, "data", None)
    if data is None and response.get("Content-Type", "").startswith(("application/json", "application/fhir")):
        try:
            data = json.loads(response.content)
        except ValueError:
            data = None
    return data if isinstance(data, dict) else {}


def _error_message(response) -> str:
    data = _body(response)
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


def _session_user(request):
    """Who is signed in, for a request no API view authenticated: the user DRF set, else the session's."""
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None
