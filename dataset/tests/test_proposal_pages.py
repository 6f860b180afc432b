"""The change site's pages (dataset/views/proposals*.py) with the Django test client: the list (by state, a
page at a time), the new-proposal form (its errors beside the fields, more rows for the draft, nothing saved
when refused), a proposal's thread (comments and state changes in order, support and follow, the national
administration's form, a stale form, a closed thread), upcoming changes (public, by version) and releasing.
Pages whose size grows with the data are read in a fixed number of queries; every page view of a proposal
is audited."""

import re

import pytest
from django.test import Client

from dataset.models import DataSetRelease, Proposal, ProposalComment, ProposalState
from dataset.proposal_reads import proposals_page
from dataset.services import data_set_release, proposal_comment_add, proposal_support_set
from dataset.versions import DATA_SET_VERSION
from maternity.models import AccessAction, AccessLog, AccessOutcome

from .conftest import browser_of, caller_of
from .test_proposal_services import move, propose

pytestmark = pytest.mark.django_db

NEW = "/data-set/proposals/new/"


def thread_url(proposal) -> str:
    return f"/data-set/proposals/{proposal.number}/"


def page_text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def new_form(**changes) -> dict:
    return {
        "title": "Record skin-to-skin contact",
        "change": "A yes/no field on births: skin-to-skin contact within an hour of birth.",
        "reason": "Baby-friendly hospital reporting asks for it.",
        "resources": ["births"],
        "fields-TOTAL_FORMS": "3",
        "fields-INITIAL_FORMS": "0",
        "fields-0-name": "skinToSkin",
        "fields-0-type": "boolean",
        "fields-0-required": "on",
        "fields-0-description": "Within the first hour",
        **changes,
    }


# --- the list -----------------------------------------------------------------------------------------------


def test_the_list_shows_the_newest_first_with_supporters_and_filters_by_state(kari, ingrid, nina):
    first = propose(kari, title="Cord blood pH")
    second = propose(kari, title="Apgar at 10 minutes")
    move(nina, first, "under_review")
    proposal_support_set(caller=caller_of(ingrid), number=first.number, supports=True)
    web = browser_of(ingrid)
    text = page_text(web.get("/data-set/proposals/"))
    assert text.index("Apgar at 10 minutes") < text.index("Cord blood pH")
    assert "2 proposals" in text and "1 supporter" in text
    text = page_text(web.get("/data-set/proposals/?state=under_review"))
    assert "Cord blood pH" in text and "Apgar" not in text and "1 proposal" in text
    assert "No proposal is in that state" in page_text(web.get("/data-set/proposals/?state=released"))
    assert second.number > first.number


def test_an_unknown_state_in_the_filter_is_a_clear_400(ingrid):
    response = browser_of(ingrid).get("/data-set/proposals/?state=everything")
    assert response.status_code == 400
    assert "There is no state &#x27;everything&#x27;: choose one from the list." in response.content.decode()


def test_the_list_is_paginated_and_read_in_the_same_queries_however_many_proposals(
    kari, ingrid, django_assert_num_queries
):
    web = browser_of(ingrid)
    for index in range(3):
        propose(kari, title=f"Change {index}")
    web.get("/data-set/proposals/")  # the session's first read
    with django_assert_num_queries(
        7
    ) as few:  # session, user, her practitioner and locations; count, page; audit
        web.get("/data-set/proposals/")
    for index in range(3, 40):
        propose(kari, title=f"Change {index}")
    with django_assert_num_queries(len(few.captured_queries)):
        response = web.get("/data-set/proposals/?page=2")
    text = page_text(response)
    assert "40 proposals, showing 26–40" in text and "Page 2 of 2" in text
    assert "Change 14" in text and "Change 15" not in text
    assert page_text(web.get("/data-set/proposals/?page=999")).count("Page 2 of 2") == 1  # the last page


# --- a new proposal -------------------------------------------------------------------------------------


def test_a_professional_proposes_through_the_form_and_lands_on_its_thread(ingrid):
    web = browser_of(ingrid)
    assert web.get(NEW).status_code == 200
    response = web.post(NEW, new_form(), follow=True)
    proposal = Proposal.objects.get()
    assert response.redirect_chain == [(thread_url(proposal), 302)]
    assert proposal.draft_fields == [
        {
            "name": "skinToSkin",
            "type": "boolean",
            "unit": "",
            "required": True,
            "description": "Within the first hour",
        }
    ]
    text = page_text(response)
    assert f"Your proposal is #{proposal.number}." in text and "Yes or no" in text and "skinToSkin" in text


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"title": ""}, "Title: Give the proposal a title"),
        ({"change": "  "}, "What should change: Say what should change in the data set."),
        ({"resources": []}, "Which resources it touches: Choose the resources the change touches"),
        ({"resources": ["births", "mothers"]}, "Choose among the resources listed: mothers is not one."),
        ({"fields-0-type": "float"}, "Choose one of the types listed."),
        ({"fields-0-name": "skin to skin"}, "Field 1: &#x27;skin to skin&#x27; is not a field name."),
        ({"fields-TOTAL_FORMS": "x"}, "ManagementForm data is missing or has been tampered with"),
        ({"fields-TOTAL_FORMS": "500"}, "Please submit at most 30 forms."),
        ({"title": "t" * 5000}, "The title is 5000 characters long; it can be at most 200."),
        ({"reason": "r" * 100_000}, "Why is 100000 characters long; it can be at most 8000."),
    ],
)
def test_a_refused_proposal_shows_what_is_wrong_keeps_what_was_typed_and_saves_nothing(
    ingrid, changes, words
):
    response = browser_of(ingrid).post(NEW, new_form(**changes))
    assert response.status_code == 400
    page = response.content.decode()
    assert words in page, page_text(response)[:3000]
    assert "Nothing was saved" in page
    assert not Proposal.objects.exists()
    entry = AccessLog.objects.latest("id")
    assert (entry.action, entry.outcome, entry.status_code) == (
        AccessAction.PROPOSAL_WRITE,
        AccessOutcome.REJECTED,
        400,
    )


def test_the_refusal_of_a_draft_field_is_shown_beside_its_row_the_written_rows_first(ingrid):
    form = new_form(
        **{"fields-2-name": "skinToSkin", "fields-2-type": "date"}
    )  # row 2 empty, 1 and 3 the same
    response = browser_of(ingrid).post(NEW, form)
    assert response.status_code == 400
    page = response.content.decode()
    row = page[page.index("Field 2</legend>") : page.index('name="fields-1-unit"')]
    assert "Field 2: skinToSkin is named twice in the draft" in row and 'value="date"' in row
    assert 'name="fields-TOTAL_FORMS" value="3"' in page and 'name="fields-2-name"' in page
    assert 'value="skinToSkin"' not in page[page.index("Field 3</legend>") :]


def test_more_rows_adds_three_empty_rows_and_saves_nothing(ingrid):
    response = browser_of(ingrid).post(NEW, new_form(more_rows="1", title=""))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="fields-TOTAL_FORMS" value="6"' in page and 'name="fields-5-name"' in page
    assert 'value="skinToSkin"' in page  # kept
    assert "Give the proposal a title" not in page  # not yet checked: nothing was sent for saving
    assert not Proposal.objects.exists()


def test_a_care_location_admin_chooses_among_her_locations_client_systems_only(lise, client_a, client_b):
    web = browser_of(lise)
    page = web.get(NEW).content.decode()
    assert "EPJ at St Olav" in page and "EPJ at Munkholmen" not in page
    response = web.post(NEW, new_form(on_behalf_of=str(client_b.client.pk)))
    assert response.status_code == 400 and "Choose one of your locations" in response.content.decode()
    response = web.post(NEW, new_form(on_behalf_of=str(client_a.client.pk)))
    assert response.status_code == 302
    assert Proposal.objects.get().on_behalf_of == client_a.client


def test_a_professional_is_not_offered_a_client_system(ingrid, client_b):
    assert "on_behalf_of" not in browser_of(ingrid).get(NEW).content.decode()


# --- the thread ---------------------------------------------------------------------------------------------


def test_the_thread_shows_comments_and_state_changes_in_the_order_they_happened(proposal, ingrid, nina):
    proposal_comment_add(caller=caller_of(ingrid), number=proposal.number, body="We would use it.", version=1)
    move(nina, proposal, "under_review", "On the agenda in March.")
    proposal.refresh_from_db()
    proposal_comment_add(
        caller=caller_of(nina), number=proposal.number, body="Which lab method?", version=proposal.version
    )
    proposal_support_set(caller=caller_of(ingrid), number=proposal.number, supports=True)
    text = page_text(browser_of(ingrid).get(thread_url(proposal)))
    assert (
        text.index("We would use it.")
        < text.index("Proposed → to Under review")  # (the arrow is hidden from a screen reader, "to" shown)
        < text.index("On the agenda in March.")
        < text.index("Which lab method?")
    )
    assert "Ingrid Haugen , St Olavs" not in text and "Ingrid Haugen , Munkholmen jordmortjeneste" in text
    assert "Nina Nasjonal , national administration" in text
    assert "1 supporter" in text and "Take back my support" in text and "Stop following" in text
    assert "Move it (national administration)" not in text and "Withdraw your proposal" not in text


def test_the_thread_is_read_in_the_same_queries_however_long_it_is(
    proposal, ingrid, nina, django_assert_num_queries
):
    web = browser_of(nina)
    proposal_comment_add(caller=caller_of(ingrid), number=proposal.number, body="First.", version=1)
    web.get(thread_url(proposal))
    with django_assert_num_queries(11) as few:
        web.get(thread_url(proposal))
    for index in range(20):
        proposal_comment_add(
            caller=caller_of(ingrid), number=proposal.number, body=f"Comment {index}.", version=1
        )
        proposal_support_set(caller=caller_of(ingrid), number=proposal.number, supports=index % 2 == 0)
    move(nina, proposal, "under_review")
    with django_assert_num_queries(len(few.captured_queries)):
        response = web.get(thread_url(proposal))
    assert "Comment 19." in page_text(response)


def test_reading_a_proposal_is_audited_naming_it(proposal, ingrid, location_b):
    browser_of(ingrid).get(thread_url(proposal))
    entry = AccessLog.objects.latest("id")
    assert (entry.action, entry.outcome, entry.username, entry.org_name) == (
        AccessAction.PROPOSAL_READ,
        AccessOutcome.ALLOWED,
        "ingrid",
        location_b.name,
    )
    assert f"Read proposal #{proposal.number} (proposed, version 1)." in entry.detail
    assert entry.record_id is None and entry.resource_type == "changeProposal"


def test_a_proposal_that_does_not_exist_is_a_404_page_and_audited(ingrid):
    for path in ("/data-set/proposals/999/", f"/data-set/proposals/{2**64}/"):
        response = browser_of(ingrid).get(path)
        assert response.status_code == 404 and "There is no change proposal" in response.content.decode()
    assert AccessLog.objects.latest("id").outcome == AccessOutcome.DENIED


def test_commenting_through_the_page_goes_back_to_the_comment(proposal, ingrid):
    response = browser_of(ingrid).post(
        f"{thread_url(proposal)}comment/", {"body": "The lab reports it already.", "version": "1"}
    )
    comment = ProposalComment.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"{thread_url(proposal)}#comment-{comment.pk}"
    )


def test_a_stale_comment_is_refused_its_text_kept_and_the_form_made_current(proposal, ingrid, nina):
    move(nina, proposal, "under_review", "On the agenda.")
    response = browser_of(ingrid).post(
        f"{thread_url(proposal)}comment/", {"body": "My long comment.", "version": "1"}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "This proposal changed since you opened it" in page
    assert "My long comment.</textarea>" in page
    assert 'name="version" value="2"' in page  # sent again, having read what changed, it goes through
    assert not ProposalComment.objects.exists()


def test_the_national_administration_moves_it_from_the_thread_and_a_bad_move_is_explained(proposal, nina):
    web = browser_of(nina)
    page = web.get(thread_url(proposal)).content.decode()
    assert 'value="under_review"' in page and 'value="accepted"' not in page
    response = web.post(f"{thread_url(proposal)}state/", {"to": "accepted", "reason": "Yes.", "version": "1"})
    assert response.status_code == 400
    assert "A proposal that is proposed can move to: under review, declined, withdrawn." in page_text(
        response
    )
    response = web.post(f"{thread_url(proposal)}state/", {"to": "under_review", "reason": "", "version": "1"})
    assert response.status_code == 400 and "Give the reason for this step" in page_text(response)
    response = web.post(
        f"{thread_url(proposal)}state/", {"to": "under_review", "reason": "Agenda.", "version": "1"}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.UNDER_REVIEW


def test_its_proposer_withdraws_it_from_the_thread_and_then_it_says_the_thread_is_closed(proposal, kari):
    web = browser_of(kari)
    assert "Withdraw your proposal" in page_text(web.get(thread_url(proposal)))
    response = web.post(f"{thread_url(proposal)}state/", {"reason": "Not needed after all.", "version": "1"})
    assert response.status_code == 302
    text = page_text(web.get(thread_url(proposal)))
    assert "This proposal is withdrawn: its thread is closed to new comments." in text
    assert "Add my comment" not in text and "Support this proposal" not in text
    assert "Not needed after all." in text


@pytest.mark.parametrize(("path", "field"), [("support/", "support"), ("follow/", "follow")])
@pytest.mark.parametrize("value", ["", "maybe", "1" * 5000])
def test_support_and_follow_take_yes_or_no_only(proposal, ingrid, path, field, value):
    response = browser_of(ingrid).post(f"{thread_url(proposal)}{path}", {field: value})
    assert response.status_code == 400 and "The form could not be read" in page_text(response)


def test_a_get_on_a_form_only_address_is_refused(proposal, ingrid):
    for path in ("comment/", "state/", "support/", "follow/"):
        assert browser_of(ingrid).get(f"{thread_url(proposal)}{path}").status_code == 405


# --- hostile input ------------------------------------------------------------------------------------------


HOSTILE = [
    "",
    " ",
    "\t",
    "x" * 70_000,
    "9" * 5000,
    "-1",
    "1e9",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "😀" * 3000,
]


@pytest.mark.parametrize("value", HOSTILE)
def test_no_field_of_any_form_answers_hostile_input_with_an_error_or_a_half_write(proposal, nina, value):
    web = browser_of(nina)
    hers = proposal_comment_add(caller=caller_of(nina), number=proposal.number, body="Mine.", version=1)
    change = f"{thread_url(proposal)}comments/{hers.pk}/edit/"
    before = (
        Proposal.objects.count(),
        list(ProposalComment.objects.values_list("pk", "body", "edits")),
        DataSetRelease.objects.count(),
    )
    posts = [
        (NEW, {name: value for name in ("title", "change", "reason", "resources", "on_behalf_of")}),
        (NEW, new_form(**{name: value for name in ("fields-0-name", "fields-0-type", "fields-0-unit")})),
        *([(NEW, new_form(**{"fields-0-description": value}))] if len(value) > 1000 else []),
        (f"{thread_url(proposal)}comment/", {"body": "ok", "version": value}),
        (f"{thread_url(proposal)}state/", {"to": value, "reason": "ok", "version": "1"}),
        (f"{thread_url(proposal)}state/", {"to": "scheduled", "reason": "ok", "version": value}),
        (f"{thread_url(proposal)}state/", {"to": "under_review", "reason": value, "version": "x"}),
        (f"{thread_url(proposal)}support/", {"support": value}),
        (f"{thread_url(proposal)}follow/", {"follow": value}),
        (change, {"body": "ok", "edits": value}),
        (change, {"body": value, "edits": "x"}),
        *([(change, {"body": value, "edits": "0"})] if not value.strip() or len(value) > 8000 else []),
        ("/data-set/release/", {"version": value, "summary": "ok"}),
        ("/data-set/release/", {"version": "1.4.0", "summary": value}),
    ]
    for path, data in posts:
        response = web.post(path, data)
        assert 400 <= response.status_code < 500, (path, data.keys(), response.status_code)
    for query in ("state", "page"):
        assert web.get(f"/data-set/proposals/?{query}={value[:3000]}").status_code in (200, 400)
    after = (
        Proposal.objects.count(),
        list(ProposalComment.objects.values_list("pk", "body", "edits")),
        DataSetRelease.objects.count(),
    )
    assert after == before


# --- upcoming changes and releasing -----------------------------------------------------------------------


def scheduled(kari, nina, title, version):
    proposal = propose(kari, title=title)
    move(nina, proposal, "under_review")
    move(nina, proposal, "accepted")
    if version:
        move(nina, proposal, "scheduled", scheduled_version=version)
    return proposal


def test_upcoming_changes_are_public_by_version_the_lowest_first_then_the_accepted(
    kari, nina, django_assert_num_queries
):
    scheduled(kari, nina, "Later change", "1.10.0")
    scheduled(kari, nina, "Soon change", "1.6.0")
    scheduled(kari, nina, "Next change", DATA_SET_VERSION)
    scheduled(kari, nina, "Accepted change", None)
    propose(kari, title="Merely proposed")
    anonymous = Client()
    with django_assert_num_queries(2):  # the proposals; whether this version is released
        response = anonymous.get("/data-set/upcoming/")
    text = page_text(response)
    assert response.status_code == 200
    assert (
        text.index("Version 1.5.0")
        < text.index("Next change")
        < text.index("Version 1.6.0")
        < text.index("Soon change")
        < text.index("Version 1.10.0")
        < text.index("Later change")
        < text.index("Accepted, not yet scheduled")
        < text.index("Accepted change")
    )
    assert "Merely proposed" not in text and "Release 1.5.0" not in text


def test_the_national_administration_releases_from_the_upcoming_page(kari, nina):
    proposal = scheduled(kari, nina, "Next change", DATA_SET_VERSION)
    web = browser_of(nina)
    assert "Release 1.5.0" in page_text(web.get("/data-set/upcoming/"))
    assert "Next change" in page_text(web.get("/data-set/release/"))
    response = web.post(
        "/data-set/release/", {"version": DATA_SET_VERSION, "summary": "Cord blood."}, follow=True
    )
    assert response.redirect_chain == [("/data-set/upcoming/", 302)]
    text = page_text(response)
    assert "Version 1.5.0 is released with 1 proposal; the changelog shows it." in text
    assert "Release 1.5.0" not in text and "Version 1.5.0 was released on" in text
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.RELEASED
    assert DataSetRelease.objects.get().changes == [
        {"number": proposal.number, "title": "Next change", "resources": ["births"]}
    ]


def test_releasing_twice_or_another_version_is_refused_on_the_page_naming_the_version(nina):
    web = browser_of(nina)
    response = web.post("/data-set/release/", {"version": "1.6.0"})
    assert response.status_code == 400
    assert (
        "This server implements data-set version 1.5.0: only that version can be released here"
        in page_text(response)
    )
    data_set_release(caller=caller_of(nina), version=DATA_SET_VERSION)
    response = web.post("/data-set/release/", {"version": DATA_SET_VERSION})
    assert response.status_code == 409 and "a version is released once" in page_text(response)


# --- languages ------------------------------------------------------------------------------------------


def test_the_pages_speak_bokmal_to_a_norwegian_browser(proposal, ingrid, nina):
    move(nina, proposal, "under_review", "På sakslisten.")
    web = browser_of(ingrid)
    for path, words in [
        ("/data-set/proposals/", "Endringsforslag"),
        (thread_url(proposal), "Til vurdering"),
        (NEW, "Foreslå en endring"),
        ("/data-set/upcoming/", "Kommende endringer"),
    ]:
        response = web.get(path, HTTP_ACCEPT_LANGUAGE="nb-NO,nb;q=0.9")
        assert '<html lang="nb">' in response.content.decode()
        assert words in page_text(response), path


# --- who is turned away, and how ----------------------------------------------------------------------------


def test_a_signed_in_account_that_is_no_caller_is_told_who_may_use_the_change_site(astrid, randi):
    for user in (astrid, randi):
        response = browser_of(user).get("/data-set/proposals/")
        assert response.status_code == 403
        text = page_text(response)
        assert "The change proposals are for professionals and administrators" in text
        assert "Anyone can read the data dictionary and the upcoming changes" in text


def test_nobody_signed_in_is_sent_to_sign_in_and_back(proposal):
    response = Client().get(thread_url(proposal))
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next=/data-set/proposals/{proposal.number}/"


@pytest.mark.postgres
def test_the_list_by_state_is_read_off_its_index(kari):
    from django.db import connection

    for index in range(3):
        propose(kari, title=f"Change {index}")
    page_query = proposals_page(state="proposed", page="1").object_list.query
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: make the planner show its way
        sql, params = page_query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "proposal_state_newest" in plan, plan
