"""The change site's write path (dataset/): proposing a change to the data set, moving it through its
states, its thread (comments, support, following) and releasing a version. Each public function is one
write through the gate (gate.py): one transaction that checks every rule once under the proposal's row
lock, saves versions with who and when, writes its audit entry whether done or refused, and emails the
followers after the commit. Pages call these; they hold no rules."""

from .gate import RESOURCE_TYPE, proposal_number, status_of
from .proposals import proposal_create, proposal_move
from .releases import NOT_NATIONAL, data_set_release, may_release
from .thread import (
    comment_of,
    may_edit_comment,
    proposal_comment_add,
    proposal_comment_edit,
    proposal_follow_set,
    proposal_support_set,
)
from .transitions import may_move, next_states

__all__ = [
    "NOT_NATIONAL",
    "RESOURCE_TYPE",
    "comment_of",
    "data_set_release",
    "may_edit_comment",
    "may_move",
    "may_release",
    "next_states",
    "proposal_comment_add",
    "proposal_comment_edit",
    "proposal_create",
    "proposal_follow_set",
    "proposal_move",
    "proposal_number",
    "proposal_support_set",
    "status_of",
]
