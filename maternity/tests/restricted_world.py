"""A record with restricted entries, for the tests of who sees them (maternity, spine and portal tests).

Location A created the record (active care) and restricted two entries: the medicalConditions singleton
(MENTAL_HEALTH) and one antenatal appointment (SAFEGUARDING); another appointment is not restricted.
Location B is another stakeholder. `hidden_from_patient` is the professional's choice for both.
"""

from dataclasses import dataclass
from datetime import date

from maternity import services
from maternity.actors import Actor
from maternity.models import CareLocation, Pregnancy, PregnancyGroupPermission, StakeholderReason

SECRET = "Seen by the psychiatric team"  # the restricted appointment's note
OPEN_NOTE = "Routine visit, all well"


@dataclass
class Restricted:
    record: Pregnancy
    conditions_id: str
    secret_visit_id: str
    open_visit_id: str
    conditions_restriction: int
    visit_restriction: int


def restricted_record(
    *, record: Pregnancy, actor_a: Actor, location_b: CareLocation, hidden_from_patient: bool = False
) -> Restricted:
    conditions = services.resource_create(
        record_id=record.pk,
        resource_type="medicalConditions",
        data={"mental_health": True, "other": True},
        actor=actor_a,
    )
    secret = services.resource_create(
        record_id=record.pk,
        resource_type="antenatalAppointments",
        data={"appointment_date": date(2026, 11, 2), "note": SECRET},
        actor=actor_a,
    )
    shown = services.resource_create(
        record_id=record.pk,
        resource_type="antenatalAppointments",
        data={"appointment_date": date(2026, 11, 9), "note": OPEN_NOTE},
        actor=actor_a,
    )
    services.stakeholder_grant(record=record, care_location=location_b, reason=StakeholderReason.ACTIVE_CARE)
    on_conditions = services.restriction_add(
        record_id=record.pk,
        resource_type="medicalConditions",
        category="MENTAL_HEALTH",
        hidden_from_patient=hidden_from_patient,
        actor=actor_a,
    )
    on_visit = services.restriction_add(
        record_id=record.pk,
        resource_type="antenatalAppointments",
        resource_id=secret.pk,
        category="SAFEGUARDING",
        hidden_from_patient=hidden_from_patient,
        actor=actor_a,
    )
    record.refresh_from_db()
    assert PregnancyGroupPermission.objects.filter(content_object=record, group=location_b.group).exists()
    return Restricted(
        record, str(conditions.pk), str(secret.pk), str(shown.pk), on_conditions.pk, on_visit.pk
    )
