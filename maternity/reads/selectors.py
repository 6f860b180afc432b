"""Reads that carry a rule: what a caller may learn about a patient and her records."""

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet

from maternity.actors import Actor
from maternity.database.compiled_queries import CompiledQuery
from maternity.errors import NotFound
from maternity.models import AccessLog, Person, Pregnancy, RecordStatus, UserType
from maternity.reads.access import NOT_VISIBLE, actor_arguments, visible_records, visible_records_of
from maternity.rules.identifiers import NationalId
from maternity.rules.pregnancy_keys import person_filter


def person_for(national_id: NationalId) -> Person | None:
    return Person.objects.filter(
        identifier_system=national_id.system, identifier_value=national_id.value
    ).first()


def patient_records(*, actor: Actor, national_id: NationalId) -> QuerySet[Pregnancy]:
    """The patient's records that the actor may see, oldest first."""
    return (
        visible_records(actor)
        .filter(person__identifier_system=national_id.system, person__identifier_value=national_id.value)
        .order_by("created_at")
    )


def patient_status(*, actor: Actor, national_id: NationalId) -> dict:
    """Whether the patient has an active record is told to any caller (creating a second one is refused
    anyway, so it is no secret); which record, and when it changed, only to those who may see it."""
    person = person_for(national_id)
    latest = patient_records(actor=actor, national_id=national_id).last() if person else None
    return {
        "has_given_consent": person.has_given_consent if person else True,
        "has_active_record": person is not None
        and person.pregnancies.filter(status=RecordStatus.ACTIVE).exists(),
        "latest_record": latest,
    }


def visible_records_page(
    *, actor: Actor, limit: int, after: tuple | None = None, status: str | None = None
) -> tuple[list[Pregnancy], bool]:
    """One page of the records the actor may see, oldest first, in one query however many stakeholder
    grants exist. `after` is the (created_at, id) of the last record of the previous page. Returns the
    page and whether there is more."""
    records = (
        visible_records(actor).select_related("person", "active_care_location").order_by("created_at", "id")
    )
    if status:
        records = records.filter(status=status)
    if after is not None:
        created_at, record_id = after
        records = records.filter(Q(created_at__gt=created_at) | Q(created_at=created_at, id__gt=record_id))
    page = list(records[: limit + 1])
    return page[:limit], len(page) > limit


# An audit entry names its record from the request that created it on, so none about a record is older than
# the record (a margin for the clock of another app server). A look-up of her as a person that named no
# record belongs to a pregnancy's trail from when that pregnancy could have begun: nobody is booked later
# than 42+6 weeks, 300 days after her last period. Bounding both by time is also what lets PostgreSQL read
# only the audit trail's monthly partitions of the record's lifetime, not all of them (docs/performance.md).
CLOCK_MARGIN = timedelta(hours=1)
LONGEST_BEFORE_BOOKING = timedelta(days=300)


def record_audit_entries(record: Pregnancy) -> QuerySet[AccessLog]:
    """Every audit entry about the record, newest first: the professionals' access log."""
    return AccessLog.objects.filter(record_id=record.pk, at__gte=record.created_at - CLOCK_MARGIN).order_by(
        "-at", "-id"
    )


def patient_audit_entries(record: Pregnancy, *, her_user_id: int) -> QuerySet[AccessLog]:
    """What her access log lists for this pregnancy, newest first: every entry about the record, and every
    search or look-up of her as a person that named no single record since the pregnancy could have begun
    (it could have been for it). Her own use of the portal is left out: she knows she was there."""
    about_record = Q(record_id=record.pk, at__gte=record.created_at - CLOCK_MARGIN)
    about_her = Q(
        record__isnull=True, person_id=record.person_id, at__gte=record.created_at - LONGEST_BEFORE_BOOKING
    )
    return (
        AccessLog.objects.filter(about_record | about_her)
        .exclude(user_type=UserType.PATIENT, user_id=her_user_id)
        .select_related("user__practitioner")
        .order_by("-at", "-id")
    )


def pregnancies_of_person(
    *, actor: Actor, national_id: NationalId, date_of_birth: date | None
) -> list[Pregnancy]:
    """The person's pregnancies that the actor is a stakeholder of (Spine $find-all-pregnancies): ID and
    date of birth exact, entered-in-error records left out, oldest first."""
    return list(
        visible_records(actor)
        .filter(**person_filter(national_id, date_of_birth))
        .exclude(status=RecordStatus.ENTERED_IN_ERROR)
        .select_related("person", "active_care_location", "mother")
        .order_by("created_at")
    )


@dataclass(frozen=True)
class StoredDocument:
    """What one read of a record's stored document finds: the record's ids and revision, and the stored
    text when it is at that revision (else None: `documents.document_current` builds it)."""

    record_id: UUID
    person_id: int
    revision: int
    body: str | None
    # the stored document's restricted entries (`RecordDocument.restrictions`); None when there is no
    # stored document (`restrictions.restrictions_of` reads them from the rows then)
    restrictions: list | None = None


def _stored_document_query(
    *,
    record_id: UUID,
    system: str,
    value: str,
    user_type: str,
    with_body: bool,
    group_id: int | None = None,
    user_id: int | None = None,
) -> QuerySet[Pregnancy, tuple[UUID, int, int, int | None, Any, Any]]:
    body = "document__body" if with_body else "document__revision"  # a revalidation needs only the stamp
    return (
        visible_records_of(user_type=user_type, group_id=group_id, user_id=user_id)
        .filter(pk=record_id, person__identifier_system=system, person__identifier_value=value)
        .values_list("pk", "person_id", "revision", "document__revision", body, "document__restrictions")[:1]
    )


_STORED_DOCUMENT = CompiledQuery(_stored_document_query)


def stored_document_for(
    *, actor: Actor, record_id: UUID | str, national_id: NationalId, with_body: bool = True
) -> StoredDocument:
    """The record's stored document, if the actor may see the record and it is the patient's: visibility,
    the patient match and the document in one query, compiled once per kind of actor. NotFound otherwise,
    as for no record at all. Without the body (`with_body=False`, for a revalidation) `body` is None."""
    try:
        record_uuid = record_id if isinstance(record_id, UUID) else UUID(str(record_id))
    except ValueError:
        raise NotFound(NOT_VISIBLE) from None
    fixed, values = actor_arguments(actor)
    row = _STORED_DOCUMENT.first(
        fixed={**fixed, "with_body": with_body},
        record_id=record_uuid,
        system=national_id.system,
        value=national_id.value,
        **values,
    )
    if row is None:
        raise NotFound(NOT_VISIBLE)
    pk, person_id, revision, stored_revision, body, restrictions = row
    return StoredDocument(
        UUID(str(pk)),
        person_id,
        revision,
        body if stored_revision == revision else None,
        _restrictions(restrictions) if stored_revision is not None else None,
    )


def _restrictions(stored: Any) -> list:
    """The stored document's restricted entries as a list (a backend may hand JSON back as text through
    values_list)."""
    return json.loads(stored) if isinstance(stored, str) else stored


@dataclass(frozen=True)
class PatientDocument(StoredDocument):
    """A stored document found by the record id alone (the FHIR side names a Patient by the record id and
    sends no nhn-patient-nin), with the person's keys, which the document does not hold: the Patient
    resource of `Patient/{id}/$everything` is built from them and the `mother` resource."""

    identifier_system: str = ""
    identifier_value: str = ""
    date_of_birth: date | None = None


def _patient_document_query(
    *, record_id: UUID, user_type: str, group_id: int | None = None, user_id: int | None = None
) -> QuerySet[Pregnancy, tuple[Any, ...]]:
    return (
        visible_records_of(user_type=user_type, group_id=group_id, user_id=user_id)
        .filter(pk=record_id)
        .values_list(
            "pk",
            "person_id",
            "revision",
            "document__revision",
            "document__body",
            "person__identifier_system",
            "person__identifier_value",
            "person__date_of_birth",
            "document__restrictions",
        )[:1]
    )


_PATIENT_DOCUMENT = CompiledQuery(_patient_document_query)


def patient_document_for(*, actor: Actor, record_id: UUID | str) -> PatientDocument:
    """The record's stored document and its person's keys, if the actor may see the record: visibility, the
    document and the person in one query, compiled once per kind of actor. NotFound otherwise, as for no
    record at all (a malformed id too)."""
    try:
        record_uuid = record_id if isinstance(record_id, UUID) else UUID(str(record_id))
    except ValueError:
        raise NotFound(NOT_VISIBLE) from None
    fixed, values = actor_arguments(actor)
    row = _PATIENT_DOCUMENT.first(fixed=fixed, record_id=record_uuid, **values)
    if row is None:
        raise NotFound(NOT_VISIBLE)
    pk, person_id, revision, stored_revision, body, system, value, born, restrictions = row
    return PatientDocument(
        UUID(str(pk)),
        person_id,
        revision,
        body if stored_revision == revision else None,
        _restrictions(restrictions) if stored_revision is not None else None,
        identifier_system=system,
        identifier_value=value,
        date_of_birth=born,
    )
