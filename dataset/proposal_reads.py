"""What the change site's pages read (dataset/views/proposals*.py), each in a fixed number of queries
whatever the number of proposals, comments or supporters: the list (by state, newest first, a page at a
time, off the index on state and number), one proposal with its thread (comments and state changes in the
order they happened), and the upcoming changes (scheduled, by version, then accepted)."""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import User
from django.core.paginator import Page, Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from maternity.errors import NotFound
from maternity.rules.resources import RESOURCE_TYPES
from maternity.rules.wording import worded

from .models import (
    DataSetRelease,
    Proposal,
    ProposalComment,
    ProposalFollow,
    ProposalState,
    ProposalSupport,
    ProposalTransition,
)
from .models.proposals import NEW_RESOURCE
from .services.gate import proposal_number
from .versions import DATA_SET_VERSION, version_key

PER_PAGE = 25


def resource_label(name: str) -> str:
    """A resource's name as a person reads it ("Current pregnancy"), in the active language."""
    if name == NEW_RESOURCE:
        return str(_("A new resource"))
    found = RESOURCE_TYPES.get(name)
    return found.label[:1].upper() + found.label[1:] if found else name


def _counted(model: type[ProposalSupport] | type[ProposalComment]) -> Coalesce:
    rows = model.objects.filter(proposal=OuterRef("pk")).order_by().values("proposal")
    return Coalesce(
        Subquery(rows.annotate(count=Count("pk")).values("count"), output_field=IntegerField()), 0
    )


def proposals_page(*, state: str | None, page: str | None) -> Page:
    """One page of the proposals in `state` (None: every state), the newest first, each with its
    supporters and comments counted. Two queries: the count and the page."""
    proposals = Proposal.objects.select_related("proposer_location").order_by("-number")
    if state:
        proposals = proposals.filter(state=state)
    proposals = proposals.annotate(
        supporters=_counted(ProposalSupport), comment_count=_counted(ProposalComment)
    )
    return Paginator(proposals, PER_PAGE).get_page(page)


def proposal_for_page(number: object) -> Proposal:
    """The proposal, with who proposed it and for which system: NotFound when there is none."""
    found = (
        Proposal.objects.select_related("proposer_location", "on_behalf_of")
        .filter(number=proposal_number(number))
        .first()
    )
    if found is None:
        raise NotFound(worded(_("There is no change proposal #%(number)s."), number=str(number)[:20]))
    return found


@dataclass(frozen=True)
class EarlierText:
    """What a changed comment said before, from `at` (when it was written or last changed)."""

    at: datetime
    body: str


@dataclass(frozen=True)
class ThreadEntry:
    at: datetime
    comment: ProposalComment | None = None
    transition: ProposalTransition | None = None
    earlier: tuple[EarlierText, ...] = ()  # a changed comment's earlier texts, the first first


@dataclass(frozen=True)
class Thread:
    entries: list[ThreadEntry]
    supporters: int
    supports: bool  # the reader does
    follows: bool  # the reader does
    followers: int


def thread_of(proposal: Proposal, reader: User) -> Thread:
    """The comments (with the earlier texts of those changed) and state changes in the order they happened,
    and who supports and follows. Four queries however long the thread, and a fifth when a comment in it
    was changed."""
    comments = list(ProposalComment.objects.filter(proposal=proposal).select_related("author_location"))
    earlier = earlier_texts([comment for comment in comments if comment.edits])
    transitions = ProposalTransition.objects.filter(proposal=proposal)
    entries = [
        ThreadEntry(at=comment.created, comment=comment, earlier=earlier.get(comment.pk, ()))
        for comment in comments
    ]
    entries += [ThreadEntry(at=step.at, transition=step) for step in transitions]
    entries.sort(key=lambda entry: entry.at)
    supports = ProposalSupport.objects.filter(proposal=proposal).aggregate(
        count=Count("pk"), mine=Count("pk", filter=Q(user=reader))
    )
    follows = ProposalFollow.objects.filter(proposal=proposal).aggregate(
        count=Count("pk"), mine=Count("pk", filter=Q(user=reader))
    )
    return Thread(
        entries=entries,
        supporters=supports["count"],
        supports=bool(supports["mine"]),
        follows=bool(follows["mine"]),
        followers=follows["count"],
    )


def earlier_texts(changed: list[ProposalComment]) -> dict[int, tuple[EarlierText, ...]]:
    """Each changed comment's texts before its current one, from its history (one query for all): the
    first text from when it was written, each later one from when it was changed."""
    if not changed:
        return {}
    by_id = {comment.pk: comment for comment in changed}
    texts: dict[int, dict[int, EarlierText]] = {pk: {} for pk in by_id}
    versions = (
        ProposalComment.history.filter(id__in=by_id)
        .order_by("id", "history_date", "history_id")
        .values_list("id", "edits", "body", "edited", "created")
    )
    for pk, edits, body, edited, created in versions:
        if edits < by_id[pk].edits:
            texts[pk][edits] = EarlierText(at=edited or created, body=body)  # its last save of that text
    return {pk: tuple(found[edits] for edits in sorted(found)) for pk, found in texts.items()}


@dataclass
class Upcoming:
    by_version: list[tuple[str, list[Proposal]]] = field(default_factory=list)  # the lowest version first
    accepted: list[Proposal] = field(default_factory=list)  # accepted, not yet scheduled
    released: DataSetRelease | None = None  # the release of the version this server implements, if done


def upcoming_changes() -> Upcoming:
    """What is scheduled, by version (the lowest first), then what is accepted but not yet scheduled; and
    whether the version this server implements is released. Two queries."""
    upcoming = Upcoming()
    versions: dict[str, list[Proposal]] = {}
    for proposal in Proposal.objects.filter(
        state__in=[ProposalState.SCHEDULED, ProposalState.ACCEPTED]
    ).order_by("number"):
        if proposal.state == ProposalState.SCHEDULED:
            versions.setdefault(proposal.scheduled_version, []).append(proposal)
        else:
            upcoming.accepted.append(proposal)
    upcoming.by_version = sorted(versions.items(), key=lambda item: version_key(item[0]))
    upcoming.released = DataSetRelease.objects.filter(version=DATA_SET_VERSION).first()
    return upcoming


def release_preview(version: str) -> list[Proposal]:
    """The proposals a release of `version` would release."""
    return list(
        Proposal.objects.filter(state=ProposalState.SCHEDULED, scheduled_version=version).order_by("number")
    )
