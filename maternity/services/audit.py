"""Writing the audit trail. Callers write one entry per request or page action, after the work is done (or
refused), outside the work's transaction, so a refused or rolled-back attempt is still recorded. The database
links each entry into the trail's hash chain as it is inserted (maternity/database/audit_chain.py), in that
same one statement: nothing here computes a hash."""

from uuid import UUID

from django.contrib.auth.models import AnonymousUser, User

from maternity.database.compiled_queries import CompiledInsert
from maternity.rules.wording import in_english

from ..actors import Actor
from ..models import AccessLog, AccessOutcome

_INSERT = CompiledInsert(AccessLog)  # one entry per request: the INSERT is compiled once


def outcome_for_status(status_code: int) -> str:
    if status_code < 400:
        return AccessOutcome.ALLOWED
    if status_code in (401, 403, 404):
        return AccessOutcome.DENIED
    return AccessOutcome.REJECTED


def access_log_write(
    *,
    action: str,
    outcome: str,
    actor: Actor | None = None,
    user: User | AnonymousUser | None = None,
    record_id: UUID | str | None = None,
    person_id: int | None = None,
    resource_type: str = "",
    status_code: int | None = None,
    reason_code: str = "",
    reason: str = "",
    detail: str = "",
    request_id: str = "",
    ip: str | None = None,
) -> AccessLog:
    """Append one audit entry. `actor` says who acted; without one (an anonymous or unidentified caller)
    `user` may still name the account that tried."""
    user = actor.user if actor else user
    if isinstance(user, AnonymousUser):  # not signed in: no account to name
        user = None
    location = actor.care_location if actor else None
    entry = AccessLog(
        action=action,
        outcome=outcome,
        status_code=status_code,
        record_id=_uuid_or_none(record_id),
        person_id=person_id,
        resource_type=_text(resource_type)[:40],
        user_type=actor.user_type if actor else "",
        user=user,
        username=user.get_username() if user else "",
        care_location=location,
        org_nr=location.org_nr if location else "",
        org_name=location.name if location else "",
        client_id=actor.client_id if actor else "",
        acting_user_name=_text(actor.name if actor else "")[:200],  # kept when the account is gone
        acting_user_id=_text(actor.hpr_nr if actor else "")[:40],
        source_system=_text(actor.source_system if actor else ""),
        reason_code=_text(reason_code)[:40],
        reason=_text(reason),
        detail=_text(detail)[:2000],
        request_id=(actor.request_id if actor else "") or request_id,
        client_event_id=_text(actor.client_event_id if actor else ""),
        ip=ip,
    )
    _INSERT.save(entry)
    return entry


def _text(value: str) -> str:
    """Text as PostgreSQL can store it: a NUL character (which a caller may put in a header, or in a field
    name that the refusal message quotes) becomes U+FFFD, so the entry is written and shows where it was.
    A refusal's message (`maternity.rules.wording`) is written in English, whatever the page's language."""
    return str(in_english(value)).replace("\x00", "\ufffd")


def _uuid_or_none(value: object) -> UUID | None:
    """A record id from a URL may be anything; only a real UUID is kept as a reference."""
    if value is None or isinstance(value, UUID):
        return value
    try:
        return UUID(str(value))
    except ValueError:
        return None
