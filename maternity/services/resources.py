"""Create, update and mark entered-in-error the resources of a record (DESIGN rules 4, 7, 8, 11)."""

from collections.abc import Callable
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from django.utils.translation import gettext_lazy as _

from maternity.database.compiled_queries import CompiledQuery
from maternity.reads.restrictions import hidden_entry, restricted_for, stored_restrictions
from maternity.rules.clinical import agreed_edd
from maternity.rules.identifiers import NationalId
from maternity.rules.resources import RESOURCE_TYPES, ResourceType
from maternity.rules.wording import Text, worded

from ..actors import Actor
from ..errors import AlreadyExists, EnteredInError, Invalid, NotAllowed, ResourceNotFound, VersionConflict
from ..models import Birth, CurrentPregnancy, EventAction, Pregnancy, RecordDocument, RecordStatus, UserType
from ..models.base import ListResource, Resource
from .booking_checks import booking_check, booking_stored, bookings_reopen_for_visit
from .end_dates import pregnancy_end_check
from .gate import record_write
from .versioning import lock_record_for_write, now, read_only_check, save_resource_version, validate


def resource_type_get(name: str) -> ResourceType:
    try:
        return RESOURCE_TYPES[name]
    except KeyError:
        raise ResourceNotFound(
            worded(
                _("Unknown resource type '%(name)s'. Valid types: %(valid)s."),
                name=name,
                valid=", ".join(RESOURCE_TYPES),
            ),
            field="resourceType",
        ) from None


def resource_writer_check(*, resource_type: str, actor: Actor, through_service: bool = False) -> ResourceType:
    """Refuse a resource type this kind of caller never writes (callers may ask before parsing a body), and
    a type written only through its own service (`written_through`) unless that service is asking."""
    rt = resource_type_get(resource_type)
    if rt.written_through and not through_service:
        raise NotAllowed(
            worded(_("%(name)s is written only by %(service)s."), name=rt.name, service=rt.written_through),
            rule="writer",
        )
    if actor.user_type not in rt.written_by:
        writers: dict[frozenset[str], Text] = {
            frozenset({UserType.PATIENT}): _("%(name)s is written by the pregnant person only."),
            frozenset({UserType.HEALTH_CARE_PROFESSIONAL}): _(
                "%(name)s is written by health care professionals only."
            ),
        }
        refusal = writers.get(rt.written_by, _("%(name)s is written by the system only."))
        raise NotAllowed(worded(refusal, name=rt.name), rule="writer")
    return rt


def key_demographics_check(record: Pregnancy, actor: Actor, what: str = "mother") -> None:
    """Key demographics (the mother resource and the person's identity) are changed only from the
    active Care Location (DESIGN rule 4)."""
    if actor.care_location_id_or_none != record.active_care_location_id:
        raise NotAllowed(
            worded(
                _(
                    "%(what)s holds key demographics: only the active Care Location (%(location)s) may "
                    "change it. Pull active care first if you now care for this pregnancy."
                ),
                what=what,
                location=record.active_care_location.name,
            ),
            rule="key-demographics",
        )


# What is recorded only once the record is DELIVERED, and what each refusal says.
POSTNATAL_AFTER_DELIVERY = _(
    "Postnatal visits are recorded after the delivery: change the record's status to DELIVERED first."
)
AFTER_DELIVERY = {
    "births": _(
        "Birth details are recorded after the delivery: change the record's status to DELIVERED (with the "
        "delivery date) first, then add each baby's details."
    ),
    "labour": _(
        "Labour and birth details are recorded with the delivery or after it: change the record's status to "
        "DELIVERED first (the delivery step records them together)."
    ),
    "postnatalMotherVisits": POSTNATAL_AFTER_DELIVERY,
    "postnatalBabyVisits": POSTNATAL_AFTER_DELIVERY,
}


def after_delivery_check(record: Pregnancy, rt: ResourceType) -> None:
    """Births, labour and postnatal visits are added only to a delivered record, by every caller."""
    if rt.name in AFTER_DELIVERY and record.status != RecordStatus.DELIVERED:
        raise NotAllowed(AFTER_DELIVERY[rt.name], rule="after-delivery")


def resource_write_check(
    *,
    record: Pregnancy,
    resource_type: str,
    actor: Actor,
    adding: bool = False,
    through_service: bool = False,
) -> None:
    """Every rule on who may write this resource type of this record, as the write gate applies them (the
    record's visibility aside): the kind of writer, read-only records, key demographics and, when `adding`,
    births, labour and postnatal visits only after the delivery. Pages ask it to explain a refusal before
    anyone types (`NotAllowed.rule` says which rule refused)."""
    rt = resource_writer_check(resource_type=resource_type, actor=actor, through_service=through_service)
    read_only_check(record, actor)
    if rt.key_demographics:
        key_demographics_check(record, actor, rt.name)
    if adding:
        after_delivery_check(record, rt)


def _content(rt: ResourceType, data: dict[str, Any]) -> dict[str, Any]:
    """The full set of content fields for a new version: what was sent, everything else cleared.
    (A PUT replaces the resource; NHN removes data by PUTting nulls.)"""
    fields = {f.name: f for f in rt.model.content_fields()}
    unknown = set(data) - set(fields)
    if unknown:
        raise Invalid(
            worded(
                _("Unknown field(s) for %(name)s: %(fields)s."),
                name=rt.name,
                fields=", ".join(sorted(unknown)),
            ),
            field=sorted(unknown)[0],
        )
    return {name: data[name] if name in data else field.get_default() for name, field in fields.items()}


def create_in_locked_record(
    *, record: Pregnancy, rt: ResourceType, data: dict[str, Any], actor: Actor, at: datetime | None = None
) -> Resource:
    """Create a resource inside a transaction that already holds the record's lock (no writer checks:
    the services that call this have made them, or write system resources such as notes)."""
    at = at or now()
    after_delivery_check(record, rt)
    if not rt.is_list and rt.model._default_manager.filter(record=record).exists():
        raise AlreadyExists(
            worded(_("%(name)s already exists on this record: update it with PUT."), name=rt.name)
        )
    instance = rt.model(record=record, version=1, **_content(rt, data))
    validate(instance, exclude=["record", "last_updated", "updated_by_user_type"])
    _check_dates(record, instance)
    booking_check(instance, stored=None, at=at)
    save_resource_version(
        instance,
        record=record,
        resource_type=rt.name,
        action=EventAction.CREATED,
        actor=actor,
        at=at,
        derived=_derived(instance),
    )
    return instance


def merge_in_locked_record(
    *, record: Pregnancy, rt: ResourceType, data: dict[str, Any], actor: Actor, at: datetime | None = None
) -> Resource:
    """Set some fields of a singleton inside a transaction that holds the record's lock, keeping the
    others: a new version when it exists, else a new resource. For writers that send parts of a resource
    without a version (the spine's FHIR operations); the record lock keeps concurrent writers apart."""
    at = at or now()
    instance = rt.model._default_manager.filter(record=record).first()
    if instance is None:
        return create_in_locked_record(record=record, rt=rt, data=data, actor=actor, at=at)
    current = {f.name: getattr(instance, f.name) for f in rt.model.content_fields()}
    for name, value in _content(rt, {**current, **data}).items():
        setattr(instance, name, value)
    instance.version += 1
    validate(instance, exclude=["record"])
    _check_dates(record, instance)
    save_resource_version(
        instance,
        record=record,
        resource_type=rt.name,
        action=EventAction.UPDATED,
        actor=actor,
        at=at,
        derived=_derived(instance),
    )
    return instance


Parse = Callable[[], tuple[dict[str, Any], int | None]]


@record_write()
def resource_create(
    *,
    record_id: UUID | str,
    resource_type: str,
    actor: Actor,
    data: dict[str, Any] | None = None,
    parse: Parse | None = None,
    national_id: NationalId | None = None,
) -> Resource:
    """A new resource. `parse` (instead of `data`) reads the request body once every check has passed,
    so a caller who may not write learns nothing from the body's errors. `national_id`: the record must
    be this patient's (the API's nhn-patient-nin)."""
    rt = resource_type_get(resource_type)
    record = lock_record_for_write(record_id, actor, national_id=national_id)
    resource_write_check(record=record, resource_type=rt.name, actor=actor)
    if parse is not None:
        data, _ = parse()
    return create_in_locked_record(record=record, rt=rt, data=data or {}, actor=actor)


@record_write()
def resource_update(
    *,
    record_id: UUID | str,
    resource_type: str,
    actor: Actor,
    version: int | None = None,
    data: dict[str, Any] | None = None,
    parse: Parse | None = None,
    resource_id: UUID | str | None = None,
    national_id: NationalId | None = None,
    bookkeeping: dict[str, Any] | None = None,
) -> Resource:
    """A new version of a resource: `version` must be its current one. `parse` and `national_id` as for
    `resource_create`; `parse` returns the data and the version. `bookkeeping`: fields outside the content
    that the calling service sets on the new version too (a birth plan's new version is unread)."""
    rt = resource_type_get(resource_type)
    record = lock_record_for_write(record_id, actor, national_id=national_id)
    resource_write_check(record=record, resource_type=rt.name, actor=actor)
    if parse is not None:
        data, version = parse()
    instance = _get_resource(rt, record, resource_id)
    restricted_write_check(record=record, resource_type=rt.name, resource_id=instance.pk, actor=actor)
    _check_version(rt, instance, version)
    stored = booking_stored(instance)
    for name, value in {**_content(rt, data or {}), **(bookkeeping or {})}.items():
        setattr(instance, name, value)
    instance.version += 1
    validate(instance, exclude=["record"])
    _check_dates(record, instance)
    booking_check(instance, stored=stored, at=now())
    save_resource_version(
        instance,
        record=record,
        resource_type=rt.name,
        action=EventAction.UPDATED,
        actor=actor,
        derived=_derived(instance),
    )
    return instance


@record_write()
def resource_enter_in_error(
    *,
    record_id: UUID | str,
    resource_type: str,
    resource_id: UUID | str,
    actor: Actor,
    version: int | None = None,
    national_id: NationalId | None = None,
    reason: str = "",
) -> Resource:
    """The NHN DELETE of a list item: mark it entered-in-error; the item and its history are kept, and
    `reason` (the midwives' app asks for one) with the version that marks it. A visit's booking is booked
    again (`booking_checks.bookings_reopen_for_visit`)."""
    rt = resource_type_get(resource_type)
    if not rt.is_list:
        raise NotAllowed(
            worded(
                _("%(name)s cannot be deleted: to remove its data, PUT it with null values."), name=rt.name
            )
        )
    record = lock_record_for_write(record_id, actor, national_id=national_id)
    resource_write_check(record=record, resource_type=rt.name, actor=actor)
    instance = cast(ListResource, _get_resource(rt, record, resource_id))  # a list item: rt.is_list
    restricted_write_check(record=record, resource_type=rt.name, resource_id=instance.pk, actor=actor)
    if version is not None:
        _check_version(rt, instance, version)
    instance.entered_in_error = True
    instance.entered_in_error_reason = reason.strip()[:500]
    instance.version += 1
    save_resource_version(
        instance, record=record, resource_type=rt.name, action=EventAction.ENTERED_IN_ERROR, actor=actor
    )
    bookings_reopen_for_visit(record=record, visit=instance, actor=actor)
    return instance


def restricted_write_check(
    *, record: Pregnancy, resource_type: str, resource_id: UUID | str | None, actor: Actor
) -> None:
    """A write to a restricted entry by someone who may not see it is refused: it would change what she
    cannot read (maternity/reads/restrictions.py says who sees it; an opening lets her read, not write). The
    locked record came with its stored document, whose restrictions say, so this costs no query."""
    if actor.user_type != UserType.HEALTH_CARE_PROFESSIONAL:
        return
    try:
        stored = record.document.restrictions
    except RecordDocument.DoesNotExist:
        return
    if stored and hidden_entry(
        restricted_for(actor, stored_restrictions(stored)), resource_type, resource_id
    ):
        raise NotAllowed(
            _("This entry is restricted by another Care Location: you cannot change it."), rule="restricted"
        )


# A record's singleton, or one of its list items: compiled once per resource type
_RESOURCE = CompiledQuery(
    lambda *, model, record_id, resource_id=None: (
        model._default_manager.filter(record_id=record_id)
        .filter(**({} if resource_id is None else {"pk": resource_id}))
        .order_by("pk")[:1]
    )
)


def _get_resource(rt: ResourceType, record: Pregnancy, resource_id: UUID | str | None) -> Resource:
    ids = {"record_id": record.pk}
    if rt.is_list:
        try:
            ids["resource_id"] = UUID(str(resource_id))
        except ValueError:
            ids = {}  # no such item
    instance = _RESOURCE.first_object(fixed={"model": rt.model}, **ids) if ids else None
    if instance is not None:
        instance.record = record  # the locked row, with its person: no query to follow the link
    if instance is None:
        if rt.is_list:
            missing = worded(
                _("This record has no %(name)s resource with id %(id)s."), name=rt.name, id=resource_id
            )
        else:
            missing = worded(_("This record has no %(name)s resource."), name=rt.name)
        raise ResourceNotFound(missing)
    if isinstance(instance, ListResource) and instance.entered_in_error:  # rt.is_list
        raise EnteredInError(
            worded(
                _("This %(name)s item was marked entered-in-error and can no longer be changed."),
                name=rt.name,
            )
        )
    return instance


def _check_version(rt: ResourceType, instance: Resource, version: int | None) -> None:
    if version != instance.version:
        raise VersionConflict(
            worded(
                _(
                    "%(name)s has changed since you read it: you sent version %(version)s, the current "
                    "version is %(current)s. Read it again and reapply your change."
                ),
                name=rt.name,
                version=version,
                current=instance.version,
            ),
            field="metadata.version",
        )


def _check_dates(record: Pregnancy, instance: Resource) -> None:
    """A baby's birth time must be possible for this pregnancy, like a delivery date (`end_dates`)."""
    if isinstance(instance, Birth):
        pregnancy_end_check(
            record=record, at=instance.birth_time, field="birthTime", what=_("The birth time")
        )


def _derived(instance: Resource) -> dict[str, Any]:
    """Derived state on the record root: the agreed EDD follows the current pregnancy's dates. Written with
    the change's revision, as a history row of the root when it moves (`versioning.record_event`)."""
    if isinstance(instance, CurrentPregnancy):
        edd = agreed_edd(
            corrected=instance.due_date_corrected_date,
            ultrasound=instance.due_date_based_on_ultrasound,
            lmp_based=instance.due_date,
            lmp=instance.date_last_period,
        )
        return {"agreed_edd": edd}
    return {}
