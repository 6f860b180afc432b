"""What the benchmarks make and then remove: synthetic Care Locations, their client systems, records."""

from datetime import date, timedelta

from django.db import transaction

from maternity.models import CareLocation, Person, Pregnancy, RecordEvent
from maternity.rules.identifiers import make_norwegian_fnr
from maternity.rules.resources import RESOURCE_TYPES


def free_nins(count: int, start: date = date(1990, 1, 1)):
    """`count` valid synthetic national IDs that no person in the database has."""
    found: list[str] = []
    day = 0
    while len(found) < count:
        birth_date = start + timedelta(days=day)
        day += 1
        for individual in range(100, 500, 7):
            try:
                nin = make_norwegian_fnr(birth_date, individual, synthetic=True)
            except ValueError:
                continue
            if not Person.objects.filter(identifier_value=nin).exists():
                found.append(nin)
                break
    return found


@transaction.atomic
def remove_location(location) -> None:
    """The location (with its history), its client systems (with their subscriptions) and every record it
    created, with their history and events."""
    records = list(Pregnancy.objects.filter(created_by_location=location).values_list("pk", flat=True))
    for rt in RESOURCE_TYPES.values():
        rt.model.history.filter(record_id__in=records).delete()
    Pregnancy.history.filter(id__in=records).delete()
    RecordEvent.objects.filter(record_id__in=records).delete()
    people = list(Pregnancy.objects.filter(pk__in=records).values_list("person_id", flat=True))
    Pregnancy.objects.filter(pk__in=records).delete()
    Person.objects.filter(pk__in=people, pregnancies__isnull=True).delete()
    for client in location.spine_clients.select_related("application", "service_user"):
        client.delete()
        client.application.delete()
        client.service_user.delete()
    group, location_id = location.group, location.pk
    location.delete()
    CareLocation.history.filter(id=location_id).delete()
    group.delete()
