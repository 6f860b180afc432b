"""The data set's versions and what each changed: `HISTORY`, the versions before the change site existed
(read off the git history of the models, migrations and serializers), and `changelog()`, which merges them
with the versions the national administration has released since (`DataSetRelease` rows).

A version is MAJOR.MINOR.PATCH: a patch corrects a rule without changing what a client sends, a minor
version adds resources or fields or tightens what is accepted, a major one would remove or rename. The last
entry of HISTORY is the version this code implements (`DATA_SET_VERSION`). It has no release date in the
code: it is released when the national administration releases it (dataset/services), and that row dates
it. The dictionary's "added in" and "changed in" are read from here (`added_in`, `changed_in`).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from dataset.models import DataSetRelease
from dataset.versions import DATA_SET_VERSION, is_version, version_key
from maternity.rules.wording import Text

ADDED, CHANGED, REMOVED = "added", "changed", "removed"
KINDS = {ADDED: _("Added"), CHANGED: _("Changed"), REMOVED: _("Removed")}
FIRST_VERSION = "1.0.0"


@dataclass(frozen=True)
class Change:
    """One change a version made: to a field (`resource` and `field`, its wire path), to a whole resource
    type (`field` ""), or to every resource type alike (`resource` "": the wire format as a whole). A change
    naming a resource or field that no longer exists says so (`removed`), so the history can keep it."""

    kind: str  # ADDED, CHANGED or REMOVED
    text: Text
    resource: str = ""
    field: str = ""
    removed: bool = False


@dataclass(frozen=True)
class Version:
    number: str
    released_on: date | None  # None: not released in the code's history (the current version)
    commit: str  # the commit that made it, for whoever checks this history against the code's
    summary: Text
    changes: tuple[Change, ...] = ()


ENTERED_IN_ERROR_REASON = _(
    "An item marked entered in error keeps why, in the version that marks it: its history says it (NHN's "
    "body has no place for it)."
)
RESTRICTED_STUB = _(
    "A restricted entry reaches a caller who may not see it as a stub that says only that something is "
    'there: a list item as {"id", "restricted": true}, a singleton as {"restricted": true}.'
)

HISTORY: tuple[Version, ...] = (
    Version(
        "1.0.0",
        date(2026, 11, 20),
        "bbb94b2",
        _(
            "The NHN maternity record as first built: NHN's thirteen resource types field for field (bMI and "
            "POSTIVE spelt as NHN spells them), with the pregnant person's birth plan, births, care episodes "
            "and system notes beside them. Coded values from Volven's code systems."
        ),
    ),
    Version(
        "1.0.1",
        date(2026, 11, 20),
        "0819eac",
        _("Corrections found by the first tests of every endpoint."),
        (
            Change(
                CHANGED,
                _("Up to 300 cm, was 250: NHN's own example record sends a height of 280."),
                "vitalMeasurementsBeforePregnancy",
                "height",
            ),
            Change(
                CHANGED, _("Every date and time is written in UTC with a Z, as NHN's examples write them.")
            ),
        ),
    ),
    Version(
        "1.1.0",
        date(2026, 11, 21),
        "a60626e",
        _("What the API accepts held to what the schema says, after fuzzing every operation."),
        (
            Change(
                CHANGED,
                _(
                    'Every field takes only its own JSON type: a number is refused as a string ("12"), true '
                    'and false as anything else ("no", 0).'
                ),
            ),
            Change(
                CHANGED,
                _("Refused when no due date could follow it: 280 days later is past 9999-12-31."),
                "currentPregnancy",
                "dateLastPeriod",
            ),
        ),
    ),
    Version(
        "1.2.0",
        date(2026, 12, 6),
        "601bd04",
        _("Why an item was entered in error is kept with it."),
        (
            Change(CHANGED, ENTERED_IN_ERROR_REASON, "antenatalAppointments"),
            Change(CHANGED, ENTERED_IN_ERROR_REASON, "symphysisFundalHeights"),
            Change(CHANGED, ENTERED_IN_ERROR_REASON, "births"),
        ),
    ),
    Version(
        "1.3.0",
        date(2026, 12, 6),
        "1698676",
        _(
            "The working day's data as this project's own resource types, beside NHN's in the record: "
            "labour, booked appointments, postnatal visits of mother and baby, and alert acknowledgements."
        ),
        (
            Change(ADDED, _("Labour and birth for the whole pregnancy."), "labour"),
            Change(ADDED, _("Visits booked ahead, cancelled or attended."), "bookings"),
            Change(ADDED, _("The mother's postnatal visits."), "postnatalMotherVisits"),
            Change(ADDED, _("Each baby's postnatal visits."), "postnatalBabyVisits"),
            Change(ADDED, _("A midwife's acknowledgement of an alert."), "alertAcknowledgements"),
        ),
    ),
    Version(
        "1.4.0",
        date(2026, 12, 6),
        "01b032d",
        _("Who made a version says null for what is not known."),
        (
            Change(
                CHANGED,
                _(
                    'Every member of lastUpdatedBy but userType is null when it is not known, never "" (a '
                    "patient's own version has no organisation or HPR number)."
                ),
            ),
        ),
    ),
    Version(
        DATA_SET_VERSION,
        None,
        "ba85e01",
        _("Restricted entries: a professional may restrict an entry, and others see only that it is there."),
        (Change(CHANGED, RESTRICTED_STUB),),
    ),
)

BY_NUMBER = {version.number: version for version in HISTORY}


def added_in(resource: str, field: str = "") -> str:
    """The first version whose changes add the field (or its resource type); the first version if none."""
    for version in HISTORY:
        for change in version.changes:
            if change.kind == ADDED and change.resource == resource and change.field in ("", field):
                return version.number
    return FIRST_VERSION


def changed_in(resource: str, field: str = "") -> list[str]:
    """The versions that change the field (with `field` "": the whole resource type), oldest first."""
    return [
        version.number
        for version in HISTORY
        if any(
            change.kind == CHANGED and change.resource == resource and change.field == field
            for change in version.changes
        )
    ]


@dataclass(frozen=True)
class ReleasedProposal:
    """A change proposal a release released, as it stood on the day."""

    number: int
    title: str
    resources: tuple[str, ...]


@dataclass(frozen=True)
class VersionLog:
    """One version in the changelog: the code's history of it and its release, whichever there are."""

    number: str
    released_on: date | None  # None: not yet released
    summary: Text  # the code's words for it ("" for a release of proposals only)
    release_summary: str  # the national administration's words at its release ("" when none)
    changes: tuple[Change, ...]
    proposals: tuple[ReleasedProposal, ...]

    @property
    def current(self) -> bool:
        return self.number == DATA_SET_VERSION


def released_proposals(changes: object) -> tuple[ReleasedProposal, ...]:
    """A release's `changes` as proposals; an entry that is not the shape a release writes is left out."""
    if not isinstance(changes, list):
        return ()
    found = []
    for entry in changes:
        if not isinstance(entry, dict):
            continue
        number, title, resources = entry.get("number"), entry.get("title"), entry.get("resources", [])
        if isinstance(number, bool) or not isinstance(number, int) or not isinstance(title, str):
            continue
        names = (
            tuple(name for name in resources if isinstance(name, str)) if isinstance(resources, list) else ()
        )
        found.append(ReleasedProposal(number, title, names))
    return tuple(found)


def changelog(releases: Iterable[DataSetRelease]) -> list[VersionLog]:
    """Every version, newest first: each of HISTORY with its release's date and proposals where it has a
    release (else HISTORY's date, the code's history), and each release of a version HISTORY does not
    have (a release of proposals only)."""
    by_version = {release.version: release for release in releases if is_version(release.version)}
    logs = []
    for number in {*BY_NUMBER, *by_version}:
        version, release = BY_NUMBER.get(number), by_version.get(number)
        logs.append(
            VersionLog(
                number=number,
                released_on=release.released_on if release else version.released_on if version else None,
                summary=version.summary if version else "",
                release_summary=release.summary if release else "",
                changes=version.changes if version else (),
                proposals=released_proposals(release.changes) if release else (),
            )
        )
    return sorted(logs, key=lambda log: version_key(log.number), reverse=True)


def current_release() -> DataSetRelease | None:
    """The release of the version this code implements; None until the national administration releases it
    (one query)."""
    return DataSetRelease.objects.filter(version=DATA_SET_VERSION).first()
