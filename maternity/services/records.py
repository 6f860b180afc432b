"""Create a record and change its status (DESIGN rules 1, 5, 7, 10)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from maternity.rules.identifiers import NationalId
from maternity.rules.resources import RESOURCE_TYPES
from maternity.rules.wording import worded

from ..actors import Actor
from ..errors import AlreadyExists, Invalid, NotAllowed, VersionConflict
from ..models import EventAction, NoteKind, Person, Pregnancy, RecordStatus, StakeholderReason
from .end_dates import record_status_dates_check
from .gate import record_write
from .resources import create_in_locked_record, resource_writer_check
from .stakeholders import stakeholder_grant
from .versioning import lock_record_for_write, now, save_resource_version

ACTIVE_EXISTS = _(
    "An active maternity record already exists for this person; end it before creating another."
)


def person_get_or_create(*, national_id: NationalId, date_of_birth: date | None = None) -> Person:
    person, created = Person.objects.get_or_create(
        identifier_system=national_id.system,
        identifier_value=national_id.value,
        defaults={"date_of_birth": national_id.birth_date or date_of_birth},
    )
    if not created and person.date_of_birth is None and (national_id.birth_date or date_of_birth):
        person.date_of_birth = national_id.birth_date or date_of_birth
        person.save(update_fields=["date_of_birth"])
    return person


def record_create_check_types(*, resource_types: list[str], actor: Actor) -> None:
    """Which resource types may come with a new record: any of NHN's singletons this caller writes, no
    list and no extension (labour comes with the delivery). Callers may ask before parsing the bodies."""
    for name in resource_types:
        if name not in RESOURCE_TYPES:
            raise Invalid(worded(_("%(name)s: unknown resource type."), name=name), field=name)
        if RESOURCE_TYPES[name].is_list or RESOURCE_TYPES[name].extension:
            raise Invalid(
                worded(_("%(name)s cannot be sent when creating a record; add it afterwards."), name=name),
                field=name,
            )
        resource_writer_check(resource_type=name, actor=actor)


@record_write()
def record_create(
    *,
    national_id: NationalId,
    actor: Actor,
    resources: dict[str, dict[str, Any]] | None = None,
    date_of_birth: date | None = None,
) -> Pregnancy:
    """Create a record, empty or with singleton resources: all of it or nothing. The creator's Care
    Location becomes the first stakeholder and the active Care Location, with a first care episode."""
    location = actor.care_location
    if not actor.is_professional or location is None:
        raise NotAllowed(_("Only health care professionals acting for a Care Location can create a record."))
    resources = resources or {}
    record_create_check_types(resource_types=list(resources), actor=actor)

    person = person_get_or_create(national_id=national_id, date_of_birth=date_of_birth)
    if Pregnancy.objects.filter(person=person, status=RecordStatus.ACTIVE).exists():
        raise AlreadyExists(ACTIVE_EXISTS)
    at = now()
    record = Pregnancy(
        person=person,
        status=RecordStatus.ACTIVE,
        created_at=at,
        created_by_location=location,
        active_care_location=location,
        record_last_updated=at,
    )
    save_record_version(record, action=EventAction.CREATED, actor=actor, at=at)
    stakeholder_grant(record=record, care_location=location, reason=StakeholderReason.CREATED)
    create_in_locked_record(
        record=record,
        rt=RESOURCE_TYPES["careLocations"],
        data={"care_location": location, "start_time": at},
        actor=actor,
        at=at,
    )
    for name, data in resources.items():
        create_in_locked_record(record=record, rt=RESOURCE_TYPES[name], data=data, actor=actor, at=at)
    return record


def save_record_version(record: Pregnancy, *, action: str, actor: Actor, at: datetime) -> None:
    """A new version of the record root. The partial unique index on ACTIVE decides a race between two
    writers making records of one person active."""
    try:
        with transaction.atomic():
            save_resource_version(
                record, record=record, resource_type="record", action=action, actor=actor, at=at
            )
    except IntegrityError:
        raise AlreadyExists(ACTIVE_EXISTS) from None


STATUS_FIELDS: dict[str, tuple[str, ...]] = {
    RecordStatus.ACTIVE: (),
    RecordStatus.DELIVERED: ("delivery_date", "live_birth"),
    RecordStatus.TERMINATED: ("termination_date",),
    RecordStatus.ENTERED_IN_ERROR: (),
}


@dataclass(frozen=True)
class StatusChange:
    version: int
    status: str
    delivery_date: datetime | None = None
    live_birth: bool | None = None
    termination_date: datetime | None = None


@record_write()
def record_status_update(
    *,
    record_id: UUID | str,
    actor: Actor,
    version: int | None = None,
    status: str | None = None,
    delivery_date: datetime | None = None,
    live_birth: bool | None = None,
    termination_date: datetime | None = None,
    parse: Callable[[], StatusChange] | None = None,
    national_id: NationalId | None = None,
) -> Pregnancy:
    """ACTIVE -> DELIVERED (deliveryDate, liveBirth) | TERMINATED (terminationDate) | ENTERED_IN_ERROR.
    A record that is no longer active may be corrected only by its active Care Location (enforced by the
    record lock), including back to ACTIVE when the person has no other active record. The delivery or
    termination date must be possible for this pregnancy (`end_dates`: not before it began, not after
    today). `parse` (instead of the values) reads the request body once the caller is known to see the
    record, and `national_id` says whose record it must be (the API's nhn-patient-nin), as for resources."""
    if not actor.is_professional:
        raise NotAllowed(_("Only health care professionals can change the status of a record."))
    record = lock_record_for_write(record_id, actor, national_id=national_id)
    if parse is not None:
        change = parse()
        version, status = change.version, change.status
        delivery_date, live_birth = change.delivery_date, change.live_birth
        termination_date = change.termination_date
    if status not in STATUS_FIELDS:
        raise Invalid(
            worded(
                _("Unknown record status '%(status)s'. Valid: %(valid)s."),
                status=status,
                valid=", ".join(STATUS_FIELDS),
            ),
            field="recordStatus.status",
        )
    values = {"delivery_date": delivery_date, "live_birth": live_birth, "termination_date": termination_date}
    for name in STATUS_FIELDS[status]:
        if values[name] is None:
            camel = {
                "delivery_date": "deliveryDate",
                "live_birth": "liveBirth",
                "termination_date": "terminationDate",
            }[name]
            raise Invalid(
                worded(
                    _("recordStatus.%(field)s is required when the status is %(status)s."),
                    field=camel,
                    status=status,
                ),
                field=f"recordStatus.{camel}",
            )
    if version != record.version:
        raise VersionConflict(
            worded(
                _(
                    "The record has changed since you read it: you sent version %(version)s, the current "
                    "version is %(current)s."
                ),
                version=version,
                current=record.version,
            ),
            field="version",
        )
    if status == record.status == RecordStatus.ACTIVE:
        raise Invalid(_("The record is already ACTIVE."), field="recordStatus.status")
    record_status_dates_check(
        record=record, status=status, delivery_date=delivery_date, termination_date=termination_date
    )
    previous = record.status
    record.status = status
    for name, value in values.items():
        setattr(record, name, value if name in STATUS_FIELDS[status] else None)
    record.version += 1
    at = now()
    save_record_version(record, action=EventAction.STATUS_CHANGED, actor=actor, at=at)
    create_in_locked_record(
        record=record,
        rt=RESOURCE_TYPES["notes"],
        data={"kind": NoteKind.STATUS_CHANGED, "text": f"Status changed from {previous} to {status}."},
        actor=actor,
        at=at,
    )
    record.refresh_from_db(fields=["record_last_updated", "revision"])
    return record
