"""What an API view tells the audit trail. Every request under the APIs' prefixes gets one entry from
`maternity.audit.middleware.AuditMiddleware`, whatever answered it (an unknown path, a view that raised);
an API view fills in its note (`self.audit`) as it learns: the action, the record, the person, the
break-glass reason, and who acted (`self.audit.actor`, which `acting()` and the views set once built).
"""

from typing import TYPE_CHECKING

from maternity.actors import Actor
from maternity.audit.note import AuditNote
from maternity.models import UserType

from .context import request_id

if TYPE_CHECKING:  # the mixin's view, for the checker: `self.request` is DRF's Request
    from rest_framework.views import APIView as _MixedIntoAPIView
else:
    _MixedIntoAPIView = object


class AuditedViewMixin(_MixedIntoAPIView):
    audit_action: str | None = None  # default: READ for GET, HEAD and OPTIONS, WRITE otherwise

    def initial(self, request, *args, **kwargs):
        self.audit = _note_of(request._request)
        self.audit.action = self.audit_action
        self.audit.record_id = kwargs.get("record_id")
        self.audit.resource_type = getattr(self, "resource_type", "")
        super().initial(request, *args, **kwargs)

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        finally:  # answered or raised: if refused before its actor was built (bad headers), who asked
            note = getattr(self, "audit", None)
            if note is not None and note.actor is None:
                note.actor = _fallback_actor(self.request)


def _note_of(http_request) -> AuditNote:
    """The middleware's note (a test calling the view directly has none: start one)."""
    note = getattr(http_request, "audit", None)
    if note is None:
        note = http_request.audit = AuditNote()
    return note


def _fallback_actor(request) -> Actor | None:
    """Who asked, as far as we know: the client system (and the professional its user token names), else
    the signed-in professional, else nobody."""
    client = getattr(request._request, "spine_client", None)
    if client is not None:
        professional = getattr(request._request, "token_professional", None)
        if professional is not None:
            return client.actor(
                request_id=request_id(request),
                name=professional.name or client.name,
                hpr_nr=professional.hpr_nr,
            )
        return client.actor(request_id=request_id(request))
    user = request.__dict__.get("_user")  # as authenticated, not authenticating again (it may have failed)
    if user is not None and user.is_authenticated:
        return Actor(user_type=UserType.HEALTH_CARE_PROFESSIONAL, user=user, request_id=request_id(request))
    return None
