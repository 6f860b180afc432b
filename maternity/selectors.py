"""Reads that carry a rule: what a caller may learn about a patient and her records."""

from django.db.models import QuerySet

from .access import visible_records
from .actors import Actor
from .identifiers import NationalId
from .models import Person, Pregnancy, RecordStatus


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
        "has_active_record": bool(person) and person.pregnancies.filter(status=RecordStatus.ACTIVE).exists(),
        "latest_record": latest,
    }
