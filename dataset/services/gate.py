"""The one way in for every write of the change site: a proposal's state changes, its comments, support and
following, and releases (dataset/services).

`through_the_gate` runs the write in one transaction and writes its one audit entry after it, outside the
transaction, whether it was done or refused: a refused attempt is recorded as the review queue's are
(DENIED for who may not, REJECTED for what was wrong or stale). The write itself loads the proposal under
its row lock (`locked_proposal`) and checks every rule once; emails to followers leave after the commit.
"""

from collections.abc import Callable
from typing import TypeVar

from django.db import transaction
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from dataset.access import Caller
from dataset.models import Proposal, ProposalState
from maternity.actors import Actor
from maternity.errors import AlreadyExists, Invalid, NotAllowed, NotFound, RecordError, VersionConflict
from maternity.models import AccessAction
from maternity.rules.wording import in_english, worded
from maternity.services.audit import access_log_write, outcome_for_status

T = TypeVar("T")

RESOURCE_TYPE = "changeProposal"  # the audit trail's name for what the change site acts on
NUMBER_MOST = 2**63 - 1  # a proposal's number is a 64-bit key: anything larger is no proposal
STATUS: dict[type[RecordError], int] = {
    Invalid: 400,
    NotAllowed: 403,
    NotFound: 404,
    VersionConflict: 409,
    AlreadyExists: 409,
}
NOT_A_CALLER = _(
    "The change site is for professionals, Care Location admins and the national administration: sign in "
    "with such an account."
)


def status_of(refusal: RecordError) -> int:
    return STATUS.get(type(refusal), 400)


def actor_of(caller: Caller) -> Actor:
    """The caller as the audit trail names her: account, name, and the Care Location she speaks from."""
    return Actor(
        user_type=caller.user_type,
        user=caller.user,
        care_location=caller.location,
        name=caller.name,
        source_system="change site",
    )


def audit_write(
    *, caller: Caller | None, action: str, detail: str, status_code: int | None, ip: str | None
) -> None:
    access_log_write(
        action=action,
        outcome=outcome_for_status(status_code or 200),
        actor=actor_of(caller) if caller is not None else None,
        resource_type=RESOURCE_TYPE,
        status_code=status_code,
        detail=detail,
        ip=ip,
    )


def through_the_gate(
    work: Callable[[Caller], tuple[T, str]],
    *,
    caller: Caller | None,
    attempt: str,
    action: str = AccessAction.PROPOSAL_WRITE,
    ip: str | None = None,
) -> T:
    """Run `work(caller)` in one transaction; it returns its result and what it did, in English for the
    audit trail. `attempt` says what was tried ("Comment on proposal #12."). Nobody (`caller` None) is
    refused before anything is read. The refusal is raised again after its audit entry is written."""
    try:
        if caller is None:
            raise NotAllowed(NOT_A_CALLER, rule="not-a-caller")
        with transaction.atomic():
            result, done = work(caller)
    except RecordError as refusal:
        audit_write(
            caller=caller,
            action=action,
            detail=f"{attempt} Refused: {in_english(refusal.message)}",
            status_code=status_of(refusal),
            ip=ip,
        )
        raise
    audit_write(caller=caller, action=action, detail=f"{attempt} {done}", status_code=None, ip=ip)
    return result


def whole_number(value: object) -> int | None:
    """`value` (from a URL or a form) as a whole number, or None when it is none."""
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def key_of(value: object) -> int | None:
    """`value` as a row's key (a proposal's number, a comment's id), or None when it cannot be one."""
    number = whole_number(value)
    return number if number is not None and 0 < number <= NUMBER_MOST else None


def proposal_number(value: object) -> int:
    """A proposal's number from a URL or a form: NotFound for anything that cannot be one."""
    number = whole_number(value)
    if number is None:
        missing = worded(_("There is no change proposal %(number)s."), number=repr(str(value)[:20]))
        raise NotFound(missing)
    if key_of(number) is None:
        raise NotFound(worded(_("There is no change proposal #%(number)s."), number=str(number)[:20]))
    return number


def locked_proposal(number: object) -> Proposal:
    """The proposal, its row locked for this transaction (so its checks and writes serialise)."""
    found = Proposal.objects.select_for_update().filter(number=proposal_number(number)).first()
    if found is None:
        raise NotFound(worded(_("There is no change proposal #%(number)s."), number=str(number)[:20]))
    return found


def version_check(proposal: Proposal, version: object) -> None:
    """The form's `version` must be the proposal's: else it changed since it was opened."""
    if whole_number(version) != proposal.version:
        raise VersionConflict(
            _("This proposal changed since you opened it: read what changed in its thread, then try again."),
            field="version",
        )


def closed_refusal(proposal: Proposal, doing: str) -> NotAllowed:
    """The refusal for anything but reading and following on a proposal whose life has ended."""
    messages = {
        "comment": _("This proposal is %(state)s: its thread is closed to new comments."),
        "support": _("This proposal is %(state)s: support is counted only while a proposal is open."),
        "move": _("This proposal is %(state)s: its state no longer changes."),
        "edit": _("This proposal is %(state)s: its thread is closed, and its comments stay as they are."),
    }
    state = _lower(ProposalState(proposal.state).label)
    return NotAllowed(worded(messages[doing], state=state), field="state", rule="closed")


def state_words(state: str) -> str:
    """A state as it reads inside a sentence ("under review"), in the reader's language (lazy)."""
    return _lower(ProposalState(state).label)


_lower = lazy(lambda text: str(text).lower(), str)
