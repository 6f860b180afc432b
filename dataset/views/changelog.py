"""The data set's changelog: every version, newest first, with its release date, what it changed and the
change proposals it released (dataset/changelog.py). Public, no sign-in; one query (the release rows)."""

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from dataset.changelog import KINDS, Change, ReleasedProposal, VersionLog, changelog
from dataset.dictionary import Dictionary, FieldEntry, ResourceEntry
from dataset.models import DataSetRelease
from maternity.database.replicas import lag_tolerant

from .dictionary import page_dictionary


@dataclass(frozen=True)
class ShownChange:
    """A change with what it names as the dictionary has it (None: it names none, or one since removed)."""

    change: Change
    kind: str  # in the page's language
    resource: ResourceEntry | None
    field: FieldEntry | None


@dataclass(frozen=True)
class ShownProposal:
    proposal: ReleasedProposal
    url: str
    resources: list[tuple[str, ResourceEntry | None]]  # (wire name, its entry where it still exists)


@dataclass(frozen=True)
class ShownVersion:
    log: VersionLog
    changes: list[ShownChange]
    proposals: list[ShownProposal]


def shown(log: VersionLog, words: Dictionary, proposals_url: str) -> ShownVersion:
    fields = {
        (entry.resource, entry.name): entry for resource in words.resources for entry in resource.fields
    }
    changes = [
        ShownChange(
            change,
            str(KINDS[change.kind]),
            words.resource(change.resource) if change.resource else None,
            fields.get((change.resource, change.field)) if change.field else None,
        )
        for change in log.changes
    ]
    proposals = [
        ShownProposal(
            proposal,
            f"{proposals_url}{proposal.number}/",
            [(name, words.resource(name)) for name in proposal.resources],
        )
        for proposal in log.proposals
    ]
    return ShownVersion(log, changes, proposals)


@lag_tolerant
@require_safe
def changelog_page(request: HttpRequest) -> HttpResponse:
    words = page_dictionary()
    proposals_url = reverse("dataset:proposals")
    versions = [shown(log, words, proposals_url) for log in changelog(DataSetRelease.objects.all())]
    return render(
        request,
        "dataset/changelog.html",
        {"nav": "changelog", "versions": versions, "current": words.version},
    )
