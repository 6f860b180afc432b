"""The alerts of one record: its current flags (`maternity.rules.flags`), each with the acknowledgement of
its subject if a midwife has acknowledged it. Read by the record page's "Needs attention" banner (from the
record it has already loaded, with every list prefetched: no query of its own) and by the acknowledging
service (inside its lock)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from maternity.models import (
    AlertAcknowledgement,
    Birth,
    PostnatalBabyVisit,
    PostnatalMotherVisit,
    Pregnancy,
    RecordStatus,
)
from maternity.rules.flags import Flag, record_flags
from maternity.rules.postnatal import postnatal_flags


@dataclass(frozen=True)
class Alert:
    flag: Flag
    acknowledgement: AlertAcknowledgement | None = None

    @property
    def acknowledged(self) -> bool:
        return self.acknowledgement is not None


def latest_acknowledgements(
    acknowledgements: list[AlertAcknowledgement],
) -> dict[tuple[str, str], AlertAcknowledgement]:
    """The last acknowledgement of each (alert code, subject), entered-in-error ones left out."""
    latest: dict[tuple[str, str], AlertAcknowledgement] = {}
    for ack in sorted((a for a in acknowledgements if not a.entered_in_error), key=lambda a: a.last_updated):
        latest[(ack.alert_code, ack.subject)] = ack
    return latest


def record_alerts(record: Pregnancy, *, now: datetime) -> list[Alert]:
    """The alerts of a record, severe first, unacknowledged before acknowledged: an ACTIVE record's
    antenatal flags, a DELIVERED record's postnatal ones (its mother's and babies' last visits); none for
    a record terminated or entered in error. Reads the record's lists through their related managers, so a
    record loaded with them prefetched costs no query."""
    if record.status == RecordStatus.ACTIVE:
        found = record_flags(
            record=record,
            appointments=record.antenatalappointments.all(),
            measurements=record.symphysisfundalheights.all(),
            bookings=record.bookings.all(),
            now=now,
        )
    elif record.status == RecordStatus.DELIVERED:
        found = delivered_flags(
            record, record.postnatalmothervisits.all(), record.postnatalbabyvisits.all(), record.births.all()
        )
    else:
        return []
    latest = latest_acknowledgements(list(record.alertacknowledgements.all()))
    alerts = [Alert(flag, latest.get((flag.code, flag.subject))) for flag in found]
    return sorted(alerts, key=lambda alert: (alert.acknowledged, not alert.flag.severe))


def delivered_flags(
    record: Pregnancy,
    mother_visits: Iterable[PostnatalMotherVisit],
    baby_visits: Iterable[PostnatalBabyVisit],
    births: Iterable[Birth],
) -> list[Flag]:
    """The postnatal flags of a delivered record, from its visits and its babies' birth weights."""
    weights = {birth.pk: birth.birth_weight for birth in births if not birth.entered_in_error}
    return postnatal_flags(mother_visits=mother_visits, baby_visits=baby_visits, birth_weights=weights)
