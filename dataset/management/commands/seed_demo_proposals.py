"""Demo change proposals for a local run (`manage.py seed_demo` runs this after its own demo data): one in
every state, with threads, supporters and followers. What the demo says is true of the code: the one proposal
scheduled for the version this server implements (DATA_SET_VERSION) asked for what that version changed
(restricted entries), so releasing it in the demo puts the right proposal in the changelog; the proposals
for fields the code does not have yet are scheduled for the versions after it; and one was released in the
version before (1.4.0, on the day the code's history dates it: the proposal that asked for what 1.4.0
changed, so the changelog shows it there).

Every write goes through the services (dataset/services), as the demo's national administrator (`admin`),
its Care Location admin (`locadmin`, for the demo client system) and its midwives. The discussions took
weeks: each step is written with the clock set back to when it happened (`demo_clock`), so the threads read
as they would; the audit trail keeps the real time it was written. Idempotent: nothing is written when any
proposal exists. Needs the demo cast (spine's seed_demo).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, time, timedelta
from typing import Any
from unittest import mock

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from dataset.access import Caller, change_site_caller
from dataset.changelog import BY_NUMBER
from dataset.models import Proposal, ProposalComment
from dataset.services import (
    data_set_release,
    proposal_comment_add,
    proposal_comment_edit,
    proposal_create,
    proposal_follow_set,
    proposal_move,
    proposal_support_set,
)
from dataset.versions import DATA_SET_VERSION
from spine.models import SpineClient

EARLIER_VERSION = "1.4.0"  # the demo's release before this one
NEXT_VERSION = "1.6.0"
LATER_VERSION = "1.7.0"
NAMES = {"admin": ("Siri", "Dahl"), "locadmin": ("Lars", "Berg")}  # the demo's administrators, named


@contextmanager
def demo_clock(days_ago: float) -> Iterator[None]:
    """The services' clock set back `days_ago` days while a demo step is written (demo data only)."""
    moment = timezone.now() - timedelta(days=days_ago)
    with mock.patch.object(timezone, "now", return_value=moment):
        yield


class Demo:
    def __init__(self) -> None:
        users = get_user_model().objects
        self.callers: dict[str, Caller] = {}
        for username in ("admin", "locadmin", "midwife", "midwife2", "midwife3", "midwife5"):
            user = users.filter(username=username).first()
            if user is None:
                raise CommandError(f"The demo cast has no {username!r}: run `manage.py seed_demo`.")
            if username in NAMES and not user.get_full_name():
                user.first_name, user.last_name = NAMES[username]
                user.save(update_fields=["first_name", "last_name"])
            caller = change_site_caller(user)
            if caller is None:
                raise CommandError(f"{username!r} may not use the change site.")
            self.callers[username] = caller

    def propose(self, who: str, days_ago: float, **proposal: Any) -> Proposal:
        with demo_clock(days_ago):
            return proposal_create(caller=self.callers[who], language="nb", **proposal)

    def move(
        self, proposal: Proposal, to: str, reason: str, days_ago: float, who: str = "admin", **extra: Any
    ) -> None:
        proposal.refresh_from_db()
        with demo_clock(days_ago):
            proposal_move(
                caller=self.callers[who],
                number=proposal.number,
                to=to,
                reason=reason,
                version=proposal.version,
                **extra,
            )

    def comment(self, proposal: Proposal, who: str, body: str, days_ago: float) -> ProposalComment:
        proposal.refresh_from_db()
        with demo_clock(days_ago):
            return proposal_comment_add(
                caller=self.callers[who],
                number=proposal.number,
                body=body,
                version=proposal.version,
                language="nb",
            )

    def change_comment(self, comment: ProposalComment, who: str, body: str, days_ago: float) -> None:
        with demo_clock(days_ago):
            proposal_comment_edit(
                caller=self.callers[who],
                number=comment.proposal_id,
                comment_id=comment.pk,
                body=body,
                edits=comment.edits,
            )

    def support(self, proposal: Proposal, *who: str) -> None:
        for name in who:
            proposal_support_set(caller=self.callers[name], number=proposal.number, supports=True)

    def follow(self, proposal: Proposal, *who: str) -> None:
        for name in who:
            proposal_follow_set(
                caller=self.callers[name], number=proposal.number, follows=True, language="nb"
            )


def seed() -> int:
    demo = Demo()
    client = SpineClient.objects.filter(care_location__in=demo.callers["locadmin"].administered).first()

    # Released in the version before this one, on the day the code's history says it was (dataset/changelog):
    # the proposal that asked for what 1.4.0 changed
    released_on = BY_NUMBER[EARLIER_VERSION].released_on or timezone.localdate()
    release_moment = timezone.make_aware(datetime.combine(released_on, time(11, 0)))
    before = (timezone.now() - release_moment).total_seconds() / 86400  # days ago, the release
    nulls = demo.propose(
        "locadmin",
        before + 30,
        title="lastUpdatedBy: null, not an empty text, for what is not known",
        change='Every member of lastUpdatedBy but userType is null when it is not known, never "": a '
        "version the pregnant person wrote herself has no organisation and no HPR number.",
        reason="Our EPJ shows an empty organisation as a Care Location with no name. Null is what NHN's "
        "own examples send, and what a client can tell from a real value.",
        resources=["birthPlan", "mother"],
        on_behalf_of=client.pk if client else None,
    )
    demo.support(nulls, "midwife", "midwife5")
    demo.move(nulls, "under_review", "On the data-set group's agenda for its next meeting.", before + 25)
    demo.move(nulls, "accepted", "Agreed: null for unknown, as NHN sends it.", before + 20)
    demo.move(
        nulls, "scheduled", "Small and clear: in the next version.", before + 19,
        scheduled_version=EARLIER_VERSION, implemented=EARLIER_VERSION,
    )  # fmt: skip
    with demo_clock(before):
        data_set_release(
            caller=demo.callers["admin"],
            version=EARLIER_VERSION,
            summary="Released with the one proposal it carried out, from a client system's vendor.",
            implemented=EARLIER_VERSION,
            released_on=released_on,
        )

    # Scheduled for the version this server implements, which made it: restricted entries
    restricted = demo.propose(
        "midwife3",
        75,
        title="Let a Care Location restrict a sensitive entry",
        change="A professional may restrict an entry (previous pregnancies, medical conditions, medication, "
        "lifestyle factors, genetic disorders, an appointment or a note) to her own Care Location; everyone "
        "else sees only that something is there.",
        reason="Women tell us things they do not want every location to read, such as an earlier "
        "termination or a violent partner. Today we leave them out of the shared record.",
        resources=["previousPregnancies", "medicalConditions", "antenatalAppointments", "notes"],
    )
    demo.support(restricted, "midwife", "midwife2", "midwife5")
    demo.move(restricted, "under_review", "With the data protection officers.", 70)
    demo.move(restricted, "accepted", "Agreed, with every opening reviewed by the restricting location.", 62)
    demo.move(restricted, "scheduled", f"Built for {DATA_SET_VERSION}.", 61,
              scheduled_version=DATA_SET_VERSION)  # fmt: skip

    # Scheduled for the next version: the thread of the screenshots
    cord = demo.propose(
        "midwife",
        60,
        title="Record the umbilical cord blood gases",
        change="Add the arterial and venous cord blood pH and base excess to births, measured within 30 "
        "minutes of birth, with whether a sample was taken at all.",
        reason="Low arterial pH is how the medical birth registry and our own audits measure birth asphyxia. "
        "Today it is written in the EPJ's notes and cannot be counted.",
        resources=["births"],
        draft_fields=[
            {"name": "cordBloodSampled", "type": "boolean", "unit": "", "required": True,
             "description": "Whether cord blood was sampled"},
            {"name": "cordArterialPh", "type": "decimal", "unit": "pH", "required": False,
             "description": "Arterial pH, 6.50 to 7.60"},
            {"name": "cordArterialBaseExcess", "type": "decimal", "unit": "mmol/L", "required": False,
             "description": "Arterial base excess"},
            {"name": "cordVenousPh", "type": "decimal", "unit": "pH", "required": False,
             "description": "Venous pH"},
        ],
    )  # fmt: skip
    demo.support(cord, "midwife2", "midwife3", "midwife5", "locadmin")
    demo.comment(
        cord, "midwife2",
        "We sample every birth with an abnormal CTG. Could a reason for not sampling be a code rather than "
        "free text?", 55,
    )  # fmt: skip
    answer = demo.comment(cord, "midwife", "Good point. The lab reports base excess too.", 54)
    demo.change_comment(  # its author's change: the thread shows what it said before
        answer,
        "midwife",
        "Good point. The lab reports base excess too, so I have added it to the draft.",
        53.9,
    )
    demo.move(cord, "under_review", "On the data-set group's agenda, with the registry invited.", 45)
    demo.comment(
        cord, "admin",
        "The registry confirms it wants the arterial values; venous is optional. Sampled yes/no is required "
        "so that a missing value can be told from no sample.", 38,
    )  # fmt: skip
    demo.move(cord, "accepted", "Agreed with the medical birth registry.", 30)
    demo.move(cord, "scheduled", f"Fits {NEXT_VERSION}: the births resource changes anyway.", 29,
              scheduled_version=NEXT_VERSION)  # fmt: skip
    demo.follow(cord, "midwife2", "locadmin")

    apgar = demo.propose(
        "midwife2",
        40,
        title="Apgar score at 10 minutes for every birth",
        change="Make apgar10Minutes required on births when the 5-minute score is below 7.",
        reason="Resuscitated babies need the 10-minute score; it is often missing.",
        resources=["births"],
    )
    demo.support(apgar, "midwife")
    demo.move(apgar, "under_review", "Next meeting.", 35)
    demo.move(apgar, "accepted", "A rule the data set can check.", 25)
    demo.move(apgar, "scheduled", f"With the cord blood gases, in {NEXT_VERSION}.", 24,
              scheduled_version=NEXT_VERSION)  # fmt: skip

    # Scheduled for the version after
    skin = demo.propose(
        "midwife5",
        35,
        title="Skin-to-skin contact within the first hour",
        change="A yes/no field on births: skin-to-skin contact started within an hour of birth.",
        reason="The baby-friendly hospital initiative reports it; we count it by hand today.",
        resources=["births"],
        draft_fields=[{"name": "skinToSkinFirstHour", "type": "boolean", "unit": "", "required": False,
                       "description": ""}],
    )  # fmt: skip
    demo.support(skin, "midwife", "midwife2", "midwife3")
    demo.move(skin, "under_review", "Next meeting.", 30)
    demo.move(skin, "accepted", "Agreed.", 20)
    demo.move(skin, "scheduled", f"{NEXT_VERSION} is full: in {LATER_VERSION}.", 19,
              scheduled_version=LATER_VERSION)  # fmt: skip

    # Accepted, not yet scheduled: a vendor's, through its location admin
    induction = demo.propose(
        "locadmin",
        28,
        title="Reason for induction of labour as a code",
        change="Add inductionReason to labour, coded from a code list (post-term, pre-eclampsia, PROM, "
        "diabetes, growth restriction, maternal request, other).",
        reason="Our EPJ records the reason as a code already and cannot send it: the vendor asks for a "
        "field.",
        resources=["labour"],
        draft_fields=[{"name": "inductionReason", "type": "code", "unit": "", "required": False,
                       "description": "From the induction reasons code list"}],
        on_behalf_of=client.pk if client else None,
    )  # fmt: skip
    demo.support(induction, "midwife", "midwife2")
    demo.move(induction, "under_review", "Next meeting.", 21)
    demo.move(induction, "accepted", "Agreed; waiting for the code list to be published.", 10)

    # Under review, with a discussion
    interpreter = demo.propose(
        "midwife3",
        20,
        title="Interpreter need for the partner too",
        change="Add partnerNeedsInterpreter and partnerLanguage to mother.",
        reason="We book interpreters for fathers and co-mothers at the birth as well.",
        resources=["mother"],
    )
    demo.comment(interpreter, "midwife5", "Would this not belong to a resource for the partner?", 18)
    demo.comment(interpreter, "midwife3", "Perhaps; the mother resource is where the EPJs keep it today.", 17)
    demo.move(interpreter, "under_review", "The group discusses where it belongs.", 12)
    demo.support(interpreter, "midwife5")

    # Proposed, just now
    smoking = demo.propose(
        "midwife2",
        3,
        title="Smoking status at 30 weeks",
        change="Add smokingAt30Weeks to lifestyleFactors.",
        reason="Smoking cessation is followed up in the third trimester; the data set has it at booking "
        "only.",
        resources=["lifestyleFactors"],
    )
    demo.support(smoking, "midwife3")

    # Declined, and withdrawn
    allergies = demo.propose(
        "midwife5",
        50,
        title="A free-text field for allergies",
        change="Add allergies (text) to mother.",
        reason="Allergies are hard to find in the record.",
        resources=["mother"],
    )
    demo.comment(allergies, "midwife", "medicalConditions has allergies and asthma already.", 48)
    demo.move(allergies, "declined", "Covered by medicalConditions (allergies and asthma, with a note).", 40)

    scans = demo.propose(
        "midwife",
        26,
        title="A resource of its own for ultrasound scans",
        change="A new list resource for every ultrasound scan: date, gestation, findings, who.",
        reason="The dating scan is all the data set holds.",
        resources=["new", "currentPregnancy"],
    )
    demo.move(
        scans, "withdrawn", "Withdrawn: the national ultrasound register will cover it.", 15, who="midwife"
    )
    return Proposal.objects.count()


class Command(BaseCommand):
    help = "Demo change proposals to the data set, in every state (idempotent; needs seed_demo's cast)."

    def handle(self, *args: Any, **options: Any) -> None:
        if Proposal.objects.exists():
            self.stdout.write("Demo change proposals: already present.")
            return
        with transaction.atomic():
            count = seed()
        self.stdout.write(f"Demo change proposals: {count}, in every state.")
