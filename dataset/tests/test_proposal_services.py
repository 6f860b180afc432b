"""The change site's write path (dataset/services): proposing (what is refused, and that nothing is saved
then), moving a proposal along its states (who may, which way, with a reason, for which version), stale
forms, closed threads, comments, support and following, each a version with who and when, and each
audited whether done or refused. On PostgreSQL, two administrators moving one version of a proposal at once:
exactly one wins."""

import threading

import pytest
from django.db import connection, connections

from dataset.models import (
    DataSetRelease,
    Proposal,
    ProposalComment,
    ProposalFollow,
    ProposalState,
    ProposalSupport,
    ProposalTransition,
)
from dataset.services import (
    proposal_comment_add,
    proposal_create,
    proposal_follow_set,
    proposal_move,
    proposal_support_set,
)
from maternity.errors import Invalid, NotAllowed, NotFound, VersionConflict
from maternity.models import AccessAction, AccessLog, AccessOutcome
from spine.services import spine_client_create

from .conftest import caller_of

pytestmark = pytest.mark.django_db

S = ProposalState


def propose(user, **changes):
    data = {
        "title": "Record the umbilical cord blood pH",
        "change": "Add cordBloodPh to births.",
        "reason": "The birth registry asks for it.",
        "resources": ["births"],
    }
    return proposal_create(caller=caller_of(user), **{**data, **changes})


def move(user, proposal, to, reason="Because.", **extra):
    proposal.refresh_from_db()
    return proposal_move(
        caller=caller_of(user),
        number=proposal.number,
        to=to,
        reason=reason,
        version=proposal.version,
        **extra,
    )


def entries(action=AccessAction.PROPOSAL_WRITE):
    return list(AccessLog.objects.filter(action=action).order_by("id"))


# --- proposing ------------------------------------------------------------------------------------------


def test_a_professional_proposes_a_change_and_follows_it(kari, location_a):
    proposal = propose(
        kari,
        resources=["births", "new", "births"],
        draft_fields=[{"name": "cordBloodPh", "type": "decimal", "unit": "pH", "required": True}],
    )
    assert proposal.state == S.PROPOSED and proposal.version == 1
    assert proposal.resources == ["births", "new"]  # each once, in the data set's order, "new" last
    assert proposal.draft_fields == [
        {"name": "cordBloodPh", "type": "decimal", "unit": "pH", "required": True, "description": ""}
    ]
    assert (proposal.proposed_by, proposal.proposer_kind, proposal.proposer_location) == (
        kari,
        "professional",
        location_a,
    )
    assert proposal.proposer_name == "Kari Jordmor"
    assert ProposalFollow.objects.filter(proposal=proposal, user=kari).exists()
    (history,) = proposal.history.all()
    assert history.history_user == kari and history.history_type == "+"
    (entry,) = entries()
    assert entry.outcome == AccessOutcome.ALLOWED and entry.username == "kari"
    assert entry.resource_type == "changeProposal" and entry.org_name == location_a.name
    assert f"Proposed #{proposal.number}" in entry.detail


def test_a_care_location_admin_proposes_for_her_locations_client_system(lise, client_a, location_a):
    proposal = propose(lise, on_behalf_of=client_a.client.pk)
    assert proposal.on_behalf_of == client_a.client and proposal.on_behalf_of_name == "EPJ at St Olav"
    assert proposal.proposer_kind == "location_admin" and proposal.proposer_location == location_a


@pytest.mark.parametrize("who", ["kari", "lise"])
def test_nobody_proposes_for_another_locations_client_system_nor_a_professional_for_any(
    who, kari, lise, client_a, client_b
):
    user = {"kari": kari, "lise": lise}[who]
    client = client_a if who == "kari" else client_b  # Kari administers nothing; Lise administers A only
    with pytest.raises(NotAllowed) as refused:
        propose(user, on_behalf_of=client.client.pk)
    assert refused.value.field == "on_behalf_of"
    assert not Proposal.objects.exists()
    (entry,) = entries()
    assert entry.outcome == AccessOutcome.DENIED and entry.status_code == 403


LONG = "x" * 8001


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"title": "  "}, "title", "Give the proposal a title"),
        ({"title": "x" * 201}, "title", "The title is 201 characters long; it can be at most 200."),
        ({"title": "Two\nlines"}, "title", "U+000A (LF)"),
        ({"title": 12}, "title", "The title must be text."),
        ({"change": ""}, "change", "Say what should change"),
        ({"change": LONG}, "change", "at most 8000"),
        ({"reason": None}, "reason", "Say why"),
        ({"reason": "Bell\x07"}, "reason", "U+0007 (BEL)"),
        ({"resources": []}, "resources", "Choose the resources"),
        ({"resources": "births"}, "resources", "must be a list"),
        ({"resources": ["births", "nonsense"]}, "resources", "Unknown resource 'nonsense'"),
        ({"draft_fields": "cordBloodPh"}, "draft_fields", "must be a list of fields"),
        ({"draft_fields": [{"type": "decimal"}] * 31}, "draft_fields", "31 fields; it can have at most 30"),
        (
            {"draft_fields": [{"name": "Cord pH", "type": "decimal"}]},
            "draft_fields.0.name",
            "not a field name",
        ),
        ({"draft_fields": [{"name": "cordPh", "type": "float"}]}, "draft_fields.0.type", "choose its type"),
        (
            {"draft_fields": [{"name": "a", "type": "date", "required": "yes"}]},
            "draft_fields.0.required",
            "yes or no",
        ),
        (
            {"draft_fields": [{"name": "a", "type": "date", "colour": "red"}]},
            "draft_fields.0.name",
            "unknown part",
        ),
        (
            {"draft_fields": [{"name": "a", "type": "date", "unit": "u" * 41}]},
            "draft_fields.0.unit",
            "at most 40",
        ),
        ({"draft_fields": ["a"]}, "draft_fields.0.name", "is not a field"),
        (
            {"draft_fields": [{"name": "a", "type": "date"}, {"name": "a", "type": "code"}]},
            "draft_fields.1.name",
            "named twice",
        ),
    ],
)
def test_a_bad_proposal_is_refused_naming_the_field_and_nothing_is_saved(kari, changes, field, words):
    with pytest.raises(Invalid) as refused:
        propose(kari, **changes)
    assert refused.value.field == field
    assert words in str(refused.value.message)
    assert not Proposal.objects.exists() and not ProposalFollow.objects.exists()
    (entry,) = entries()
    assert (entry.outcome, entry.status_code) == (AccessOutcome.REJECTED, 400)
    assert "Refused:" in entry.detail


def test_nobody_who_is_not_a_caller_proposes_and_the_attempt_is_audited():
    with pytest.raises(NotAllowed):
        proposal_create(caller=None, title="t", change="c", reason="r", resources=["births"])
    assert not Proposal.objects.exists()
    (entry,) = entries()
    assert (entry.outcome, entry.status_code, entry.username) == (AccessOutcome.DENIED, 403, "")


# --- moving along the states --------------------------------------------------------------------------------


def test_the_national_administration_moves_a_proposal_all_the_way_with_a_reason_at_each_step(proposal, nina):
    move(nina, proposal, "under_review", "On the agenda of the data-set group.")
    move(nina, proposal, "accepted", "Agreed with the registry.")
    move(nina, proposal, "scheduled", "Fits the next version.", scheduled_version="1.5.0")
    move(nina, proposal, "scheduled", "Moved: 1.5.0 is full.", scheduled_version="1.6.0")
    move(nina, proposal, "accepted", "Unscheduled until the code list is ready.")
    proposal.refresh_from_db()
    assert (proposal.state, proposal.scheduled_version, proposal.version) == (S.ACCEPTED, "", 6)
    steps = list(ProposalTransition.objects.filter(proposal=proposal).order_by("at", "id"))
    assert [(s.from_state, s.to_state, s.version) for s in steps] == [
        ("proposed", "under_review", ""),
        ("under_review", "accepted", ""),
        ("accepted", "scheduled", "1.5.0"),
        ("scheduled", "scheduled", "1.6.0"),
        ("scheduled", "accepted", ""),
    ]
    assert steps[0].reason == "On the agenda of the data-set group." and steps[0].by == nina
    assert steps[0].by_kind == "national"
    assert proposal.history.count() == 6  # created, then a version for each step
    assert {row.history_user for row in proposal.history.all()} == {proposal.proposed_by, nina}
    assert len(entries()) == 1 + 5  # the proposal, then each move


@pytest.mark.parametrize(
    ("state_path", "to", "allowed"),
    [
        ([], "accepted", "under review, declined, withdrawn"),
        ([], "scheduled", "under review, declined, withdrawn"),
        (["under_review"], "proposed", "accepted, declined, withdrawn"),
        (["under_review", "accepted"], "under_review", "scheduled, declined, withdrawn"),
    ],
)
def test_a_move_the_states_do_not_allow_is_refused_listing_where_it_can_go(
    proposal, nina, state_path, to, allowed
):
    for state in state_path:
        move(nina, proposal, state)
    with pytest.raises(Invalid) as refused:
        move(nina, proposal, to, scheduled_version="1.6.0")
    assert refused.value.field == "to"
    assert str(refused.value.message).endswith(f"can move to: {allowed}.")
    proposal.refresh_from_db()
    assert proposal.version == 1 + len(state_path)


def test_released_is_reached_only_by_releasing_a_version(proposal, nina):
    for state in ("under_review", "accepted"):
        move(nina, proposal, state)
    move(nina, proposal, "scheduled", scheduled_version="1.5.0")
    with pytest.raises(Invalid) as refused:
        move(nina, proposal, "released")
    assert "released only by releasing the data-set version" in str(refused.value.message)


def test_an_unknown_state_is_refused_naming_the_states(proposal, nina):
    with pytest.raises(Invalid) as refused:
        move(nina, proposal, "done")
    assert "Unknown state 'done': choose one of proposed, under_review" in str(refused.value.message)


@pytest.mark.parametrize("reason", ["", "   ", "r" * 2001, "Escape\x1b[31m"])
def test_every_move_needs_a_reason_of_at_most_2000_characters(proposal, nina, reason):
    with pytest.raises(Invalid) as refused:
        move(nina, proposal, "under_review", reason)
    assert refused.value.field == "reason"
    proposal.refresh_from_db()
    assert proposal.state == S.PROPOSED and not ProposalTransition.objects.exists()


@pytest.mark.parametrize(
    ("released", "version", "words"),
    [
        (None, "", 'Give the data-set version to schedule it for, e.g. "1.5.0"'),
        (None, "1.6", "'1.6' is not a data-set version"),
        (None, "v1.6.0", "is not a data-set version"),
        (None, "01.6.0", "is not a data-set version"),
        (None, "1.4.9", "This server implements version 1.5.0: schedule it for 1.5.0 or a later one."),
        ("1.5.1", "1.5.1", "Version 1.5.1 is already released: schedule it for a later version."),
        ("1.5.1", "1.5.0", "Version 1.5.1 is already released: schedule it for a later version."),
    ],
)
def test_a_proposal_is_scheduled_only_for_a_version_after_the_last_released_and_not_before_this_one(
    proposal, nina, released, version, words
):
    if released:
        DataSetRelease.objects.create(version=released, released_on="2027-01-04")
    for state in ("under_review", "accepted"):
        move(nina, proposal, state)
    with pytest.raises(Invalid) as refused:
        move(nina, proposal, "scheduled", scheduled_version=version)
    assert refused.value.field == "scheduled_version"
    assert words in str(refused.value.message)
    move(nina, proposal, "scheduled", scheduled_version="1.5.2")  # after any release, not before 1.5.0: fine


def test_rescheduling_needs_another_version(proposal, nina):
    for state in ("under_review", "accepted"):
        move(nina, proposal, state)
    move(nina, proposal, "scheduled", scheduled_version="1.6.0")
    with pytest.raises(Invalid) as refused:
        move(nina, proposal, "scheduled", scheduled_version="1.6.0")
    assert "already scheduled for 1.6.0" in str(refused.value.message)


def test_a_form_made_from_an_older_version_of_the_proposal_is_refused_as_stale(proposal, nina):
    stale = proposal.version
    move(nina, proposal, "under_review")
    with pytest.raises(VersionConflict) as refused:
        proposal_move(
            caller=caller_of(nina), number=proposal.number, to="declined", reason="r", version=stale
        )
    assert "changed since you opened it" in str(refused.value.message)
    for version in ("x", None, "9" * 5000, -1):
        with pytest.raises(VersionConflict):
            proposal_move(
                caller=caller_of(nina), number=proposal.number, to="declined", reason="r", version=version
            )
    proposal.refresh_from_db()
    assert proposal.state == S.UNDER_REVIEW
    stale_entries = [entry for entry in entries() if entry.status_code == 409]
    assert len(stale_entries) == 5 and all(entry.outcome == AccessOutcome.REJECTED for entry in stale_entries)


def test_its_proposer_withdraws_it_but_moves_it_nowhere_else(proposal, kari):
    with pytest.raises(NotAllowed) as refused:
        move(kari, proposal, "under_review")
    assert "As its proposer you may withdraw it" in str(refused.value.message)
    move(kari, proposal, "withdrawn", "The registry found another way.")
    proposal.refresh_from_db()
    assert proposal.state == S.WITHDRAWN


def test_another_professional_and_a_care_location_admin_neither_withdraw_nor_move_it(proposal, ingrid, lise):
    for user in (ingrid, lise):
        for to in ("withdrawn", "under_review", "declined"):
            with pytest.raises(NotAllowed) as refused:
                move(user, proposal, to)
            assert "Only the national administration moves a proposal" in str(refused.value.message)
    proposal.refresh_from_db()
    assert proposal.state == S.PROPOSED and proposal.version == 1
    assert all(entry.outcome == AccessOutcome.DENIED for entry in entries()[1:])


@pytest.mark.parametrize("final", ["declined", "withdrawn"])
def test_a_final_state_is_final_and_closes_the_thread_to_comments_and_support(proposal, nina, kari, final):
    move(nina, proposal, final, "Not in scope.")
    proposal.refresh_from_db()
    with pytest.raises(NotAllowed) as refused:
        move(nina, proposal, "under_review")
    assert f"This proposal is {final}: its state no longer changes." == str(refused.value.message)
    with pytest.raises(NotAllowed) as refused:
        proposal_comment_add(
            caller=caller_of(kari), number=proposal.number, body="But!", version=proposal.version
        )
    assert f"This proposal is {final}: its thread is closed to new comments." == str(refused.value.message)
    with pytest.raises(NotAllowed):
        proposal_support_set(caller=caller_of(kari), number=proposal.number, supports=True)
    assert not ProposalComment.objects.exists() and not ProposalSupport.objects.exists()
    proposal_follow_set(caller=caller_of(kari), number=proposal.number, follows=False)  # stopping stays open
    assert not ProposalFollow.objects.filter(user=kari).exists()


def test_a_proposal_that_does_not_exist_is_not_found(nina):
    for number in (999, 0, -3, "x", 2**63, "1" * 40):
        with pytest.raises(NotFound):
            proposal_move(caller=caller_of(nina), number=number, to="declined", reason="r", version=1)


# --- the thread ------------------------------------------------------------------------------------------


def test_a_comment_is_kept_with_who_wrote_it_and_where_and_its_author_follows(proposal, ingrid, location_b):
    comment = proposal_comment_add(
        caller=caller_of(ingrid),
        number=proposal.number,
        body="  We would use it too.  ",
        version=1,
        language="nb",
    )
    assert comment.body == "We would use it too."
    assert (comment.author, comment.author_name, comment.author_kind, comment.author_location) == (
        ingrid,
        "Ingrid Haugen",
        "professional",
        location_b,
    )
    assert comment.history.get().history_user == ingrid
    follow = ProposalFollow.objects.get(proposal=proposal, user=ingrid)
    assert follow.language == "nb"
    proposal.refresh_from_db()
    assert proposal.version == 1  # a comment is not a change of the proposal


@pytest.mark.parametrize(("body", "words"), [("", "Write your comment."), ("c" * 8001, "at most 8000")])
def test_an_empty_or_too_long_comment_is_refused(proposal, ingrid, body, words):
    with pytest.raises(Invalid) as refused:
        proposal_comment_add(caller=caller_of(ingrid), number=proposal.number, body=body, version=1)
    assert words in str(refused.value.message) and refused.value.field == "body"
    assert not ProposalComment.objects.exists() and not ProposalFollow.objects.filter(user=ingrid).exists()


def test_a_comment_on_a_proposal_that_moved_since_it_was_opened_is_refused_as_stale(proposal, ingrid, nina):
    move(nina, proposal, "under_review")
    with pytest.raises(VersionConflict):
        proposal_comment_add(caller=caller_of(ingrid), number=proposal.number, body="Yes!", version=1)
    assert not ProposalComment.objects.exists()


def test_support_is_set_not_flipped_once_per_person_and_each_change_is_a_version(proposal, ingrid, lise):
    for _ in range(2):
        proposal_support_set(caller=caller_of(ingrid), number=proposal.number, supports=True)
    proposal_support_set(caller=caller_of(lise), number=proposal.number, supports=True)
    assert ProposalSupport.objects.filter(proposal=proposal).count() == 2
    proposal_support_set(caller=caller_of(ingrid), number=proposal.number, supports=False)
    proposal_support_set(caller=caller_of(ingrid), number=proposal.number, supports=False)
    assert list(ProposalSupport.objects.values_list("user__username", flat=True)) == ["lise"]
    history = ProposalSupport.history.filter(user=ingrid).order_by("history_date")
    assert [row.history_type for row in history] == ["+", "-"]
    details = [entry.detail for entry in entries()[1:]]
    assert details[1] == f"Support proposal #{proposal.number}. Already supports #{proposal.number}."


def test_following_is_set_and_in_the_language_of_the_page(proposal, ingrid):
    proposal_follow_set(caller=caller_of(ingrid), number=proposal.number, follows=True, language="nb")
    assert ProposalFollow.objects.get(user=ingrid).language == "nb"
    proposal_follow_set(caller=caller_of(ingrid), number=proposal.number, follows=True, language="en")
    assert ProposalFollow.objects.get(user=ingrid).language == "en"
    proposal_follow_set(caller=caller_of(ingrid), number=proposal.number, follows=True, language="xx")
    assert ProposalFollow.objects.get(user=ingrid).language == ""  # no language of ours: the deployment's
    proposal_follow_set(caller=caller_of(ingrid), number=proposal.number, follows=False)
    assert not ProposalFollow.objects.filter(user=ingrid).exists()


def test_a_client_system_of_an_inactive_kind_cannot_be_proposed_for(lise, location_a):
    client = spine_client_create(care_location=location_a, name="Old EPJ").client
    client.active = False
    client.save(update_fields=["active"])
    with pytest.raises(NotAllowed):
        propose(lise, on_behalf_of=client.pk)


# --- at once ------------------------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_administrators_moving_the_same_version_at_once_one_wins(kari, nina, django_user_model):
    other = django_user_model.objects.create_user("nils", is_staff=True, is_superuser=True)
    proposal = propose(kari)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(user, to):
        try:
            barrier.wait(timeout=10)
            proposal_move(caller=caller_of(user), number=proposal.number, to=to, reason="Now.", version=1)
            outcomes.append("moved")
        except VersionConflict:
            outcomes.append("stale")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=attempt, args=(nina, "under_review")),
        threading.Thread(target=attempt, args=(other, "declined")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["moved", "stale"]
    proposal.refresh_from_db()
    assert proposal.version == 2 and ProposalTransition.objects.count() == 1
    assert connection.vendor == "postgresql"
