"""CaseloadSize: each Care Location's count of ACTIVE pregnancies, kept by the database as pregnancies are
created, change status, move to another location or are deleted, so the caseload page never counts.
Each test checks the kept count against a count of the pregnancies themselves."""

import threading

import pytest
from django.db import connection, connections, transaction
from django.db.models import Count

from maternity import services
from maternity.database import caseload_sizes
from maternity.models import CaseloadSize, Pregnancy, RecordStatus, StakeholderReason
from maternity.reads.caseload import caseload_size

from .factories import deliver, make_pregnancy

pytestmark = pytest.mark.django_db


def counted() -> dict[int, int]:
    """What the counts should be: the ACTIVE pregnancies per active Care Location."""
    rows = (
        Pregnancy.objects.filter(status=RecordStatus.ACTIVE, active_care_location__isnull=False)
        .values("active_care_location")
        .annotate(n=Count("id"))
    )
    return {row["active_care_location"]: row["n"] for row in rows}


def kept() -> dict[int, int]:
    return {location: n for location, n in CaseloadSize.objects.values_list("care_location", "active") if n}


def pull(record, actor) -> None:
    services.stakeholder_grant(
        record=record, care_location=actor.care_location, reason=StakeholderReason.BREAK_GLASS
    )
    services.care_pull(record_id=record.pk, actor=actor)


def test_a_pregnancy_created_at_a_location_counts_there(actor_a, location_a, location_b):
    make_pregnancy(actor_a)
    make_pregnancy(actor_a, name="Bodil")
    assert caseload_size(location_a) == 2 and caseload_size(location_b) == 0
    assert kept() == counted()


def test_pulling_active_care_moves_the_pregnancy_between_counts(actor_a, actor_b, location_a, location_b):
    record = make_pregnancy(actor_a)
    pull(record, actor_b)
    assert (caseload_size(location_a), caseload_size(location_b)) == (0, 1)
    pull(record, actor_a)
    assert (caseload_size(location_a), caseload_size(location_b)) == (1, 0)


def test_a_pregnancy_that_ends_leaves_the_count_and_a_correction_back_to_active_returns_it(
    actor_a, location_a
):
    record = make_pregnancy(actor_a)
    deliver(actor_a, record)
    assert caseload_size(location_a) == 0
    record.refresh_from_db()
    services.record_status_update(record_id=record.pk, version=record.version, status="ACTIVE", actor=actor_a)
    assert caseload_size(location_a) == 1
    assert kept() == counted()


def test_deleting_an_active_record_takes_it_off_the_count(actor_a, location_a, superuser):
    record = make_pregnancy(actor_a)
    make_pregnancy(actor_a, name="Bodil")
    services.record_delete(record_id=record.pk, user=superuser, reason="Created for the wrong person")
    assert caseload_size(location_a) == 1


def test_saving_a_record_without_moving_it_leaves_the_count_alone(actor_a, location_a):
    record = make_pregnancy(actor_a)
    Pregnancy.objects.get(pk=record.pk).save()  # every column updated, none changed
    services.resource_update(
        record_id=record.pk,
        resource_type="mother",
        version=1,
        data={"name": "Ada Nordmann-Li"},
        actor=actor_a,
    )
    assert caseload_size(location_a) == 1


def test_a_change_that_rolls_back_leaves_the_count_as_it_was(actor_a, location_a):
    record = make_pregnancy(actor_a)
    with pytest.raises(RuntimeError), transaction.atomic():
        deliver(actor_a, record)
        assert caseload_size(location_a) == 0
        raise RuntimeError("the request failed after the status change")
    assert caseload_size(location_a) == 1


def test_recount_rebuilds_every_count_from_the_pregnancies(actor_a, actor_b, location_a):
    make_pregnancy(actor_a)
    pull(make_pregnancy(actor_a, name="Bodil"), actor_b)
    deliver(actor_a, make_pregnancy(actor_a, name="Cecilie"))
    expected = counted()
    CaseloadSize.objects.update(active=99)
    caseload_sizes.recount()
    assert kept() == expected


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks of concurrent transactions")
def test_two_pulls_in_opposite_directions_at_once_both_count_and_neither_deadlocks(
    actor_a, actor_b, location_a, location_b
):
    to_b, to_a = make_pregnancy(actor_a), make_pregnancy(actor_b, name="Bodil")
    services.stakeholder_grant(record=to_b, care_location=location_b, reason=StakeholderReason.BREAK_GLASS)
    services.stakeholder_grant(record=to_a, care_location=location_a, reason=StakeholderReason.BREAK_GLASS)
    barrier, failures = threading.Barrier(2), []

    def run(record, actor):
        try:
            barrier.wait(10)
            services.care_pull(record_id=record.pk, actor=actor)
        except BaseException as error:
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=job) for job in ((to_b, actor_b), (to_a, actor_a))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not failures, failures
    assert (caseload_size(location_a), caseload_size(location_b)) == (1, 1)
    assert kept() == counted()
