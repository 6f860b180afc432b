"""The steps every write shares: lock the record, check the caller may write, save a version with who
and when, and append the RecordEvent. Used by the record and resource services only."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from maternity.database.compiled_queries import CompiledInsert, CompiledQuery, CompiledUpdate
from maternity.reads.access import NOT_VISIBLE, actor_arguments, visible_records_of
from maternity.rules.identifiers import NationalId
from maternity.rules.wording import worded

from ..actors import Actor
from ..errors import Invalid, NotAllowed, NotFound
from ..models import Pregnancy, RecordEvent, RecordStatus
from ..models.base import Resource
from ..models.stamp import Stamped
from .gate import record_changed


def _locked_record(
    *, record_id: UUID, user_type: str, group_id: int | None = None, user_id: int | None = None
) -> QuerySet[Pregnancy]:
    return (
        visible_records_of(user_type=user_type, group_id=group_id, user_id=user_id)
        .select_for_update(of=("self",), no_key=True)
        .select_related("active_care_location", "person", "document")
        .filter(pk=record_id)[:1]
    )


_LOCKED_RECORD = CompiledQuery(_locked_record)  # compiled once per kind of actor


def lock_record_for_write(
    record_id: UUID | str, actor: Actor, *, national_id: NationalId | None = None
) -> Pregnancy:
    """Lock the record row for this transaction, so version checks and writes of one record serialise.
    One query finds it, checks the actor may see it (and, given `national_id`, that it is that patient's)
    and locks it. Non-stakeholders get NotFound, as for a record that does not exist. A record that is no
    longer active is read-only except for corrections by its active Care Location."""
    try:
        record_uuid = record_id if isinstance(record_id, UUID) else UUID(str(record_id))
    except ValueError:
        raise NotFound(NOT_VISIBLE) from None
    fixed, values = actor_arguments(actor)
    record = _LOCKED_RECORD.first_object(fixed=fixed, record_id=record_uuid, **values)
    if record is None:
        raise NotFound(NOT_VISIBLE)
    person = record.person
    if national_id is not None and (person.identifier_system, person.identifier_value) != (
        national_id.system,
        national_id.value,
    ):
        raise NotFound(NOT_VISIBLE)
    read_only_check(record, actor)
    return record


def read_only_check(record: Pregnancy, actor: Actor) -> None:
    """A record that is no longer active is read-only except for corrections by its active Care Location
    (DESIGN rule 10)."""
    if (
        record.status != RecordStatus.ACTIVE
        and actor.care_location_id_or_none != record.active_care_location_id
    ):
        raise NotAllowed(
            worded(
                _(
                    "The record is %(status)s: it is read-only except for corrections by the active Care "
                    "Location (%(location)s)."
                ),
                status=record.status,
                location=record.active_care_location.name,
            ),
            rule="read-only",
        )


def validate(instance: models.Model, *, exclude: list[str] | None = None) -> None:
    """Model-level validation (field validators, choices, required fields) as a domain error."""
    exclude = [*(exclude or []), "updated_by_user"]  # the stamp's user is the actor's, not input: no query
    try:
        instance.clean_fields(exclude=exclude)
        instance.clean()
    except ValidationError as error:
        field = next(iter(error.message_dict))
        messages = _field_messages(error, field)
        raise Invalid(
            worded("%(field)s: %(messages)s", field=field, messages=messages), field=field
        ) from None


# Django's messages about a field, worded in the language of whoever reads the refusal (the audit: English)
_field_messages = lazy(lambda error, field: " ".join(error.message_dict[field]), str)


def save_version(instance: Stamped, *, actor: Actor, now: datetime, reason: str) -> None:
    """Stamp the instance with who and when, save it, and write its history row.

    The history row is django-simple-history's (its table, its columns, `history_type` + or ~), written
    here with one compiled INSERT rather than by its post_save signal, which built a new history manager
    class on every save (a third of a PUT's time in the ORM). A row that exists is written with one
    compiled UPDATE. Saves elsewhere (the admin, migrations) still get their history row from the signal."""
    for name, value in actor.stamp().items():
        setattr(instance, name, value)
    instance.last_updated = now
    adding = instance._state.adding
    if adding:
        instance.skip_history_when_saving = True  # type: ignore[attr-defined]  # simple-history's switch
        try:
            instance.save()
        finally:
            del instance.skip_history_when_saving  # type: ignore[attr-defined]
    else:
        _update_of(type(instance)).save(instance)
    history_row_write(instance, history_type="+" if adding else "~", user=actor.user, at=now, reason=reason)


_UPDATES: dict[type, CompiledUpdate] = {}
_HISTORY_ROWS: dict[type, tuple[CompiledInsert, type[models.Model], list[str]]] = {}


def _update_of(model: type[models.Model]) -> CompiledUpdate:
    update = _UPDATES.get(model)
    if update is None:
        update = _UPDATES[model] = CompiledUpdate(model)
    return update


def history_row_write(
    instance: models.Model, *, history_type: str, user: Any, at: datetime, reason: str
) -> None:
    """django-simple-history's row for this state of `instance`: its tracked fields, with who, when and
    why. `history_type`: + created, ~ changed."""
    model = type(instance)
    found = _HISTORY_ROWS.get(model)
    if found is None:
        history = model.history.model  # type: ignore[attr-defined]  # added by HistoricalRecords
        fields = [field.attname for field in history.tracked_fields]
        found = _HISTORY_ROWS[model] = (CompiledInsert(history), history, fields)
    insert, history, fields = found
    insert.save(
        history(
            history_date=at,
            history_type=history_type,
            history_user=user,
            history_change_reason=reason,
            **{name: getattr(instance, name) for name in fields},
        )
    )


def record_event(
    *,
    record: Pregnancy,
    resource_type: str,
    resource_id: UUID,
    version: int,
    action: str,
    actor: Actor,
    now: datetime,
    derived: dict[str, Any] | None = None,
) -> RecordEvent:
    """Move the record's revision and append the event. `derived`: fields of the record root that follow
    from this change (the agreed EDD follows currentPregnancy's dates), written in the same UPDATE."""
    derived = {name: value for name, value in (derived or {}).items() if getattr(record, name) != value}
    if derived:
        Pregnancy.objects.filter(pk=record.pk).update(
            record_last_updated=now, revision=F("revision") + 1, **derived
        )
        _derived_version(record, derived, actor=actor, now=now, cause=f"{resource_type} v{version}")
    else:  # nearly every write: one compiled UPDATE
        record.record_last_updated = now
        _REVISION_MOVE.save(record)
    record_changed(record, resource_type)
    event = RecordEvent(
        record=record,
        resource_type=resource_type,
        resource_id=resource_id,
        version=version,
        action=action,
        occurred_at=now,
        user_type=actor.user_type,
        org_nr=actor.care_location.org_nr if actor.care_location else "",
        org_name=actor.care_location.name if actor.care_location else "",
        actor_name=actor.name,
        source_system=actor.source_system,
        user=actor.user,
        client_event_id=actor.client_event_id,
        request_id=actor.request_id,
    )
    _EVENT_INSERT.save(event)
    return event


_EVENT_INSERT = CompiledInsert(RecordEvent)  # one or more per write: compiled once
# the record's revision moves with every write (the database adds one: concurrent writers are serialised
# by the record lock, and the document's revision follows it)
_REVISION_MOVE = CompiledUpdate(Pregnancy, fields=["record_last_updated"], increment=("revision",))


def _derived_version(
    record: Pregnancy, derived: Mapping[str, Any], *, actor: Actor, now: datetime, cause: str
) -> None:
    """The root's history row for fields derived from a resource: who and when as `history_user` and
    `history_date`, and the change reason names the resource version it follows (whose own row has the
    full who). Not a new version of the root, which moves with its status only (its `version` and
    `updated_by_*` stay), so no RecordEvent of its own. One INSERT, after the UPDATE that wrote them."""
    for name, value in derived.items():
        setattr(record, name, value)
    history_row_write(
        record, history_type="~", user=actor.user, at=now, reason=f"{', '.join(sorted(derived))} from {cause}"
    )


def save_resource_version(
    instance: Resource | Pregnancy,
    *,
    record: Pregnancy,
    resource_type: str,
    action: str,
    actor: Actor,
    at: datetime | None = None,
    derived: dict[str, Any] | None = None,
) -> None:
    """Save a new version of a resource (or of the record root) and append its RecordEvent. `derived`:
    the root's fields that follow from it (`record_event`)."""
    at = at or now()
    save_version(instance, actor=actor, now=at, reason=action)
    record_event(
        record=record,
        resource_type=resource_type,
        resource_id=instance.pk,
        version=instance.version,
        action=action,
        actor=actor,
        now=at,
        derived=derived,
    )


def now() -> datetime:
    return timezone.now()
