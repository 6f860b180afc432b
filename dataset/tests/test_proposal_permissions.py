"""The permission matrix of the change site: every kind of caller tries every action, over HTTP, as a browser
(or a client system) would, and gets the answer its kind should, with nothing changed when refused and
something changed when allowed; and every attempt on a signed-in page leaves an audit entry saying whether it
was allowed.

Callers: nobody signed in, the pregnant person (portal account), a regional viewer who is nothing else, a
professional (a midwife at another location than the proposer's), a Care Location admin, the national
administration, an inactive account, and a client system's bearer token (the pages read the session only).
Actions: list, read a proposal, the new-proposal form, propose, comment, change one's own comment (and its
form) and another's, support, follow, withdraw one's own proposal, withdraw another's, each state change, the
release page, releasing, and the upcoming changes."""

from dataclasses import dataclass, field

import pytest
from django.test import Client

from conftest import fetch_token
from dataset.models import (
    DataSetRelease,
    Proposal,
    ProposalComment,
    ProposalFollow,
    ProposalState,
    ProposalSupport,
    ProposalTransition,
)
from dataset.services import proposal_comment_add
from dataset.versions import DATA_SET_VERSION
from maternity.models import AccessLog, AccessOutcome

from .conftest import browser_of, caller_of
from .test_proposal_services import move, propose

pytestmark = pytest.mark.django_db

CALLERS = [
    "anonymous",
    "patient",
    "regional viewer only",
    "professional",
    "location admin",
    "national admin",
    "inactive user",
    "client system token",
]
NOT_SIGNED_IN = {"anonymous", "inactive user", "client system token"}  # sent to sign in
NOT_CALLERS = {"patient", "regional viewer only"}  # signed in, but not for the change site: 403
TAKING_PART = {"professional", "location admin", "national admin"}  # propose, discuss, support, follow


@dataclass(frozen=True)
class Action:
    method: str
    path: str  # {number}: the proposal acted on
    data: dict = field(default_factory=dict)  # {version}: the proposal's version
    states: tuple[str, ...] = ()  # the proposal is moved along these first (by the national administration)
    own: bool = False  # the proposal is the caller's own (else the first midwife's)
    comment: str = ""  # {comment}: "own" (the caller's, when she may comment; else the first midwife's)
    allowed: frozenset[str] = frozenset(TAKING_PART)


NATIONAL = frozenset({"national admin"})
EVERYONE = frozenset(CALLERS)
REASON = {"reason": "As agreed in the data-set group.", "version": "{version}"}
ACTIONS = {
    "list": Action("get", "/data-set/proposals/"),
    "list, filtered": Action("get", "/data-set/proposals/?state=proposed&page=1"),
    "read a proposal": Action("get", "/data-set/proposals/{number}/"),
    "the new-proposal form": Action("get", "/data-set/proposals/new/"),
    "propose": Action(
        "post",
        "/data-set/proposals/new/",
        {
            "title": "Record skin-to-skin contact",
            "change": "A yes/no field on births.",
            "reason": "Baby-friendly hospital reporting.",
            "resources": ["births"],
            "fields-TOTAL_FORMS": "1",
            "fields-INITIAL_FORMS": "0",
            "fields-0-name": "skinToSkin",
            "fields-0-type": "boolean",
        },
    ),
    "comment": Action(
        "post", "/data-set/proposals/{number}/comment/", {"body": "Agreed.", "version": "{version}"}
    ),
    "the change form of one's own comment": Action(
        "get", "/data-set/proposals/{number}/comments/{comment}/edit/", comment="own"
    ),
    "change one's own comment": Action(
        "post",
        "/data-set/proposals/{number}/comments/{comment}/edit/",
        {"body": "Agreed, with base excess.", "edits": "0"},
        comment="own",
    ),
    "the change form of another's comment": Action(
        "get",
        "/data-set/proposals/{number}/comments/{comment}/edit/",
        comment="another's",
        allowed=frozenset(),
    ),
    "change another's comment": Action(
        "post",
        "/data-set/proposals/{number}/comments/{comment}/edit/",
        {"body": "Not what she said.", "edits": "0"},
        comment="another's",
        allowed=frozenset(),
    ),
    "support": Action("post", "/data-set/proposals/{number}/support/", {"support": "yes"}),
    "follow": Action("post", "/data-set/proposals/{number}/follow/", {"follow": "yes"}),
    "withdraw one's own": Action("post", "/data-set/proposals/{number}/state/", REASON, own=True),
    "withdraw another's": Action("post", "/data-set/proposals/{number}/state/", REASON, allowed=NATIONAL),
    "to under review": Action(
        "post", "/data-set/proposals/{number}/state/", {**REASON, "to": "under_review"}, allowed=NATIONAL
    ),
    "to accepted": Action(
        "post",
        "/data-set/proposals/{number}/state/",
        {**REASON, "to": "accepted"},
        states=("under_review",),
        allowed=NATIONAL,
    ),
    "to scheduled": Action(
        "post",
        "/data-set/proposals/{number}/state/",
        {**REASON, "to": "scheduled", "scheduled_version": "1.6.0"},
        states=("under_review", "accepted"),
        allowed=NATIONAL,
    ),
    "to another version": Action(
        "post",
        "/data-set/proposals/{number}/state/",
        {**REASON, "to": "scheduled", "scheduled_version": "1.7.0"},
        states=("under_review", "accepted", "scheduled"),
        allowed=NATIONAL,
    ),
    "unscheduled": Action(
        "post",
        "/data-set/proposals/{number}/state/",
        {**REASON, "to": "accepted"},
        states=("under_review", "accepted", "scheduled"),
        allowed=NATIONAL,
    ),
    "to declined": Action(
        "post", "/data-set/proposals/{number}/state/", {**REASON, "to": "declined"}, allowed=NATIONAL
    ),
    "withdrawn by the national administration": Action(
        "post", "/data-set/proposals/{number}/state/", {**REASON, "to": "withdrawn"}, allowed=NATIONAL
    ),
    "the release page": Action("get", "/data-set/release/", allowed=NATIONAL),
    "release": Action(
        "post",
        "/data-set/release/",
        {"version": DATA_SET_VERSION, "summary": "Birth details."},
        states=("under_review", "accepted", "scheduled"),
        allowed=NATIONAL,
    ),
    "the upcoming changes": Action("get", "/data-set/upcoming/", allowed=EVERYONE),
}


@pytest.fixture
def callers(kari, ingrid, lise, nina, astrid, randi, gone, client_a):
    """Each caller's browser (or client), and the account it is, if any."""
    token = Client(
        headers={"Authorization": f"Bearer {fetch_token(client_a.client_id, client_a.client_secret)}"}
    )
    return {
        "anonymous": (Client(), None),
        "patient": (browser_of(astrid), astrid),
        "regional viewer only": (browser_of(randi), randi),
        "professional": (browser_of(ingrid), ingrid),
        "location admin": (browser_of(lise), lise),
        "national admin": (browser_of(nina), nina),
        "inactive user": (browser_of(gone), gone),
        "client system token": (token, None),
    }


def snapshot() -> tuple:
    """Everything an action could change."""
    return (
        list(
            Proposal.objects.order_by("number").values_list("number", "state", "version", "scheduled_version")
        ),
        list(ProposalComment.objects.values_list("pk", "body")),
        sorted(ProposalSupport.objects.values_list("proposal_id", "user_id")),
        sorted(ProposalFollow.objects.values_list("proposal_id", "user_id", "language")),
        ProposalTransition.objects.count(),
        list(DataSetRelease.objects.values_list("version", flat=True)),
    )


def scheduled_version(action: Action) -> str:
    return DATA_SET_VERSION if action.path == "/data-set/release/" else "1.6.0"


@pytest.mark.parametrize("action_name", list(ACTIONS))
@pytest.mark.parametrize("caller_name", CALLERS)
def test_every_caller_gets_what_its_kind_may_do_and_nothing_changes_when_refused(
    callers, kari, nina, caller_name, action_name
):
    action = ACTIONS[action_name]
    browser, user = callers[caller_name]
    proposer = user if action.own and caller_name in TAKING_PART else kari
    proposal = propose(proposer)
    for state in action.states:
        extra = {"scheduled_version": scheduled_version(action)} if state == ProposalState.SCHEDULED else {}
        move(nina, proposal, state, **extra)
    proposal.refresh_from_db()
    commented = None
    if action.comment:
        author = user if action.comment == "own" and caller_name in TAKING_PART else kari
        commented = proposal_comment_add(
            caller=caller_of(author), number=proposal.number, body="Agreed.", version=proposal.version
        )
    path = action.path.format(number=proposal.number, comment=commented.pk if commented else "")
    data = {
        name: value.format(version=proposal.version) if isinstance(value, str) else value
        for name, value in action.data.items()
    }
    before, last_entry = snapshot(), AccessLog.objects.order_by("-id").values_list("id", flat=True).first()

    response = getattr(browser, action.method)(path, data) if action.method == "post" else browser.get(path)

    allowed = caller_name in action.allowed
    location = response.headers.get("Location", "")
    if allowed:
        expected = 200 if action.method == "get" else 302
        assert response.status_code == expected, response.content.decode()[-3000:]
        assert not location.startswith("/login/")
        if action.method == "post":
            assert snapshot() != before, "an allowed write changed nothing"
    else:
        assert snapshot() == before, "a refused action changed something"
        if caller_name in NOT_SIGNED_IN:
            assert response.status_code == 302 and location.startswith("/login/?next=")
        else:
            assert response.status_code == 403, response.content.decode()[-3000:]
    if action_name != "the upcoming changes":  # a public page: not audited
        entries = list(AccessLog.objects.filter(id__gt=last_entry or 0))
        assert len(entries) == 1, [entry.detail for entry in entries]
        assert entries[0].outcome == (AccessOutcome.ALLOWED if allowed else AccessOutcome.DENIED)
        assert entries[0].resource_type in ("changeProposal",)


def test_the_matrix_covers_every_url_of_the_change_site():
    from dataset import urls_proposals

    routes = {str(pattern.pattern) for pattern in urls_proposals.urlpatterns}
    tried = {
        action.path.split("?")[0]
        .removeprefix("/data-set/")
        .replace("{number}", "<int:number>")
        .replace("{comment}", "<int:comment>")
        for action in ACTIONS.values()
    }
    assert routes == tried


@pytest.mark.parametrize("caller_name", CALLERS)
def test_who_the_change_site_takes_each_caller_for(callers, caller_name):
    _, user = callers[caller_name]
    caller = caller_of(user)
    kinds = {"professional": "professional", "location admin": "location_admin", "national admin": "national"}
    assert (caller.kind if caller else None) == kinds.get(caller_name)


def test_a_professional_who_also_administers_her_location_is_taken_as_its_admin(kari, location_a, location_b):
    location_b.admins.add(kari)
    kari.is_staff = True
    kari.save(update_fields=["is_staff"])
    caller = caller_of(kari)
    assert caller.kind == "location_admin"
    assert caller.location == location_a  # she speaks from where she works
    assert list(caller.administered) == [location_b]
    kari.is_superuser = True
    kari.save(update_fields=["is_superuser"])
    assert caller_of(kari).kind == "national"  # the widest


def test_a_staff_user_who_administers_nothing_and_works_nowhere_is_not_a_caller(django_user_model):
    staff = django_user_model.objects.create_user("staff", is_staff=True)
    assert caller_of(staff) is None


def test_a_superuser_who_is_not_staff_is_not_the_national_administration(django_user_model):
    root = django_user_model.objects.create_user("root", is_superuser=True)
    assert caller_of(root) is None
