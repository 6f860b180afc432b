"""Acknowledging an alert: a midwife says she has seen one of the record's alerts and what was done.

The acknowledgement is an `alertAcknowledgements` item (this project's extension to NHN's record), written
through the write gate like every change: it is a version of the record, with who and when, in its history,
events and stored document. It is of one alert (a rules Flag's code) about one subject (what raised it, at
the version it was read: `antenatalAppointments/<id>@3`), so it holds until a new reading raises the alert
again, and the check that the alert still stands with that subject is the version check: a midwife who
acknowledges a reading that has since changed gets a VersionConflict and writes nothing.

Acknowledging a subject already acknowledged is refused (AlreadyExists, naming who did it and when) unless
the caller sends that acknowledgement's `version`: then it is a new version of it, with her words of what
was done since (a stale version is a VersionConflict). The first acknowledgement stays in the history.
"""

from datetime import datetime
from uuid import UUID

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maternity.reads.alerts import latest_acknowledgements, record_alerts
from maternity.rules.resources import RESOURCE_TYPES

from ..actors import Actor
from ..errors import AlreadyExists, Invalid, NotAllowed, VersionConflict
from ..models import AlertAcknowledgement, EventAction
from .gate import record_write
from .resources import create_in_locked_record, resource_write_check
from .versioning import lock_record_for_write, now, save_resource_version, validate

RESOURCE_TYPE = "alertAcknowledgements"
READING_CHANGED = gettext_lazy(
    "The reading changed since you saw it: this alert no longer stands about what you acknowledged. Reload "
    "the record and look at it again."
)
ACTION_MAX = AlertAcknowledgement._meta.get_field("action_taken").max_length or 2000


def _acknowledged_by(ack: AlertAcknowledgement) -> str:
    when = date_format(timezone.localtime(ack.last_updated), "DATETIME_FORMAT")
    return _("%(who)s on %(when)s") % {"who": ack.updated_by_name or _("someone"), "when": when}


@record_write()
def alert_acknowledge(
    *,
    record_id: UUID | str,
    alert_code: str,
    subject: str,
    action_taken: str,
    actor: Actor,
    version: int | None = None,
    at: datetime | None = None,
) -> AlertAcknowledgement:
    """Acknowledge the alert `alert_code` about `subject` on the record, saying what was done.

    Refused, changing nothing: by NotFound for a record the actor may not see; by NotAllowed for a caller
    who is not a health care professional or may not write the record; by Invalid when `action_taken` is
    empty or too long; by VersionConflict when the alert no longer stands about that subject ("the
    reading changed since you saw it"), or when `version` is not the current one of its acknowledgement;
    by AlreadyExists when it is acknowledged already and no `version` is sent."""
    if not actor.is_professional:
        raise NotAllowed(_("Only health care professionals acknowledge alerts."), rule="writer")
    action = (action_taken or "").strip()
    if not action:
        raise Invalid(
            _("Say what was done: the acknowledgement needs the action taken."), field="actionTaken"
        )
    if len(action) > ACTION_MAX:
        raise Invalid(
            _("The action taken is longer than %(max)s characters.") % {"max": ACTION_MAX},
            field="actionTaken",
        )
    record = lock_record_for_write(record_id, actor)
    resource_write_check(
        record=record, resource_type=RESOURCE_TYPE, actor=actor, adding=True, through_service=True
    )
    at = at or now()
    with translation.override("en"):  # the alert's detail is kept in the record, in English
        alerts = record_alerts(record, now=at)
    alert = next((a for a in alerts if (a.flag.code, a.flag.subject) == (alert_code, subject)), None)
    if alert is None:
        raise VersionConflict(str(READING_CHANGED), field="subject")
    current = latest_acknowledgements(list(record.alertacknowledgements.all())).get((alert_code, subject))
    if current is None:
        if version is not None:
            raise VersionConflict(
                _("This alert has no acknowledgement to change: acknowledge it without a version."),
                field="version",
            )
        data = {
            "alert_code": alert_code,
            "subject": subject,
            "alert_detail": alert.flag.detail[:500],
            "action_taken": action,
        }
        ack = create_in_locked_record(
            record=record, rt=RESOURCE_TYPES[RESOURCE_TYPE], data=data, actor=actor, at=at
        )
        assert isinstance(ack, AlertAcknowledgement)
        return ack
    if version is None:
        raise AlreadyExists(
            _("This alert was already acknowledged by %(by)s: %(action)s")
            % {"by": _acknowledged_by(current), "action": current.action_taken},
            field="subject",
        )
    if version != current.version:
        raise VersionConflict(
            _(
                "The acknowledgement has changed since you read it: you sent version %(sent)s, the current "
                "version is %(current)s. Read it again, then add what was done."
            )
            % {"sent": version, "current": current.version},
            field="version",
        )
    current.action_taken = action
    current.alert_detail = alert.flag.detail[:500]
    current.version += 1
    validate(current, exclude=["record"])
    save_resource_version(
        current, record=record, resource_type=RESOURCE_TYPE, action=EventAction.UPDATED, actor=actor, at=at
    )
    return current
