"""A proposal's thread: commenting, supporting and following, each one write through the gate (gate.py),
under the proposal's row lock, versioned and audited whether done or refused.

Anyone who may use the change site may do each (dataset/access.py). A final proposal (released, declined,
withdrawn) takes no more comments or support; following and stopping stay open. A commenter follows the
proposal from then on. Support and following are set, not flipped: the form says which it wants, so a
second click of a stale page changes nothing.

A comment's author, and only she, may change it while the proposal is open (`may_edit_comment`): each change
is a new version of the comment, and the thread shows the earlier texts beside it. Followers are not emailed
about a change (they were about the comment); a changed comment says so where it stands.
"""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dataset.access import Caller
from dataset.emails import Happening, followers_tell
from dataset.models import Proposal, ProposalComment, ProposalFollow, ProposalSupport
from dataset.models.proposals import NAME_MAX, TEXT_MAX
from maternity.errors import NotAllowed, NotFound, VersionConflict
from maternity.rules.wording import worded

from .gate import closed_refusal, key_of, locked_proposal, through_the_gate, version_check, whole_number
from .proposal_input import text_of


def proposal_comment_add(
    *,
    caller: Caller | None,
    number: object,
    body: object,
    version: object,
    language: str = "",
    ip: str | None = None,
) -> ProposalComment:
    """A comment in the thread of proposal `number`, whose `version` the commenter read (else
    VersionConflict: it moved meanwhile); her followers are emailed, and she follows it."""

    def work(caller: Caller) -> tuple[ProposalComment, str]:
        proposal = locked_proposal(number)
        if not proposal.is_open:
            raise closed_refusal(proposal, "comment")
        version_check(proposal, version)
        text = comment_text(body)
        comment = ProposalComment(
            proposal=proposal,
            author=caller.user,
            author_name=caller.name[:NAME_MAX],
            author_kind=caller.kind,
            author_location=caller.location,
            body=text,
            created=timezone.now(),
        )
        comment._history_user = caller.user  # type: ignore[attr-defined]
        comment.save()
        follower_add(proposal, caller, language)
        followers_tell(proposal, Happening(by_name=caller.name, text=text), by_user_id=caller.user.pk)
        return comment, f"Comment {comment.pk} on #{proposal.number} ({len(text)} characters)."

    return through_the_gate(work, caller=caller, attempt=f"Comment on proposal #{str(number)[:20]}.", ip=ip)


def comment_text(body: object) -> str:
    """A comment's text, new or changed: trimmed, not empty, at most TEXT_MAX, no control characters."""
    return text_of(body, field="body", what=_("The comment"), most=TEXT_MAX, missing=_("Write your comment."))


NOT_THE_AUTHOR = _("Only its author can change a comment.")


def may_edit_comment(caller: Caller, comment: ProposalComment, proposal: Proposal) -> NotAllowed | None:
    """Why `caller` may not change `comment` now (None: she may): she must have written it, and the
    proposal must be open. The edit page and `proposal_comment_edit` both ask."""
    if comment.author_id is None or comment.author_id != caller.user.pk:
        return NotAllowed(NOT_THE_AUTHOR, rule="not-the-author")
    if not proposal.is_open:
        return closed_refusal(proposal, "edit")
    return None


def comment_of(proposal: Proposal, comment_id: object) -> ProposalComment:
    """Comment `comment_id` of `proposal`'s thread: NotFound for anything else."""
    pk = key_of(comment_id)
    found = ProposalComment.objects.filter(proposal=proposal, pk=pk).first() if pk is not None else None
    if found is None:
        raise NotFound(
            worded(
                _("Proposal #%(number)s has no comment %(comment)s."),
                number=proposal.number,
                comment=str(comment_id)[:20],
            )
        )
    return found


def proposal_comment_edit(
    *,
    caller: Caller | None,
    number: object,
    comment_id: object,
    body: object,
    edits: object,
    ip: str | None = None,
) -> ProposalComment:
    """Comment `comment_id` of proposal `number` changed to `body` by its author, who read it as it was after
    `edits` changes (else VersionConflict). The same text again changes nothing and makes no version."""

    def work(caller: Caller) -> tuple[ProposalComment, str]:
        proposal = locked_proposal(number)
        comment = comment_of(proposal, comment_id)
        refusal = may_edit_comment(caller, comment, proposal)
        if refusal is not None:
            raise refusal
        if whole_number(edits) != comment.edits:
            raise VersionConflict(
                _(
                    "Your comment changed since you opened it (in another window?): read it, then change it "
                    "again."
                ),
                field="edits",
            )
        text = comment_text(body)
        where = f"comment {comment.pk} on #{proposal.number}"
        if text == comment.body:
            return comment, f"Nothing to change in {where}: the same text."
        comment.body = text
        comment.edited = timezone.now()
        comment.edits += 1
        comment._history_user = caller.user  # type: ignore[attr-defined]
        comment.save(update_fields=["body", "edited", "edits"])
        return comment, f"Changed {where} (change {comment.edits}, {len(text)} characters)."

    attempt = f"Change comment {str(comment_id)[:20]} on proposal #{str(number)[:20]}."
    return through_the_gate(work, caller=caller, attempt=attempt, ip=ip)


def proposal_support_set(
    *, caller: Caller | None, number: object, supports: bool, ip: str | None = None
) -> Proposal:
    """Support proposal `number` (`supports`), or take the support back; while it is open."""

    def work(caller: Caller) -> tuple[Proposal, str]:
        proposal = locked_proposal(number)
        if not proposal.is_open:
            raise closed_refusal(proposal, "support")
        found = ProposalSupport.objects.filter(proposal=proposal, user=caller.user).first()
        if supports and found is None:
            support = ProposalSupport(proposal=proposal, user=caller.user)
            support._history_user = caller.user  # type: ignore[attr-defined]
            support.save()
            return proposal, f"Supports #{proposal.number}."
        if not supports and found is not None:
            found._history_user = caller.user  # type: ignore[attr-defined]
            found.delete()
            return proposal, f"Took back the support of #{proposal.number}."
        return proposal, f"Already {'supports' if supports else 'does not support'} #{proposal.number}."

    words = "Support" if supports else "Take back the support of"
    return through_the_gate(work, caller=caller, attempt=f"{words} proposal #{str(number)[:20]}.", ip=ip)


def proposal_follow_set(
    *, caller: Caller | None, number: object, follows: bool, language: str = "", ip: str | None = None
) -> Proposal:
    """Follow proposal `number` (`follows`: emails in `language`) or stop following it; at any state."""

    def work(caller: Caller) -> tuple[Proposal, str]:
        proposal = locked_proposal(number)
        found = ProposalFollow.objects.filter(proposal=proposal, user=caller.user).first()
        if follows and found is None:
            follower_add(proposal, caller, language)
            return proposal, f"Follows #{proposal.number}."
        if follows and found is not None and found.language != email_language(language):
            found.language = email_language(language)
            found._history_user = caller.user  # type: ignore[attr-defined]
            found.save(update_fields=["language"])
            return proposal, f"Follows #{proposal.number}, now in {found.language or 'the default language'}."
        if not follows and found is not None:
            found._history_user = caller.user  # type: ignore[attr-defined]
            found.delete()
            return proposal, f"Stopped following #{proposal.number}."
        return proposal, f"Already {'follows' if follows else 'does not follow'} #{proposal.number}."

    words = "Follow" if follows else "Stop following"
    return through_the_gate(work, caller=caller, attempt=f"{words} proposal #{str(number)[:20]}.", ip=ip)


def follower_add(proposal: Proposal, caller: Caller, language: str) -> None:
    """`caller` follows the proposal, emailed in `language` (the proposer and every commenter do, again if
    she had stopped); nothing when she already does."""
    if ProposalFollow.objects.filter(proposal=proposal, user=caller.user).exists():
        return
    follow = ProposalFollow(proposal=proposal, user=caller.user, language=email_language(language))
    follow._history_user = caller.user  # type: ignore[attr-defined]
    follow.save()


def email_language(language: str) -> str:
    """A language the pages speak, or "" (the deployment's, when the email is written)."""
    return language if language in dict(settings.LANGUAGES) else ""
