"""The pregnancy keys: national ID (exact, with its system) + date of birth (exact) + EDD within 21 days
either side of the stored agreed EDD (DESIGN rule 5).

Two pregnancies of one person inside the window (it takes a failed early pregnancy followed quickly by
another, or a duplicate record) are ordered, so every caller gets the same answer: the one whose agreed EDD
is closest to the EDD given; on a tie the ACTIVE one; then the most recently created. Records entered in
error never match. A record with no agreed EDD yet never matches a find ($create-pregnancy completes it).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from maternity.models import Pregnancy, RecordStatus
from maternity.rules.identifiers import NationalId

EDD_WINDOW = timedelta(days=21)


@dataclass(frozen=True)
class PregnancyKeys:
    national_id: NationalId
    date_of_birth: date
    edd: date


def person_filter(national_id: NationalId, date_of_birth: date | None = None) -> dict:
    """Filter arguments for the pregnancies of the person with this ID (and date of birth)."""
    found: dict[str, str | date] = {
        "person__identifier_system": national_id.system,
        "person__identifier_value": national_id.value,
    }
    if date_of_birth is not None:
        found["person__date_of_birth"] = date_of_birth
    return found


def edd_window(edd: date) -> tuple[date, date]:
    """The agreed EDDs an EDD matches: 21 days either side, cut at the ends of the calendar (an EDD in the
    year 1 or 9999 matches nothing, but must not fail)."""
    low = edd - EDD_WINDOW if edd - date.min > EDD_WINDOW else date.min
    high = edd + EDD_WINDOW if date.max - edd > EDD_WINDOW else date.max
    return low, high


def records_matching(keys: PregnancyKeys) -> list[Pregnancy]:
    """Every pregnancy the keys match, best match first (see the module docstring for the order)."""
    matches = list(
        Pregnancy.objects.filter(
            **person_filter(keys.national_id, keys.date_of_birth),
            agreed_edd__range=edd_window(keys.edd),
        )
        .exclude(status=RecordStatus.ENTERED_IN_ERROR)
        .select_related("person", "active_care_location")
    )

    def best_first(record: Pregnancy) -> tuple[int, bool, float]:
        assert record.agreed_edd is not None  # it is in the EDD window
        return (
            abs((record.agreed_edd - keys.edd).days),
            record.status != RecordStatus.ACTIVE,
            -record.created_at.timestamp(),
        )

    matches.sort(key=best_first)
    return matches


def best_match(keys: PregnancyKeys) -> Pregnancy | None:
    matches = records_matching(keys)
    return matches[0] if matches else None
