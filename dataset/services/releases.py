"""Releasing a data-set version (docs/change-proposals.md): the national administration's, once per
version, and only the version this server implements (`DATA_SET_VERSION`): releasing says that what the
code serves is now the published data set.

The release dates the version and keeps, as they stood that day, the proposals scheduled for it
(`DataSetRelease.changes`), which is what the dictionary's changelog shows; each of them moves to released
with its transition ("Released in 1.5.0") and its followers are emailed. One write through the gate: audited
whether done or refused.
"""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dataset.access import Caller
from dataset.emails import Happening, followers_tell
from dataset.models import DataSetRelease, Proposal, ProposalState
from dataset.versions import DATA_SET_VERSION, is_version, version_key
from maternity.errors import AlreadyExists, Invalid, NotAllowed
from maternity.models import AccessAction
from maternity.rules.wording import worded

from .gate import through_the_gate
from .proposal_input import latest_release, text_of
from .proposals import transition_write

SUMMARY_MAX = 4000
NOT_NATIONAL = _("Only the national administration releases a version of the data set.")


def may_release(caller: Caller | None) -> bool:
    """Whether `caller` may release a version (and open the release page): the national administration."""
    return caller is not None and caller.is_national


def data_set_release(
    *,
    caller: Caller | None,
    version: object,
    summary: object = "",
    implemented: str = DATA_SET_VERSION,
    released_on: date | None = None,
    ip: str | None = None,
) -> DataSetRelease:
    """Release `version`, which must be `implemented` (the version this server implements), not released
    before, and later than every version released; on `released_on` (today)."""
    attempt = f"Release data-set version {str(version)[:20]!r}."

    def work(caller: Caller) -> tuple[DataSetRelease, str]:
        if not may_release(caller):
            raise NotAllowed(NOT_NATIONAL, rule="not-national")
        wanted = version.strip() if isinstance(version, str) else ""
        if wanted != implemented:
            raise Invalid(
                worded(
                    _(
                        "This server implements data-set version %(implemented)s: only that version can be "
                        "released here, not %(version)s."
                    ),
                    implemented=implemented,
                    version=repr(str(version)[:20]) if version not in (None, "") else _("none"),
                ),
                field="version",
            )
        released = DataSetRelease.objects.select_for_update().filter(version=wanted).first()
        if released is not None:
            raise AlreadyExists(
                worded(
                    _("Version %(version)s was released on %(day)s: a version is released once."),
                    version=wanted,
                    day=released.released_on.isoformat(),
                ),
                field="version",
            )
        latest = latest_release()
        if latest is not None and is_version(wanted) and version_key(wanted) <= version_key(latest):
            raise Invalid(
                worded(
                    _("Version %(latest)s is released already: a release must be a later version."),
                    latest=latest,
                ),
                field="version",
            )
        words = text_of(summary, field="summary", what=_("The summary"), most=SUMMARY_MAX)
        scheduled = list(
            Proposal.objects.select_for_update()
            .filter(state=ProposalState.SCHEDULED, scheduled_version=wanted)
            .order_by("number")
        )
        release = DataSetRelease(
            version=wanted,
            released_on=released_on or timezone.localdate(),
            summary=words,
            changes=[
                {"number": proposal.number, "title": proposal.title, "resources": list(proposal.resources)}
                for proposal in scheduled
            ],
            released_by=caller.user,
        )
        release._history_user = caller.user  # type: ignore[attr-defined]
        release.save()
        reason = f"Released in {wanted}."
        for proposal in scheduled:
            transition_write(
                proposal,
                caller=caller,
                to=ProposalState.RELEASED,
                reason=reason,
                version=wanted,
                by_name=caller.name,
            )
            followers_tell(
                proposal,
                Happening(
                    by_name=caller.name,
                    text=reason,
                    to_state=ProposalState.RELEASED,
                    from_state=ProposalState.SCHEDULED,
                    version=wanted,
                ),
                by_user_id=caller.user.pk,
            )
        numbers = ", ".join(f"#{proposal.number}" for proposal in scheduled) or "no proposals"
        return release, f"Released {wanted} on {release.released_on.isoformat()}: {numbers}."

    return through_the_gate(work, caller=caller, attempt=attempt, action=AccessAction.DATA_SET_RELEASE, ip=ip)
