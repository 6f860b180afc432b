"""The demo's change proposals (`manage.py seed_demo` runs `seed_demo_proposals`): one in every state, with
threads, supporters and followers, scheduled for the version this server implements and the next, one
released in the demo's earlier version; all written through the services, and not again on a second run."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from dataset.changelog import BY_NUMBER
from dataset.models import (
    DataSetRelease,
    Proposal,
    ProposalComment,
    ProposalFollow,
    ProposalState,
    ProposalSupport,
    ProposalTransition,
)
from dataset.versions import DATA_SET_VERSION

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings) -> str:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_the_demo_has_a_proposal_in_every_state_with_threads_supporters_and_followers(seeded):
    assert "Demo change proposals: 10, in every state." in seeded
    assert "/data-set/proposals/" in seeded
    assert set(Proposal.objects.values_list("state", flat=True)) == set(ProposalState.values)
    scheduled = dict(
        Proposal.objects.filter(state="scheduled").values_list("scheduled_version").annotate(n=Count("pk"))
    )
    assert scheduled == {DATA_SET_VERSION: 1, "1.6.0": 2, "1.7.0": 1}
    (built,) = Proposal.objects.filter(scheduled_version=DATA_SET_VERSION)
    assert built.title == "Let a Care Location restrict a sensitive entry"  # what 1.5.0's code changed
    thread = Proposal.objects.get(title="Record the umbilical cord blood gases")
    assert ProposalComment.objects.filter(proposal=thread).count() == 3
    assert ProposalTransition.objects.filter(proposal=thread).count() == 3
    assert ProposalSupport.objects.filter(proposal=thread).count() == 4
    assert ProposalFollow.objects.filter(proposal=thread).count() >= 3
    assert thread.proposer_kind == "professional" and len(thread.draft_fields) == 4
    vendors = Proposal.objects.filter(proposer_kind="location_admin", on_behalf_of__isnull=False)
    assert set(vendors.values_list("state", flat=True)) == {"accepted", "released"}
    (release,) = DataSetRelease.objects.all()
    released = Proposal.objects.get(state="released")
    assert release.version == "1.4.0" and release.changes == [
        {"number": released.number, "title": released.title, "resources": ["mother", "birthPlan"]}
    ]
    assert release.released_on == BY_NUMBER["1.4.0"].released_on  # the day the code's history says
    entries = sorted(ProposalTransition.objects.filter(proposal=thread).values_list("at", flat=True))
    assert (entries[-1] - entries[0]).days >= 10  # the discussion took weeks


def test_running_the_demo_again_writes_no_more_proposals(seeded):
    before = Proposal.objects.count(), ProposalComment.objects.count()
    out = StringIO()
    call_command("seed_demo_proposals", stdout=out)
    assert "already present" in out.getvalue()
    assert (Proposal.objects.count(), ProposalComment.objects.count()) == before


def test_the_changelog_shows_the_demo_release_under_its_version(seeded, client):
    released = Proposal.objects.get(state="released")
    page = client.get("/data-set/changelog/").content.decode()
    version = page[page.index('id="version-1.4.0"') : page.index('id="version-1.3.0"')]
    assert f"#{released.number} {released.title}" in version
    assert "Released with the one proposal it carried out" in version  # the release's own summary
