"""The change site in the admin: the national administration reads every proposal and release with its
versions, a Care Location's admin does not see them there (she uses the change site), and nobody writes
through the admin."""

import pytest

from dataset.models import DataSetRelease, Proposal, ProposalTransition

from .conftest import browser_of

pytestmark = pytest.mark.django_db


def test_the_national_administrator_reads_a_proposal_its_thread_and_its_versions(nina, proposal):
    browser = browser_of(nina)
    listing = browser.get("/admin/dataset/proposal/")
    assert listing.status_code == 200 and proposal.title in listing.content.decode()

    page = browser.get(f"/admin/dataset/proposal/{proposal.number}/change/").content.decode()
    assert proposal.title in page and f"/data-set/proposals/{proposal.number}/" in page
    history = browser.get(f"/admin/dataset/proposal/{proposal.number}/history/")
    assert history.status_code == 200 and "kari" in history.content.decode()


def test_a_release_reads_in_the_admin_with_its_history(nina):
    release = DataSetRelease.objects.create(version="1.4.9", released_on="2026-12-01", released_by=nina)
    browser = browser_of(nina)
    assert browser.get("/admin/dataset/datasetrelease/").status_code == 200
    assert browser.get(f"/admin/dataset/datasetrelease/{release.pk}/history/").status_code == 200


@pytest.mark.parametrize("url", ["/admin/dataset/proposal/", "/admin/dataset/datasetrelease/"])
def test_a_care_location_admin_does_not_see_the_change_site_in_the_admin(lise, proposal, url):
    browser = browser_of(lise)
    assert browser.get(url).status_code == 403
    assert "dataset" not in browser.get("/admin/").content.decode()


def test_nobody_adds_changes_or_deletes_a_proposal_through_the_admin(nina, proposal):
    browser = browser_of(nina)
    before = Proposal.objects.get(pk=proposal.pk).title, ProposalTransition.objects.count()
    assert browser.get("/admin/dataset/proposal/add/").status_code == 403
    changed = browser.post(f"/admin/dataset/proposal/{proposal.number}/change/", {"title": "Taken over"})
    assert changed.status_code == 403
    deleted = browser.post(f"/admin/dataset/proposal/{proposal.number}/delete/", {"post": "yes"})
    assert deleted.status_code == 403
    assert (Proposal.objects.get(pk=proposal.pk).title, ProposalTransition.objects.count()) == before


@pytest.mark.parametrize(
    "url", ["/admin/dataset/datasetrelease/None/history/", "/admin/dataset/proposal/x/history/"]
)
def test_a_history_of_an_id_that_cannot_be_one_is_not_found(nina, url):
    assert browser_of(nina).get(url).status_code == 404
