"""Proposing a change to the data set, and moving a proposal through its states (dataset/services/
transitions.py says which way and who). Each is one write through the gate (gate.py): checked once under
the proposal's row lock, versioned with who and when, audited whether done or refused, and its followers
emailed after the commit."""

from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from dataset.access import Caller
from dataset.emails import Happening, followers_tell
from dataset.models import Proposal, ProposalState, ProposalTransition
from dataset.models.proposals import NAME_MAX, REASON_MAX, TEXT_MAX, TITLE_MAX
from dataset.versions import DATA_SET_VERSION
from maternity.errors import Invalid, NotAllowed
from maternity.rules.wording import Text, worded
from spine.models import SpineClient

from .gate import closed_refusal, locked_proposal, state_words, through_the_gate, version_check
from .proposal_input import draft_fields_of, resources_of, schedulable_version, text_of
from .thread import follower_add
from .transitions import is_proposer, next_states

S = ProposalState


def proposal_create(
    *,
    caller: Caller | None,
    title: object,
    change: object,
    reason: object,
    resources: object,
    draft_fields: object = (),
    on_behalf_of: int | None = None,
    language: str = "",
    ip: str | None = None,
) -> Proposal:
    """A new proposal, state proposed, by any caller of the change site; a Care Location admin may make it
    for one of her locations' client systems (`on_behalf_of`, a SpineClient's id). The proposer follows it
    (emails in `language`, that of her page)."""

    def work(caller: Caller) -> tuple[Proposal, str]:
        client = _client_for(caller, on_behalf_of)
        now = timezone.now()
        proposal = Proposal(
            title=text_of(
                title,
                field="title",
                what=_("The title"),
                most=TITLE_MAX,
                one_line=True,
                missing=_("Give the proposal a title: the change in a few words."),
            ),
            change=text_of(
                change,
                field="change",
                what=_("What should change"),
                most=TEXT_MAX,
                missing=_("Say what should change in the data set."),
            ),
            reason=text_of(
                reason,
                field="reason",
                what=_("Why"),
                most=TEXT_MAX,
                missing=_("Say why: what the change is for, and who needs it."),
            ),
            resources=resources_of(resources),
            draft_fields=draft_fields_of(draft_fields),
            proposed_by=caller.user,
            proposer_name=caller.name[:NAME_MAX],
            proposer_kind=caller.kind,
            proposer_location=client.care_location if client else caller.location,
            on_behalf_of=client,
            on_behalf_of_name=client.name[:NAME_MAX] if client else "",
            created=now,
            updated=now,
        )
        proposal._history_user = caller.user  # type: ignore[attr-defined]  # django-simple-history's who
        proposal.save()
        follower_add(proposal, caller, language)
        behalf = f" for the client system {client.name!r} ({client.pk})" if client else ""
        return proposal, f"Proposed #{proposal.number}{behalf}: {proposal.title!r}."

    return through_the_gate(work, caller=caller, attempt="Propose a data-set change.", ip=ip)


def _client_for(caller: Caller, client_id: int | None) -> SpineClient | None:
    """The client system a Care Location admin proposes for: active, and of a location she administers."""
    if client_id is None:
        return None
    refusal = NotAllowed(
        _(
            "A proposal can be made for a client system only by an admin of its Care Location: choose one of "
            "your locations' systems, or none."
        ),
        field="on_behalf_of",
        rule="not-your-client",
    )
    if not caller.administered:
        raise refusal
    client = SpineClient.objects.filter(pk=client_id, active=True).select_related("care_location").first()
    if client is None or not caller.administers(client.care_location_id):
        raise refusal
    return client


def proposal_move(
    *,
    caller: Caller | None,
    number: object,
    to: object,
    reason: object,
    version: object,
    scheduled_version: object = "",
    implemented: str = DATA_SET_VERSION,
    ip: str | None = None,
) -> Proposal:
    """Move proposal `number` to state `to`, with a reason: the national administration along the states'
    paths, its proposer to withdraw it. `version` is the proposal's version the form was made from (else
    VersionConflict); `scheduled_version` the data-set version it is scheduled for (to scheduled only;
    `implemented` is the version this server implements, which it may not be scheduled before)."""
    attempt = f"Move proposal #{str(number)[:20]} to {str(to)[:20]!r}."

    def work(caller: Caller) -> tuple[Proposal, str]:
        proposal = locked_proposal(number)
        target = _state(to)
        if not (caller.is_national or (target == S.WITHDRAWN and is_proposer(proposal, caller))):
            raise NotAllowed(
                _("As its proposer you may withdraw it; only the national administration moves it otherwise.")
                if is_proposer(proposal, caller)
                else _(
                    "Only the national administration moves a proposal through its states; its proposer may "
                    "withdraw it."
                ),
                field="to",
                rule="not-yours",
            )
        version_check(proposal, version)
        if not proposal.is_open:
            raise closed_refusal(proposal, "move")
        allowed = next_states(proposal, caller)
        if target not in allowed:
            raise Invalid(_not_that_way(proposal, target, allowed), field="to")
        why = text_of(
            reason,
            field="reason",
            what=_("The reason"),
            most=REASON_MAX,
            missing=_(
                "Give the reason for this step: it is shown in the thread and emailed to its followers."
            ),
        )
        moved_to_version = ""
        if target == S.SCHEDULED:
            moved_to_version = schedulable_version(scheduled_version, implemented=implemented)
            if proposal.state == S.SCHEDULED and moved_to_version == proposal.scheduled_version:
                raise Invalid(
                    worded(
                        _("It is already scheduled for %(version)s: give another version, or unschedule it."),
                        version=moved_to_version,
                    ),
                    field="scheduled_version",
                )
        transition = transition_write(
            proposal, caller=caller, to=target, reason=why, version=moved_to_version, by_name=caller.name
        )
        followers_tell(
            proposal,
            Happening(
                by_name=caller.name,
                text=why,
                to_state=target,
                from_state=transition.from_state,
                version=moved_to_version,
            ),
            by_user_id=caller.user.pk,
        )
        scheduled = f" for {moved_to_version}" if moved_to_version else ""
        return proposal, (
            f"Moved #{proposal.number} from {transition.from_state} to {target}{scheduled} "
            f"(version {proposal.version})."
        )

    return through_the_gate(work, caller=caller, attempt=attempt, ip=ip)


def transition_write(
    proposal: Proposal, *, caller: Caller | None, to: ProposalState, reason: str, version: str, by_name: str
) -> ProposalTransition:
    """Move the locked `proposal` to `to` and write its transition: a new version of the proposal (who and
    when), its `version` one more. Its scheduled version is the one given (to scheduled, released), else
    none."""
    now = timezone.now()
    user = caller.user if caller else None
    transition = ProposalTransition(
        proposal=proposal,
        from_state=proposal.state,
        to_state=to,
        reason=reason,
        version=version,
        by=user,
        by_name=by_name[:NAME_MAX],
        by_kind=caller.kind if caller else "",
        at=now,
    )
    transition._history_user = user  # type: ignore[attr-defined]
    transition.save()
    proposal.state = to
    proposal.scheduled_version = version if to in (S.SCHEDULED, S.RELEASED) else ""
    proposal.version += 1
    proposal.updated = now
    proposal._history_user = user  # type: ignore[attr-defined]
    proposal.save(update_fields=["state", "scheduled_version", "version", "updated"])
    return transition


def _state(value: object) -> ProposalState:
    if not isinstance(value, str) or value not in S.values:
        raise Invalid(
            worded(
                _("Unknown state %(state)s: choose one of %(states)s."),
                state=repr(str(value)[:40]),
                states=", ".join(S.values),
            ),
            field="to",
        )
    return S(value)


def _not_that_way(proposal: Proposal, target: ProposalState, allowed: tuple[ProposalState, ...]) -> Text:
    if target == S.RELEASED:
        return _(
            "A proposal is released only by releasing the data-set version it is scheduled for (on the "
            "upcoming changes page)."
        )
    return worded(
        _("A proposal that is %(state)s can move to: %(allowed)s."),
        state=state_words(proposal.state),
        allowed=_listed(allowed),
    )


# The states' words joined, in the language of whoever reads the refusal
_listed = lazy(lambda states: ", ".join(str(state_words(state)) for state in states), str)
