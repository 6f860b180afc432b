"""Followers of a change proposal are told by email of a new comment and of every state change, its release
included; never of their own (docs/change-proposals.md).

The services call `followers_tell` inside their transaction; the emails leave after it commits (a write
rolled back sends nothing), one to each follower, each in the language of the page she followed it from.
A mail server that is down or refuses is logged as a warning: it never fails or undoes the write. The email
names the proposal, what happened and who did it, the comment or the reason, and the thread's address
(SITE_PUBLIC_URL). A proposal is not clinical data: it names no pregnant person.
"""

import logging
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from .models import Proposal, ProposalFollow, ProposalState

logger = logging.getLogger(__name__)

SUBJECT_TITLE_MOST = 100  # characters of the title in a subject line


@dataclass(frozen=True)
class Happening:
    """What happened to a proposal: a comment, or a move from one state to another (with the version it
    is scheduled for or released in)."""

    by_name: str
    text: str  # the comment, or the reason for the move
    to_state: str = ""  # empty: a comment
    from_state: str = ""
    version: str = ""

    @property
    def is_comment(self) -> bool:
        return not self.to_state


def thread_url(proposal: Proposal) -> str:
    return settings.SITE_PUBLIC_URL + reverse("dataset:proposal", args=[proposal.number])


def message_for(proposal: Proposal, happening: Happening) -> tuple[str, str]:
    """The subject and body, in the active language (`followers_tell` activates each follower's)."""
    words = {
        "number": proposal.number,
        "title": Truncator(proposal.title).chars(SUBJECT_TITLE_MOST),
        "version": happening.version,
    }
    if happening.is_comment:
        subject = _("New comment on change proposal #%(number)s: %(title)s") % words
    elif happening.to_state == ProposalState.RELEASED:
        subject = _("Change proposal #%(number)s released in version %(version)s: %(title)s") % words
    elif happening.to_state == ProposalState.SCHEDULED:
        subject = _("Change proposal #%(number)s scheduled for version %(version)s: %(title)s") % words
    else:
        state = str(ProposalState(happening.to_state).label).lower()
        subject = _("Change proposal #%(number)s is now %(state)s: %(title)s") % {**words, "state": state}
    body = render_to_string(
        "dataset/emails/proposal_update.txt",
        {
            "proposal": proposal,
            "happening": happening,
            "from_state": _state_words(happening.from_state),
            "to_state": _state_words(happening.to_state),
            "url": thread_url(proposal),
        },
    )
    return subject, body


def _state_words(state: str) -> str:
    return str(ProposalState(state).label).lower() if state else ""


def followers_tell(proposal: Proposal, happening: Happening, *, by_user_id: int | None) -> int:
    """Queue an email to each active follower with an address but the one who did it (`by_user_id`), to
    leave once the caller's transaction commits. The number queued."""
    follows = (
        ProposalFollow.objects.filter(proposal=proposal, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("id")
    )
    if by_user_id is not None:
        follows = follows.exclude(user_id=by_user_id)
    messages = []
    for follow in follows:
        with translation.override(follow.language or settings.PAGE_LANGUAGE_CODE):
            subject, body = message_for(proposal, happening)
        messages.append((subject, body, None, [follow.user.email]))
    if messages:
        transaction.on_commit(partial(_send, messages, proposal.number))
    return len(messages)


def _send(messages: list[tuple[str, str, None, list[str]]], number: int) -> None:
    try:
        send_mass_mail(tuple(messages), fail_silently=False)
    except Exception as failure:  # any failure of the mail server: the write stands
        logger.warning(
            "Could not email the followers of change proposal #%s (%d emails): %s: %s",
            number,
            len(messages),
            type(failure).__name__,
            failure,
        )
