"""Releasing a data-set version (dataset/services/releases.py): the national administration's only, only the
version this server implements, once, and only after every version released before. The release keeps what
it released as it stood (the changelog's rows), moves each proposal scheduled for it to released with its
transition, and leaves the rest where they are; every attempt is audited."""

from datetime import date

import pytest
from django.utils import timezone

from dataset.models import DataSetRelease, Proposal, ProposalState, ProposalTransition
from dataset.services import data_set_release, proposal_move
from dataset.versions import DATA_SET_VERSION
from maternity.errors import AlreadyExists, Invalid, NotAllowed
from maternity.models import AccessAction, AccessLog, AccessOutcome

from .conftest import caller_of
from .test_proposal_services import move, propose

pytestmark = pytest.mark.django_db


def scheduled(user, nina, title, version, resources=("births",)):
    proposal = propose(user, title=title, resources=list(resources))
    move(nina, proposal, "under_review")
    move(nina, proposal, "accepted")
    move(nina, proposal, "scheduled", scheduled_version=version)
    proposal.refresh_from_db()
    return proposal


def release_entries():
    return list(AccessLog.objects.filter(action=AccessAction.DATA_SET_RELEASE).order_by("id"))


def test_releasing_the_version_this_server_implements_releases_what_is_scheduled_for_it(kari, nina):
    first = scheduled(kari, nina, "Cord blood pH", DATA_SET_VERSION)
    second = scheduled(kari, nina, "Apgar at 10 minutes", DATA_SET_VERSION, resources=("births", "labour"))
    later = scheduled(kari, nina, "Skin-to-skin contact", "1.6.0")
    accepted = propose(kari, title="Not yet scheduled")
    move(nina, accepted, "under_review")
    move(nina, accepted, "accepted")

    release = data_set_release(caller=caller_of(nina), version=DATA_SET_VERSION, summary="  Birth details.  ")

    assert (release.version, release.released_on, release.summary) == (
        DATA_SET_VERSION,
        timezone.localdate(),
        "Birth details.",
    )
    assert release.released_by == nina and release.history.get().history_user == nina
    assert release.changes == [
        {"number": first.number, "title": "Cord blood pH", "resources": ["births"]},
        {"number": second.number, "title": "Apgar at 10 minutes", "resources": ["births", "labour"]},
    ]
    for proposal in (first, second):
        proposal.refresh_from_db()
        assert (proposal.state, proposal.scheduled_version) == (ProposalState.RELEASED, DATA_SET_VERSION)
        step = ProposalTransition.objects.filter(proposal=proposal).latest("at")
        assert (step.from_state, step.to_state, step.version, step.reason, step.by) == (
            "scheduled",
            "released",
            DATA_SET_VERSION,
            f"Released in {DATA_SET_VERSION}.",
            nina,
        )
    later.refresh_from_db()
    accepted.refresh_from_db()
    assert (later.state, later.scheduled_version) == (ProposalState.SCHEDULED, "1.6.0")
    assert accepted.state == ProposalState.ACCEPTED
    (entry,) = release_entries()
    assert entry.outcome == AccessOutcome.ALLOWED and entry.username == "nina"
    numbers = f"#{first.number}, #{second.number}"
    assert entry.detail.endswith(f"Released {DATA_SET_VERSION} on {release.released_on}: {numbers}.")


def test_a_released_proposal_is_final(kari, nina):
    proposal = scheduled(kari, nina, "Cord blood pH", DATA_SET_VERSION)
    data_set_release(caller=caller_of(nina), version=DATA_SET_VERSION)
    proposal.refresh_from_db()
    with pytest.raises(NotAllowed) as refused:
        proposal_move(
            caller=caller_of(nina),
            number=proposal.number,
            to="declined",
            reason="r",
            version=proposal.version,
        )
    assert "is released: its state no longer changes" in str(refused.value.message)


def test_a_release_with_nothing_scheduled_still_dates_the_version(nina):
    release = data_set_release(caller=caller_of(nina), version=DATA_SET_VERSION)
    assert release.changes == [] and DataSetRelease.objects.count() == 1


@pytest.mark.parametrize("who", ["kari", "lise"])
def test_only_the_national_administration_releases(kari, lise, nina, who):
    proposal = scheduled(kari, nina, "Cord blood pH", DATA_SET_VERSION)
    user = {"kari": kari, "lise": lise}[who]
    with pytest.raises(NotAllowed):
        data_set_release(caller=caller_of(user), version=DATA_SET_VERSION)
    with pytest.raises(NotAllowed):
        data_set_release(caller=None, version=DATA_SET_VERSION)
    assert not DataSetRelease.objects.exists()
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.SCHEDULED
    assert [(e.outcome, e.status_code) for e in release_entries()] == [(AccessOutcome.DENIED, 403)] * 2


@pytest.mark.parametrize("version", ["1.6.0", "1.4.0", "", "1.5", "1.5.0 ", "x" * 30, None, 150])
def test_only_the_version_this_server_implements_is_released_and_the_refusal_names_it(nina, version):
    if version == "1.5.0 ":
        data_set_release(caller=caller_of(nina), version=version)  # trimmed: the same version
        return
    with pytest.raises(Invalid) as refused:
        data_set_release(caller=caller_of(nina), version=version)
    assert "This server implements data-set version 1.5.0: only that version can be released here" in str(
        refused.value.message
    ) or "must be text" in str(refused.value.message)
    assert not DataSetRelease.objects.exists()
    (entry,) = release_entries()
    assert (entry.outcome, entry.status_code) == (AccessOutcome.REJECTED, 400)


def test_a_version_is_released_once(nina):
    data_set_release(caller=caller_of(nina), version=DATA_SET_VERSION)
    with pytest.raises(AlreadyExists) as refused:
        data_set_release(caller=caller_of(nina), version=DATA_SET_VERSION)
    assert f"Version {DATA_SET_VERSION} was released on" in str(refused.value.message)
    assert DataSetRelease.objects.count() == 1


def test_a_release_must_be_later_than_every_version_released(nina):
    DataSetRelease.objects.create(version="1.10.0", released_on=date(2026, 1, 5))
    with pytest.raises(Invalid) as refused:
        data_set_release(caller=caller_of(nina), version=DATA_SET_VERSION)
    assert (
        str(refused.value.message) == "Version 1.10.0 is released already: a release must be a later version."
    )


def test_a_summary_over_4000_characters_is_refused_and_nothing_moves(kari, nina):
    proposal = scheduled(kari, nina, "Cord blood pH", DATA_SET_VERSION)
    with pytest.raises(Invalid) as refused:
        data_set_release(caller=caller_of(nina), version=DATA_SET_VERSION, summary="s" * 4001)
    assert refused.value.field == "summary"
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.SCHEDULED and not DataSetRelease.objects.exists()
    assert Proposal.objects.filter(state=ProposalState.RELEASED).count() == 0


def test_a_release_puts_its_proposals_in_the_dictionarys_changelog(kari, nina, client):
    proposal = scheduled(kari, nina, "Cord blood pH", DATA_SET_VERSION)
    before = client.get("/data-set/changelog/").content.decode()
    assert "Not yet released" in before and "Cord blood pH" not in before
    release = data_set_release(caller=caller_of(nina), version=DATA_SET_VERSION, summary="Cord blood.")
    page = client.get("/data-set/changelog/").content.decode()
    version = page[page.index(f'id="version-{DATA_SET_VERSION}"') : page.index('id="version-1.4.0"')]
    assert f"#{proposal.number} Cord blood pH" in version and "Cord blood." in version
    assert "Not yet released" not in version and str(release.released_on.year) in version
