"""A comment's author changes it (dataset/services/thread.py, its page in dataset/views/proposals_thread.py):
only she, only while the proposal is open, never from a stale form; each change a new version with who and
when, audited whether done or refused; the thread says the comment was changed and shows what it said
before, in the same queries however many comments were changed; followers are not emailed about it."""

import re

import pytest

from dataset.models import ProposalComment
from dataset.proposal_reads import thread_of
from dataset.services import proposal_comment_add, proposal_comment_edit
from maternity.errors import Invalid, NotAllowed, NotFound, VersionConflict
from maternity.models import AccessAction, AccessLog, AccessOutcome

from .conftest import browser_of, caller_of
from .test_proposal_services import move, propose

pytestmark = pytest.mark.django_db

FIRST = "The lab reports it already."


def comment(user, proposal, body=FIRST):
    proposal.refresh_from_db()
    return proposal_comment_add(
        caller=caller_of(user), number=proposal.number, body=body, version=proposal.version
    )


def change(user, found, body, edits=None):
    return proposal_comment_edit(
        caller=caller_of(user),
        number=found.proposal_id,
        comment_id=found.pk,
        body=body,
        edits=found.edits if edits is None else edits,
    )


def edit_url(found) -> str:
    return f"/data-set/proposals/{found.proposal_id}/comments/{found.pk}/edit/"


def page_text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def last_entry() -> AccessLog:
    return AccessLog.objects.latest("id")


# --- the service --------------------------------------------------------------------------------------------


def test_her_change_is_a_new_version_with_who_and_when_and_what_it_said_is_kept(proposal, ingrid):
    found = comment(ingrid, proposal)
    changed = change(ingrid, found, "The lab reports it already, as pH and base excess.")
    assert changed.body == "The lab reports it already, as pH and base excess."
    assert changed.edits == 1 and changed.edited is not None and changed.created == found.created
    versions = list(changed.history.order_by("history_date", "history_id"))
    assert [version.body for version in versions] == [FIRST, changed.body]
    assert versions[-1].history_user == ingrid and versions[-1].history_type == "~"
    entry = last_entry()
    assert (entry.action, entry.outcome, entry.username) == (
        AccessAction.PROPOSAL_WRITE,
        AccessOutcome.ALLOWED,
        "ingrid",
    )
    assert f"Changed comment {found.pk} on #{proposal.number} (change 1" in entry.detail


def test_the_same_text_again_changes_nothing_and_makes_no_version(proposal, ingrid):
    found = comment(ingrid, proposal)
    unchanged = change(ingrid, found, f"  {FIRST}\n")  # trimmed, it is the same
    assert unchanged.edits == 0 and unchanged.edited is None
    assert found.history.count() == 1
    assert "Nothing to change" in last_entry().detail


@pytest.mark.parametrize("who", ["kari", "nina"])
def test_nobody_but_its_author_changes_a_comment_not_even_the_national_administration(
    proposal, ingrid, kari, nina, who
):
    found = comment(ingrid, proposal)
    with pytest.raises(NotAllowed, match="Only its author can change a comment"):
        change({"kari": kari, "nina": nina}[who], found, "Not what she said.")
    found.refresh_from_db()
    assert found.body == FIRST and found.history.count() == 1
    entry = last_entry()
    assert entry.outcome == AccessOutcome.DENIED and entry.username == who and entry.status_code == 403


def test_a_comment_on_a_closed_proposal_stays_as_it_is(proposal, ingrid, nina):
    found = comment(ingrid, proposal)
    move(nina, proposal, "declined", "Out of scope.")
    with pytest.raises(NotAllowed, match="its comments stay as they are"):
        change(ingrid, found, "Shame.")
    found.refresh_from_db()
    assert found.body == FIRST


def test_a_change_made_from_a_stale_form_is_refused_and_the_newer_text_stays(proposal, ingrid):
    found = comment(ingrid, proposal)
    change(ingrid, found, "Second thoughts.")
    with pytest.raises(VersionConflict, match="changed since you opened it"):
        change(ingrid, found, "From the first window.", edits=0)
    found.refresh_from_db()
    assert found.body == "Second thoughts." and found.edits == 1
    assert last_entry().status_code == 409


@pytest.mark.parametrize("body", ["", "   ", "nul\x00in it", "esc\x1b[31m", 42, None, ["a"], "x" * 8001])
def test_a_change_that_is_no_comment_is_refused_clearly(proposal, ingrid, body):
    found = comment(ingrid, proposal)
    with pytest.raises(Invalid) as refused:
        change(ingrid, found, body)
    assert refused.value.field == "body"
    found.refresh_from_db()
    assert found.body == FIRST and found.edits == 0


@pytest.mark.parametrize("comment_id", ["x", "0", "-1", str(2**70), "999999", None])
def test_a_comment_that_is_not_in_the_thread_is_not_found(proposal, ingrid, comment_id):
    comment(ingrid, proposal)
    with pytest.raises(NotFound, match="has no comment"):
        proposal_comment_edit(
            caller=caller_of(ingrid), number=proposal.number, comment_id=comment_id, body="x", edits=0
        )


def test_a_comment_is_changed_only_through_its_own_proposal(proposal, kari, ingrid):
    found = comment(ingrid, proposal)
    other = propose(kari, title="Apgar at 10 minutes")
    with pytest.raises(NotFound):
        proposal_comment_edit(
            caller=caller_of(ingrid), number=other.number, comment_id=found.pk, body="x", edits=0
        )


def test_nobody_signed_in_is_refused_before_anything_is_read(proposal, ingrid):
    found = comment(ingrid, proposal)
    with pytest.raises(NotAllowed):
        proposal_comment_edit(caller=None, number=proposal.number, comment_id=found.pk, body="x", edits=0)
    assert last_entry().outcome == AccessOutcome.DENIED


def test_followers_are_not_emailed_about_a_change(proposal, ingrid, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        found = comment(ingrid, proposal)
    assert [to for recipients, _ in smtp.received for to in recipients] == ["kari@example.no"]
    smtp.received.clear()
    with django_capture_on_commit_callbacks(execute=True):
        change(ingrid, found, "Changed.")
    assert smtp.received == []


# --- the thread ---------------------------------------------------------------------------------------------


def test_the_thread_says_it_was_changed_and_shows_what_it_said_before(proposal, ingrid, nina):
    found = comment(ingrid, proposal)
    change(ingrid, found, "Second text.")
    change(ingrid, ProposalComment.objects.get(pk=found.pk), "Third text.")
    entry = next(entry for entry in thread_of(proposal, nina).entries if entry.comment)
    assert [text.body for text in entry.earlier] == [FIRST, "Second text."]
    assert entry.earlier[0].at == found.created

    response = browser_of(nina).get(f"/data-set/proposals/{proposal.number}/")
    text = page_text(response)
    assert "Third text." in text and "changed" in text
    assert "What it said before (2 earlier texts)" in text
    assert text.index("Third text.") < text.index(FIRST) < text.index("Second text.")  # now, then before
    assert "Change my comment" not in text  # not hers


def test_only_its_author_is_offered_the_change_and_only_while_it_is_open(proposal, ingrid, nina):
    found = comment(ingrid, proposal)
    thread = f"/data-set/proposals/{proposal.number}/"
    assert edit_url(found) in browser_of(ingrid).get(thread).content.decode()
    assert edit_url(found) not in browser_of(nina).get(thread).content.decode()
    move(nina, proposal, "declined", "Out of scope.")
    assert edit_url(found) not in browser_of(ingrid).get(thread).content.decode()


def test_the_thread_is_read_in_the_same_queries_however_many_comments_were_changed(
    proposal, ingrid, nina, django_assert_num_queries
):
    web = browser_of(nina)
    found = comment(ingrid, proposal)
    change(ingrid, found, "Changed once.")
    web.get(f"/data-set/proposals/{proposal.number}/")
    with django_assert_num_queries(12) as few:  # the thread's eleven and the earlier texts
        web.get(f"/data-set/proposals/{proposal.number}/")
    for index in range(10):
        more = comment(ingrid, proposal, f"Comment {index}.")
        for times in range(3):
            more = change(ingrid, more, f"Comment {index}, change {times}.")
    with django_assert_num_queries(len(few.captured_queries)):
        response = web.get(f"/data-set/proposals/{proposal.number}/")
    assert "Comment 9, change 2." in page_text(response)
    assert page_text(response).count("What it said before (3 earlier texts)") == 10


# --- its page -----------------------------------------------------------------------------------------------


def test_she_changes_her_comment_on_its_page_and_goes_back_to_it(proposal, ingrid):
    found = comment(ingrid, proposal)
    web = browser_of(ingrid)
    form = web.get(edit_url(found))
    assert form.status_code == 200
    assert (
        f"{FIRST}</textarea>" in form.content.decode() and 'name="edits" value="0"' in form.content.decode()
    )
    assert last_entry().action == AccessAction.PROPOSAL_READ

    response = web.post(edit_url(found), {"body": "Now with base excess.", "edits": "0"})
    assert response.status_code == 302
    assert response["Location"] == f"/data-set/proposals/{proposal.number}/#comment-{found.pk}"
    found.refresh_from_db()
    assert found.body == "Now with base excess."
    entry = last_entry()  # the service's; the page wrote no second one
    assert (entry.action, entry.outcome) == (AccessAction.PROPOSAL_WRITE, AccessOutcome.ALLOWED)
    assert (
        AccessLog.objects.filter(action=AccessAction.PROPOSAL_WRITE).count() == 3
    )  # proposed, comment, change


def test_a_stale_page_shows_what_it_says_now_keeps_what_she_typed_and_is_made_current(proposal, ingrid):
    found = comment(ingrid, proposal)
    change(ingrid, found, "From the other window.")
    response = browser_of(ingrid).post(edit_url(found), {"body": "From this window.", "edits": "0"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "What it says now" in page and "From the other window." in page
    assert "From this window.</textarea>" in page
    assert 'name="edits" value="1"' in page  # sent again, having read it, it goes through
    writes = AccessLog.objects.filter(action=AccessAction.PROPOSAL_WRITE).order_by("id")
    assert (
        writes.last().status_code == 409 and writes.count() == 4
    )  # proposed, comment, change, and one for the refused try


def test_an_empty_change_is_shown_beside_the_field_and_saves_nothing(proposal, ingrid):
    found = comment(ingrid, proposal)
    response = browser_of(ingrid).post(edit_url(found), {"body": "  ", "edits": "0"})
    assert response.status_code == 400
    assert 'id="edit_body_error"' in response.content.decode()
    assert "Write your comment." in page_text(response)
    found.refresh_from_db()
    assert found.body == FIRST


def test_someone_elses_comment_page_is_a_403_that_says_why_and_offers_no_form(proposal, ingrid, nina):
    found = comment(ingrid, proposal)
    for method in ("get", "post"):
        response = getattr(browser_of(nina), method)(edit_url(found), {"body": "Mine now.", "edits": "0"})
        assert response.status_code == 403
        assert "Only its author can change a comment." in page_text(response)
        assert "<textarea" not in response.content.decode()
        assert last_entry().outcome == AccessOutcome.DENIED
    found.refresh_from_db()
    assert found.body == FIRST


def test_a_comment_that_is_not_there_is_a_404_page(proposal, ingrid):
    found = comment(ingrid, proposal)
    web = browser_of(ingrid)
    for path in (
        f"/data-set/proposals/{proposal.number}/comments/{found.pk + 1}/edit/",
        f"/data-set/proposals/{proposal.number}/comments/{2**64}/edit/",
        f"/data-set/proposals/{proposal.number + 1}/comments/{found.pk}/edit/",
    ):
        for method in ("get", "post"):
            response = getattr(web, method)(path, {"body": "x", "edits": "0"})
            assert response.status_code == 404, (method, path)
            assert last_entry().outcome == AccessOutcome.DENIED
