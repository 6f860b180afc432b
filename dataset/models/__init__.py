from .proposals import (
    CallerKind,
    DraftFieldType,
    Proposal,
    ProposalComment,
    ProposalFollow,
    ProposalState,
    ProposalSupport,
    ProposalTransition,
)
from .releases import DataSetRelease

__all__ = [
    "CallerKind",
    "DataSetRelease",
    "DraftFieldType",
    "Proposal",
    "ProposalComment",
    "ProposalFollow",
    "ProposalState",
    "ProposalSupport",
    "ProposalTransition",
]
