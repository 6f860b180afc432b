"""Change proposals to the data set, and their thread: comments, state changes, who supports and who follows
each (issue 24; docs/change-proposals.md).

A professional, a Care Location admin (also for one of her locations' client systems: a vendor has no login
of its own) or the national administration proposes a change: what, why, which resources, a draft of the
fields. The national administration moves it through its states, each step a `ProposalTransition` with a
reason; releasing a data-set version moves what was scheduled for it to released. Every row is versioned
with who and when (django-simple-history); nothing here is ever deleted but a support or a follow taken
back (its history keeps that it was). The rules are in dataset/services; these hold fields and constraints.

Who is named twice, as a reference and as the name shown at the time (kept when the account is gone), as
the audit trail does.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

from .releases import version_format

TITLE_MAX = 200
TEXT_MAX = 8000  # what, why, a comment
REASON_MAX = 2000  # a state change's reason
NAME_MAX = 200


class ProposalState(models.TextChoices):
    PROPOSED = "proposed", gettext_lazy("Proposed")
    UNDER_REVIEW = "under_review", gettext_lazy("Under review")
    ACCEPTED = "accepted", gettext_lazy("Accepted")
    SCHEDULED = "scheduled", gettext_lazy("Scheduled")
    RELEASED = "released", gettext_lazy("Released")
    DECLINED = "declined", gettext_lazy("Declined")
    WITHDRAWN = "withdrawn", gettext_lazy("Withdrawn")


# Where a proposal's life ends: its thread takes no more comments, support or state changes.
FINAL_STATES = (ProposalState.RELEASED, ProposalState.DECLINED, ProposalState.WITHDRAWN)
OPEN_STATES = tuple(state for state in ProposalState if state not in FINAL_STATES)


class CallerKind(models.TextChoices):
    """Who may use the change site (dataset/access.py), as a proposal or comment remembers its author."""

    PROFESSIONAL = "professional", gettext_lazy("Professional")
    LOCATION_ADMIN = "location_admin", gettext_lazy("Care Location admin")
    NATIONAL = "national", gettext_lazy("National administration")


class DraftFieldType(models.TextChoices):
    """The types a drafted field may have (the data dictionary's words for them)."""

    STRING = "string", gettext_lazy("Text")
    INTEGER = "integer", gettext_lazy("Whole number")
    DECIMAL = "decimal", gettext_lazy("Decimal number")
    BOOLEAN = "boolean", gettext_lazy("Yes or no")
    DATE = "date", gettext_lazy("Date")
    DATE_TIME = "dateTime", gettext_lazy("Date and time")
    CODE = "code", gettext_lazy("Code from a code list")


NEW_RESOURCE = "new"  # in `resources`: the change asks for a resource the data set does not have yet


class Proposal(models.Model):
    number = models.BigAutoField(gettext_lazy("number"), primary_key=True)  # its public id: #12
    title = models.CharField(gettext_lazy("title"), max_length=TITLE_MAX)
    change = models.TextField(gettext_lazy("what should change"), max_length=TEXT_MAX)
    reason = models.TextField(gettext_lazy("why"), max_length=TEXT_MAX)
    # Wire names of the resources it touches (maternity.rules.resources), or NEW_RESOURCE
    resources = models.JSONField(gettext_lazy("resources"), default=list)
    # [{"name": "cordPh", "type": "decimal", "unit": "pH", "required": false, "description": "..."}]
    draft_fields = models.JSONField(gettext_lazy("draft of the fields"), default=list, blank=True)
    state = models.CharField(
        gettext_lazy("state"), max_length=20, choices=ProposalState.choices, default=ProposalState.PROPOSED
    )
    scheduled_version = models.CharField(
        gettext_lazy("data-set version"), max_length=20, blank=True, validators=[version_format]
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposer_name = models.CharField(gettext_lazy("proposed by"), max_length=NAME_MAX)
    proposer_kind = models.CharField(gettext_lazy("as"), max_length=20, choices=CallerKind.choices)
    proposer_location = models.ForeignKey(
        "maternity.CareLocation",
        verbose_name=gettext_lazy("Care Location"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # A vendor's system: one of the proposing admin's own locations' client systems
    on_behalf_of = models.ForeignKey(
        "spine.SpineClient",
        verbose_name=gettext_lazy("for the client system"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    on_behalf_of_name = models.CharField(max_length=NAME_MAX, blank=True)
    created = models.DateTimeField(gettext_lazy("proposed"), default=timezone.now)
    updated = models.DateTimeField(gettext_lazy("last changed"), default=timezone.now)
    version = models.PositiveIntegerField(default=1)  # moves with every state change: stale forms are refused

    history = HistoricalRecords()

    class Meta:
        ordering = ["-number"]
        verbose_name = gettext_lazy("change proposal")
        verbose_name_plural = gettext_lazy("change proposals")
        indexes = [models.Index(fields=["state", "-number"], name="proposal_state_newest")]

    def __str__(self) -> str:
        return f"#{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.state not in FINAL_STATES


class ProposalComment(models.Model):
    """One comment in a proposal's thread. Never deleted. Its author may change it while the proposal is
    open: each change is a new version (its history), `edits` counts them (a stale edit form is refused) and
    the thread shows the earlier texts."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=NAME_MAX)
    author_kind = models.CharField(max_length=20, choices=CallerKind.choices)
    author_location = models.ForeignKey(
        "maternity.CareLocation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(gettext_lazy("comment"), max_length=TEXT_MAX)
    created = models.DateTimeField(default=timezone.now)
    edited = models.DateTimeField(gettext_lazy("last changed"), null=True, blank=True)
    edits = models.PositiveIntegerField(gettext_lazy("times changed"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created", "id"]
        verbose_name = gettext_lazy("comment on a change proposal")
        verbose_name_plural = gettext_lazy("comments on change proposals")
        indexes = [models.Index(fields=["proposal", "created"], name="proposalcomment_thread")]

    def __str__(self) -> str:
        return f"#{self.proposal_id}: {self.author_name}, {self.created:%Y-%m-%d %H:%M}"


class ProposalTransition(models.Model):
    """One state change, with why. Releasing a version writes one for each proposal it releases."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="transitions")
    from_state = models.CharField(max_length=20, choices=ProposalState.choices)
    to_state = models.CharField(max_length=20, choices=ProposalState.choices)
    reason = models.TextField(gettext_lazy("reason"), max_length=REASON_MAX)
    version = models.CharField(gettext_lazy("data-set version"), max_length=20, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_name = models.CharField(max_length=NAME_MAX)
    by_kind = models.CharField(max_length=20, choices=CallerKind.choices)
    at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = gettext_lazy("state change of a change proposal")
        verbose_name_plural = gettext_lazy("state changes of change proposals")
        indexes = [models.Index(fields=["proposal", "at"], name="proposaltransition_thread")]

    def __str__(self) -> str:
        return f"#{self.proposal_id}: {self.from_state} -> {self.to_state}"


class ProposalSupport(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = gettext_lazy("support for a change proposal")
        verbose_name_plural = gettext_lazy("supports for change proposals")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="proposalsupport_once_per_user")
        ]

    def __str__(self) -> str:
        return f"#{self.proposal_id}: supported by user {self.user_id}"


class ProposalFollow(models.Model):
    """Who is emailed about a proposal's new comments and state changes (dataset/emails.py), in the language
    of the page she followed it from."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=8, blank=True)
    created = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = gettext_lazy("follower of a change proposal")
        verbose_name_plural = gettext_lazy("followers of change proposals")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="proposalfollow_once_per_user")
        ]

    def __str__(self) -> str:
        return f"#{self.proposal_id}: followed by user {self.user_id}"
