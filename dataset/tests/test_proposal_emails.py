"""Followers are emailed (dataset/emails.py), through a real SMTP server on loopback (aiosmtpd): on a new
comment and on every state change, its release included; never the one who did it; each in the language of
the page she followed from; the email names the proposal, what happened, the comment or the reason, and the
thread's address. Nothing leaves for a write rolled back, and a mail server that is down never fails the
write."""

import logging
from email import message_from_bytes, policy

import pytest
from django.db import transaction

from dataset.models import ProposalComment, ProposalState
from dataset.services import data_set_release, proposal_comment_add, proposal_follow_set
from dataset.versions import DATA_SET_VERSION

from .conftest import caller_of
from .test_proposal_services import move

pytestmark = pytest.mark.django_db

THREAD = "https://maternity.example.no/data-set/proposals/{}/"


def read(raw: str) -> tuple[str, str]:
    """(subject, body) of a received message, decoded."""
    message = message_from_bytes(raw.encode(), policy=policy.default)
    return str(message["Subject"]).strip(), message.get_content().replace("\r\n", "\n")


def comment(user, proposal, body, language="en"):
    return proposal_comment_add(
        caller=caller_of(user), number=proposal.number, body=body, version=proposal.version, language=language
    )


def test_a_comment_is_emailed_to_every_follower_but_its_author(
    proposal, ingrid, lise, nina, smtp, django_capture_on_commit_callbacks
):
    proposal_follow_set(caller=caller_of(lise), number=proposal.number, follows=True, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        comment(ingrid, proposal, "We would record it too:\nthe lab reports it already.")
    assert sorted(to for recipients, _ in smtp.received for to in recipients) == [
        "kari@example.no",  # the proposer follows it
        "lise@example.no",  # she chose to
    ]  # not Ingrid, who wrote it (she follows it from now on); not Nina, who does not follow it
    subject, body = read(smtp.to("kari@example.no")[0])
    assert subject == f"New comment on change proposal #{proposal.number}: Record the umbilical cord blood pH"
    assert f'Ingrid Haugen commented on change proposal #{proposal.number}, "Record the umbilical' in body
    assert "We would record it too:\nthe lab reports it already." in body
    assert THREAD.format(proposal.number) in body
    assert "From: data-set@example.no" in smtp.to("kari@example.no")[0]

    smtp.received.clear()
    with django_capture_on_commit_callbacks(execute=True):
        comment(kari := proposal.proposed_by, proposal, "Thank you.")
    assert sorted(to for recipients, _ in smtp.received for to in recipients) == [
        "ingrid@example.no",
        "lise@example.no",
    ]
    assert kari.username == "kari"


def test_every_state_change_is_emailed_with_its_reason_and_version(
    proposal, nina, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        move(nina, proposal, "under_review", "On the data-set group's agenda for March.")
        move(nina, proposal, "accepted", "Agreed.")
        move(nina, proposal, "scheduled", "It fits.", scheduled_version=DATA_SET_VERSION)
    subjects = [read(raw)[0].replace(f"#{proposal.number}", "#N") for raw in smtp.to("kari@example.no")]
    assert subjects == [
        "Change proposal #N is now under review: Record the umbilical cord blood pH",
        "Change proposal #N is now accepted: Record the umbilical cord blood pH",
        "Change proposal #N scheduled for version 1.5.0: Record the umbilical cord blood pH",
    ]
    _, body = read(smtp.to("kari@example.no")[0])
    moved = (
        f'Nina Nasjonal moved change proposal #{proposal.number}, "Record the umbilical cord blood pH", from '
    )
    assert f"{moved}proposed to under review." in body.replace("\n", " ")
    assert "On the data-set group's agenda for March." in body and THREAD.format(proposal.number) in body
    _, body = read(smtp.to("kari@example.no")[2])
    assert "for data-set version 1.5.0 (it was accepted)" in body.replace("\n", " ")

    smtp.received.clear()
    with django_capture_on_commit_callbacks(execute=True):
        data_set_release(caller=caller_of(nina), version=DATA_SET_VERSION)
    ((to, raw),) = smtp.received
    subject, body = read(raw)
    assert to == ["kari@example.no"]
    assert (
        subject
        == f"Change proposal #{proposal.number} released in version 1.5.0: Record the umbilical cord blood pH"
    )
    assert "was released in data-set version 1.5.0" in body.replace("\n", " ")


def test_each_follower_reads_it_in_the_language_she_followed_in(
    proposal, ingrid, lise, nina, smtp, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_LANGUAGE_CODE = "nb"  # the deployment's
    proposal_follow_set(caller=caller_of(ingrid), number=proposal.number, follows=True, language="nb")
    proposal_follow_set(caller=caller_of(lise), number=proposal.number, follows=True, language="")
    with django_capture_on_commit_callbacks(execute=True):
        move(nina, proposal, "declined", "Utenfor datasettet.")
    english, _ = read(smtp.to("kari@example.no")[0])
    bokmal, body = read(smtp.to("ingrid@example.no")[0])
    deployment, _ = read(smtp.to("lise@example.no")[0])
    number = proposal.number
    assert english == f"Change proposal #{number} is now declined: Record the umbilical cord blood pH"
    assert bokmal == f"Endringsforslag #{number} er nå avslått: Record the umbilical cord blood pH"
    assert "Utenfor datasettet." in body and "Les hele tråden" in body
    assert deployment == bokmal  # no language of hers: the deployment's (PAGE_LANGUAGE_CODE)


def test_nobody_without_an_address_or_an_active_account_is_emailed(
    proposal, ingrid, lise, nina, smtp, django_capture_on_commit_callbacks
):
    for user in (ingrid, lise):
        proposal_follow_set(caller=caller_of(user), number=proposal.number, follows=True)
    ingrid.email = ""
    ingrid.save(update_fields=["email"])
    lise.is_active = False
    lise.save(update_fields=["is_active"])
    with django_capture_on_commit_callbacks(execute=True):
        move(nina, proposal, "under_review")
    assert [recipients for recipients, _ in smtp.received] == [["kari@example.no"]]


def test_nothing_is_sent_for_a_write_rolled_back(proposal, ingrid, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        comment(ingrid, proposal, "Changed my mind.")
        transaction.set_rollback(True)
    assert smtp.received == []
    assert not ProposalComment.objects.exists()


def test_a_mail_server_that_is_down_never_fails_the_write(
    proposal, nina, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = (
        "127.0.0.1",
        9,
        False,
    )  # discard: closed
    settings.EMAIL_TIMEOUT = 2
    with (
        caplog.at_level(logging.WARNING, logger="dataset.emails"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        moved = move(nina, proposal, "under_review", "Next meeting.")
    assert moved.state == ProposalState.UNDER_REVIEW
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.UNDER_REVIEW
    assert f"Could not email the followers of change proposal #{proposal.number} (1 emails)" in caplog.text
