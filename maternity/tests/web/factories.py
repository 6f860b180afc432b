"""Small, explicit helpers that make pregnancies with what the caseload shows, through the services."""

from datetime import date, timedelta

from django.utils import timezone

from conftest import new_nin
from maternity import services
from maternity.actors import Actor
from maternity.models import CareLocation, Pregnancy, UserType
from maternity.rules.identifiers import parse_national_id


def actor_for(user, location: CareLocation, name: str = "Kari Jordmor") -> Actor:
    """The Actor a signed-in practitioner is in the browser (as
    `maternity.signin.locations.signed_in_professional` makes)."""
    return Actor(
        user_type=UserType.HEALTH_CARE_PROFESSIONAL,
        user=user,
        care_location=location,
        name=name,
        hpr_nr="9144889",
        hpr_role="JO",
        source_system="maternity web",
    )


def days_from_today(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def edd_at(weeks: int, days: int = 0) -> date:
    """The agreed EDD that makes today `weeks`+`days`."""
    return days_from_today(280 - (weeks * 7 + days))


def make_pregnancy(
    actor: Actor,
    *,
    name: str | None = "Ada Nordmann",
    edd: date | None = None,
    nin: str | None = None,
    born: date = date(1994, 5, 17),
) -> Pregnancy:
    nin = nin or new_nin(born)
    created = services.pregnancy_create_by_keys(
        national_id=parse_national_id(nin),
        date_of_birth=born,
        edds={"agreed": edd or edd_at(30)},
        actor=actor,
        mother={"name": name} if name else None,
    )
    return created.record


def deliver(actor: Actor, record: Pregnancy) -> None:
    """The pregnancy ends in a live birth now (it leaves the caseload)."""
    record.refresh_from_db()
    services.record_status_update(
        record_id=record.pk,
        version=record.version,
        status="DELIVERED",
        delivery_date=timezone.now(),
        live_birth=True,
        actor=actor,
    )


def add_appointment(actor: Actor, record: Pregnancy, *, on: date, blood_pressure=None, protein=None):
    return services.resource_create(
        record_id=record.pk,
        resource_type="antenatalAppointments",
        data={
            "appointment_date": on,
            "blood_pressure": blood_pressure,
            "protein_in_urine_test_result": protein,
        },
        actor=actor,
    )


def add_sfh(actor: Actor, record: Pregnancy, *, on: date, cm: int, week: int | None = None):
    return services.resource_create(
        record_id=record.pk,
        resource_type="symphysisFundalHeights",
        data={"measurement_date": on, "measurement": cm, "pregnancy_week": week},
        actor=actor,
    )


def make_rhd_negative(actor: Actor, record: Pregnancy, *, prophylaxis: bool | None = None):
    services.resource_create(
        record_id=record.pk, resource_type="clinicalTests", data={"rhesus_d_type": "NEGATIVE"}, actor=actor
    )
    services.resource_create(
        record_id=record.pk,
        resource_type="rhesusDNegative",
        data={"prophylaxis_at_week_28": prophylaxis},
        actor=actor,
    )


def make_flagged_pregnancy(actor: Actor, *, name: str = "Flagged Fjell", nin: str | None = None) -> Pregnancy:
    """A pregnancy at 33+0 with every flag but overdue: SFH far below the 3rd centile, BP 150/95 with
    protein 2+ at the last appointment, RhD negative without prophylaxis; and a next appointment, booked."""
    from .alerts_factories import book

    record = make_pregnancy(actor, name=name, edd=edd_at(33), nin=nin)
    add_sfh(actor, record, on=days_from_today(-7), cm=24, week=32)
    add_appointment(actor, record, on=days_from_today(-7), blood_pressure="150/95", protein="2+")
    add_appointment(actor, record, on=days_from_today(7))
    book(actor, record, days=7)
    make_rhd_negative(actor, record)
    return record
