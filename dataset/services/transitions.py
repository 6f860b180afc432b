"""Which way a proposal's state may move, and who may move it (docs/change-proposals.md).

The national administration moves a proposal, each step with a reason:
    proposed -> under review -> accepted -> scheduled (for a data-set version)
    scheduled -> scheduled (another version) or -> accepted (unscheduled)
    proposed, under review, accepted or scheduled -> declined
Its proposer (or the national administration) may withdraw it from any open state. Released is reached only
by releasing the version it is scheduled for (dataset/services/releases.py). Released, declined and
withdrawn are final.
"""

from dataset.access import Caller
from dataset.models import Proposal, ProposalState

S = ProposalState
NATIONAL_MOVES: dict[str, tuple[ProposalState, ...]] = {
    S.PROPOSED: (S.UNDER_REVIEW, S.DECLINED, S.WITHDRAWN),
    S.UNDER_REVIEW: (S.ACCEPTED, S.DECLINED, S.WITHDRAWN),
    S.ACCEPTED: (S.SCHEDULED, S.DECLINED, S.WITHDRAWN),
    S.SCHEDULED: (S.SCHEDULED, S.ACCEPTED, S.DECLINED, S.WITHDRAWN),
}


def may_move(proposal: Proposal, caller: Caller | None) -> bool:
    """Whether `caller` may change this proposal's state at all: the national administration, or its
    proposer (to withdraw it)."""
    return caller is not None and (caller.is_national or is_proposer(proposal, caller))


def is_proposer(proposal: Proposal, caller: Caller) -> bool:
    return proposal.proposed_by_id is not None and proposal.proposed_by_id == caller.user.pk


def next_states(proposal: Proposal, caller: Caller | None) -> tuple[ProposalState, ...]:
    """Where `caller` may move the proposal from its state now (nothing once it is final)."""
    if caller is None or not proposal.is_open:
        return ()
    if caller.is_national:
        return NATIONAL_MOVES[proposal.state]
    if is_proposer(proposal, caller):
        return (S.WITHDRAWN,)
    return ()
