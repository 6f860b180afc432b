"""What a request is about, for its one audit entry.

Every request that touches a record carries one `AuditNote` as `request.audit`:
- under the APIs' prefixes the middleware starts it, so a request no view answers is still audited;
- a page starts it in its wrapper (`professional_view`, `patient_view`) or, in the admin, in the view.
The code fills it in as it learns: the record, the person, the break-glass reason, who acted. A page that
turns out to touch nothing (an empty search form) sets `request.audit = None`.
"""

from dataclasses import dataclass
from uuid import UUID

from maternity.actors import Actor
from maternity.rules.wording import in_english


@dataclass
class AuditNote:
    action: str | None = None  # None: READ for GET, HEAD and OPTIONS, WRITE otherwise
    record_id: UUID | str | None = None  # as the URL or the view found it
    person_id: int | None = None
    resource_type: str = ""
    reason_code: str = ""  # the break-glass reason code
    reason: str = ""
    detail: str = ""
    status_code: int | None = None  # when the page answers 200 but the action was refused (a form error)
    actor: Actor | None = None  # who acted, once known; else the entry names the signed-in account

    def __setattr__(self, name, value) -> None:
        """The audit trail is in English: a refusal's message, worded in the page's language where it is
        shown (`maternity.rules.wording`), is kept here in English."""
        super().__setattr__(name, in_english(value))

    def add_detail(self, text: str) -> None:
        self.detail = " ".join(filter(None, [self.detail, in_english(text)]))


def audit_ip(request) -> str | None:
    """The address an audit entry records for `request` (every caller's, the same way)."""
    return request.META.get("REMOTE_ADDR") or None


def start_audit(request, action: str | None = None, **about) -> AuditNote:
    """This request's note, begun now (a page's wrapper, an admin view)."""
    request.audit = AuditNote(action=action, **about)
    return request.audit
