"""Creating and updating a pregnancy the Spine's way: by its keys, with demographics and EDDs, and the
active Care Location (the FHIR-shaped operations call these; DESIGN rules 1-5)."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.utils.translation import gettext_lazy as _

from maternity.rules.clinical import agreed_edd
from maternity.rules.identifiers import NationalId
from maternity.rules.pregnancy_keys import PregnancyKeys, records_matching
from maternity.rules.resources import RESOURCE_TYPES
from maternity.rules.wording import worded

from ..actors import Actor
from ..errors import AlreadyExists, Invalid, NotAllowed
from ..models import EventAction, Person, Pregnancy, RecordStatus, StakeholderReason
from .active_care import care_pull
from .gate import record_write
from .records import ACTIVE_EXISTS, record_create, save_record_version
from .resources import key_demographics_check, merge_in_locked_record
from .stakeholders import stakeholder_grant_for
from .versioning import lock_record_for_write, now, validate

# Which currentPregnancy field holds each kind of EDD (the agreed EDD is derived from them).
EDD_FIELDS = {
    "agreed": "due_date_corrected_date",
    "scan": "due_date_based_on_ultrasound",
    "date": "due_date",
}
KEYS_EXIST = _("A pregnancy with these keys already exists: find it with $find-pregnancy.")


@dataclass(frozen=True)
class Created:
    record: Pregnancy
    created: bool  # False: an existing record of the person with no EDD was completed


def _edd_fields(edds: dict[str, date]) -> dict[str, date]:
    unknown = set(edds) - set(EDD_FIELDS)
    if unknown:
        raise Invalid(
            worded(_("Unknown EDD kind(s): %(kinds)s."), kinds=", ".join(sorted(unknown))), field="edd"
        )
    return {EDD_FIELDS[kind]: value for kind, value in edds.items()}


def _agreed(edds: dict[str, date]) -> date | None:
    return agreed_edd(
        corrected=edds.get("agreed"), ultrasound=edds.get("scan"), lmp_based=edds.get("date"), lmp=None
    )


@record_write()
def pregnancy_create_by_keys(
    *,
    national_id: NationalId,
    date_of_birth: date,
    edds: dict[str, date],
    actor: Actor,
    mother: dict[str, Any] | None = None,
    current_pregnancy: dict[str, Any] | None = None,
) -> Created:
    """A new record with its EDD (and demographics, and other currentPregnancy fields such as the LMP).
    When the person has an active record with no EDD yet, that record is completed instead (the caller
    becomes a stakeholder: it wrote with the keys). 409 when the keys match an existing pregnancy, or the
    person has another active record."""
    if not actor.is_professional or actor.care_location is None:
        raise NotAllowed(_("Only health care professionals acting for a Care Location can create a record."))
    edd = _agreed(edds)
    if edd is None:
        raise Invalid(
            _("An EDD (agreed, by scan or by date) is required to create a pregnancy."), field="edd"
        )
    if national_id.birth_date and national_id.birth_date != date_of_birth:
        raise Invalid(_("The date of birth does not match the one the national ID encodes."), field="dob")
    person = Person.objects.select_for_update(no_key=True).filter(**_person_lookup(national_id)).first()
    if person is not None and person.date_of_birth not in (None, date_of_birth):
        raise AlreadyExists(
            _("This national ID is registered with a different date of birth: check the date of birth.")
        )
    if records_matching(PregnancyKeys(national_id, date_of_birth, edd)):
        raise AlreadyExists(KEYS_EXIST)
    if person is not None:
        active = person.pregnancies.filter(status=RecordStatus.ACTIVE).first()
        if active is not None and active.agreed_edd is None:
            stakeholder_grant_for(
                record=active, actor=actor, reason=StakeholderReason.API_ACCESS, detail="pregnancy keys"
            )
            record = lock_record_for_write(active.pk, actor)
            if person.date_of_birth is None:
                person.date_of_birth = date_of_birth
                person._history_user = actor.user
                person.save(update_fields=["date_of_birth"])
            _write_edds(record, edds, actor, current_pregnancy)
            if mother and actor.care_location_id_or_none == record.active_care_location_id:
                merge_in_locked_record(record=record, rt=RESOURCE_TYPES["mother"], data=mother, actor=actor)
            record.refresh_from_db()
            return Created(record=record, created=False)
        if active is not None:
            raise AlreadyExists(ACTIVE_EXISTS)
    resources = {"currentPregnancy": {**(current_pregnancy or {}), **_edd_fields(edds)}}
    if mother:
        resources["mother"] = mother
    record = record_create(
        national_id=national_id, actor=actor, resources=resources, date_of_birth=date_of_birth
    )
    return Created(record=record, created=True)


def _person_lookup(national_id: NationalId) -> dict:
    return {"identifier_system": national_id.system, "identifier_value": national_id.value}


def _write_edds(
    record: Pregnancy, edds: dict[str, date], actor: Actor, more: dict[str, Any] | None = None
) -> None:
    """The EDDs, with any other currentPregnancy fields that came with them (e.g. the LMP)."""
    data = {**(more or {}), **_edd_fields(edds)}
    merge_in_locked_record(record=record, rt=RESOURCE_TYPES["currentPregnancy"], data=data, actor=actor)


@record_write()
def pregnancy_update(
    *,
    record_id: UUID | str,
    actor: Actor,
    national_id: NationalId | None = None,
    date_of_birth: date | None = None,
    mother: dict[str, Any] | None = None,
    edds: dict[str, date] | None = None,
    care_start: datetime | None = None,
) -> Pregnancy:
    """One bundle of changes, all or nothing: pull care first (so a location taking over may then change
    the demographics), then the person's identity and demographics (active location only), then EDDs."""
    if not actor.is_professional:
        raise NotAllowed(_("Only health care professionals can update a pregnancy."))
    if care_start is not None:
        care_pull(record_id=record_id, actor=actor, start_time=care_start)
    record = lock_record_for_write(record_id, actor)
    if national_id is not None or date_of_birth is not None or mother:
        key_demographics_check(record, actor, "The Patient resource")
    if national_id is not None or date_of_birth is not None:
        _identity_update(record, national_id=national_id, date_of_birth=date_of_birth, actor=actor)
    if mother:
        merge_in_locked_record(record=record, rt=RESOURCE_TYPES["mother"], data=mother, actor=actor)
    if edds:
        _write_edds(record, edds, actor)
    record.refresh_from_db()
    return record


def _identity_update(
    record: Pregnancy, *, national_id: NationalId | None, date_of_birth: date | None, actor: Actor
) -> None:
    """Correct the person's national ID or date of birth (a new version of the person, and of the record
    root so subscribers re-read). Refused when it would make the keys of two pregnancies the same, or
    would join two people (merging people is a national administration task)."""
    person = Person.objects.select_for_update(no_key=True).get(pk=record.person_id)
    new_id = national_id or NationalId(system=person.identifier_system, value=person.identifier_value)
    new_dob = date_of_birth or (national_id.birth_date if national_id else None) or person.date_of_birth
    if (new_id.system, new_id.value, new_dob) == (
        person.identifier_system,
        person.identifier_value,
        person.date_of_birth,
    ):
        return
    other = Person.objects.filter(**_person_lookup(new_id)).exclude(pk=person.pk).first()
    if other is not None:
        if (
            record.agreed_edd
            and new_dob
            and records_matching(PregnancyKeys(new_id, new_dob, record.agreed_edd))
        ):
            raise AlreadyExists(
                _("Another pregnancy already has these keys (national ID, date of birth and EDD).")
            )
        raise AlreadyExists(
            _(
                "Another person is registered with this national ID; merging people is a national "
                "administration task."
            )
        )
    person.identifier_system, person.identifier_value, person.date_of_birth = (
        new_id.system,
        new_id.value,
        new_dob,
    )
    validate(person, exclude=["user"])
    person._history_user = actor.user
    person._change_reason = "identity corrected"
    person.save()
    record.version += 1
    save_record_version(record, action=EventAction.UPDATED, actor=actor, at=now())
