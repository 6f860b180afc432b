"""FeedEntry: the database keeps, for every committed event, one entry per stakeholder of its record, so
that a feed page is one index range read. Checked here through the services, guardian's own grant rows
and the feed itself; and with real concurrent transactions for the races between events and grants."""

import threading

import pytest
from django.db import connection, connections, transaction

from conftest import new_nin
from maternity import services
from maternity.actors import Actor
from maternity.database import feed_entries
from maternity.database.event_positions import committed_through
from maternity.models import FeedEntry, Mother, PregnancyGroupPermission, RecordEvent, UserType
from maternity.reads.event_feed import visible_events
from maternity.rules.identifiers import parse_national_id
from spine.tests.helpers import commit_positions

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="commit-time triggers")


def at(location, user=None) -> Actor:
    return Actor(
        user_type=UserType.HEALTH_CARE_PROFESSIONAL, care_location=location, user=user, name="Kari Jordmor"
    )


def new_record(location):
    record = services.record_create(
        national_id=parse_national_id(new_nin()), actor=at(location), resources={"mother": {"name": "Åse"}}
    )
    commit_positions()
    return record


def rename(record, location, name: str) -> None:
    version = Mother.objects.get(record=record).version
    services.resource_update(
        record_id=record.pk, resource_type="mother", version=version, data={"name": name}, actor=at(location)
    )


def positions(record) -> list[int]:
    return list(
        RecordEvent.objects.filter(record=record).order_by("position").values_list("position", flat=True)
    )


def entries(record, **stakeholder) -> list[int]:
    return sorted(
        FeedEntry.objects.filter(position__record=record, **stakeholder).values_list("position", flat=True)
    )


def feed(actor) -> list[int]:
    events = visible_events(actor, after=0, through=committed_through())
    return [event.position for event in events]


def test_each_committed_event_has_an_entry_for_each_stakeholder_location_and_no_other(location_a, location_b):
    record = new_record(location_a)
    assert entries(record, group_id=location_a.group_id) == positions(record) != []
    assert entries(record, group_id=location_b.group_id) == []
    assert FeedEntry.objects.filter(position__record=record).count() == len(positions(record))


@postgres_only
def test_an_event_has_no_entries_before_its_transaction_commits(location_a):
    record = new_record(location_a)
    rename(record, location_a, "Åse Ødegård")
    newest = RecordEvent.objects.filter(record=record).order_by("-sequence").first()
    assert newest.position is None and len(entries(record)) == len(positions(record)) - 1
    commit_positions()
    assert entries(record) == positions(record)


def test_a_new_stakeholder_gets_the_records_earlier_events_and_its_later_ones(location_a, location_b):
    record = new_record(location_a)
    services.stakeholder_grant(record=record, care_location=location_b, reason="API_ACCESS")
    commit_positions()
    assert entries(record, group_id=location_b.group_id) == positions(record)
    rename(record, location_a, "Åse Ødegård")
    commit_positions()
    assert entries(record, group_id=location_b.group_id) == positions(record)
    assert feed(at(location_b)) == positions(record)


def test_a_grant_taken_back_takes_its_entries_with_it(location_a, location_b):
    record = new_record(location_a)
    services.stakeholder_grant(record=record, care_location=location_b, reason="API_ACCESS")
    commit_positions()
    PregnancyGroupPermission.objects.filter(content_object=record, group_id=location_b.group_id).delete()
    commit_positions()
    assert entries(record, group_id=location_b.group_id) == []
    assert feed(at(location_b)) == []
    assert entries(record, group_id=location_a.group_id) == positions(record)


def test_a_grant_added_and_taken_back_in_one_transaction_leaves_nothing(location_a, location_b):
    record = new_record(location_a)
    services.stakeholder_grant(record=record, care_location=location_b, reason="API_ACCESS")
    PregnancyGroupPermission.objects.filter(content_object=record, group_id=location_b.group_id).delete()
    commit_positions()
    assert entries(record, group_id=location_b.group_id) == []


def test_a_user_who_broke_glass_hears_of_the_record_and_an_event_seen_both_ways_comes_once(
    location_a, location_b, django_user_model
):
    midwife = django_user_model.objects.create_user("jordmor-b")
    found, own = new_record(location_a), new_record(location_b)
    services.stakeholder_grant_user(record=found, user=midwife, reason="BREAK_GLASS")
    services.stakeholder_grant_user(record=own, user=midwife, reason="BREAK_GLASS")
    commit_positions()
    assert entries(found, user=midwife) == positions(found)
    assert feed(at(location_b, user=midwife)) == sorted(positions(found) + positions(own))
    assert feed(at(location_b)) == positions(own)  # the location did not break glass: only she did
    assert feed(at(None, user=midwife)) == sorted(positions(found) + positions(own))


def test_a_page_stops_at_its_limit_across_both_kinds_of_grant(location_a, location_b, django_user_model):
    midwife = django_user_model.objects.create_user("jordmor-b")
    found, own = new_record(location_a), new_record(location_b)
    services.stakeholder_grant_user(record=found, user=midwife, reason="BREAK_GLASS")
    commit_positions()
    everything = sorted(positions(found) + positions(own))
    page = visible_events(at(location_b, user=midwife), after=0, through=committed_through(), limit=3)
    assert [event.position for event in page] == everything[:3]


def test_the_record_filter_is_applied_from_the_entries(location_a):
    record = new_record(location_a)
    events = visible_events(at(location_a), ["births"], after=0, through=committed_through())
    assert {event.resource_type for event in events} == {"record"}
    events = visible_events(at(location_a), ["mother"], after=0, through=committed_through())
    assert {event.resource_type for event in events} == {"record", "mother"}
    assert (
        len(events)
        == RecordEvent.objects.filter(record=record, resource_type__in=["record", "mother"]).count()
    )


def test_deleting_a_record_deletes_its_entries(location_a, superuser):
    record = new_record(location_a)
    services.record_delete(record_id=record.pk, user=superuser, reason="Created for the wrong person")
    commit_positions()
    assert not FeedEntry.objects.exists()


def test_the_backfill_writes_what_the_triggers_would_have_and_may_run_again(location_a, location_b):
    first, second = new_record(location_a), new_record(location_b)
    services.stakeholder_grant(record=first, care_location=location_b, reason="API_ACCESS")
    commit_positions()
    written_by_triggers = set(
        FeedEntry.objects.values_list("group_id", "user_id", "position", "resource_type")
    )
    FeedEntry.objects.filter(position__record=first).delete()
    assert feed_entries.backfill() == len(positions(first)) * 2
    assert feed_entries.backfill() == 0
    assert set(FeedEntry.objects.values_list("group_id", "user_id", "position", "resource_type")) == (
        written_by_triggers
    )
    assert entries(second) == positions(second)


# --- races between an event and a grant, in real concurrent transactions ---------------------------------


def side_by_side(first, second) -> None:
    """Run `first` in a transaction on another connection until it has done its work, then `second` (here,
    committed), then let `first` commit."""
    started, go_on, failures = threading.Event(), threading.Event(), []

    def run_first():
        try:
            with transaction.atomic():
                first()
                started.set()
                assert go_on.wait(30)
        except BaseException as error:  # reported below, in the test's thread
            failures.append(error)
            started.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run_first)
    thread.start()
    assert started.wait(30)
    try:
        with transaction.atomic():
            second()
    finally:
        go_on.set()
        thread.join(30)
    assert not failures, failures


race = pytest.mark.django_db(transaction=True)


@race
@postgres_only
def test_an_event_that_commits_after_a_new_grant_is_in_the_new_stakeholders_feed(location_a, location_b):
    record = new_record(location_a)
    side_by_side(
        lambda: rename(record, location_a, "Åse Ødegård"),
        lambda: services.stakeholder_grant(record=record, care_location=location_b, reason="API_ACCESS"),
    )
    assert entries(record, group_id=location_b.group_id) == positions(record)


@race
@postgres_only
def test_an_event_that_commits_before_a_new_grant_is_in_the_new_stakeholders_feed(location_a, location_b):
    record = new_record(location_a)
    side_by_side(
        lambda: services.stakeholder_grant(record=record, care_location=location_b, reason="API_ACCESS"),
        lambda: rename(record, location_a, "Åse Ødegård"),
    )
    assert entries(record, group_id=location_b.group_id) == positions(record)


@race
@postgres_only
def test_an_event_that_commits_while_a_grant_is_being_taken_back_leaves_no_entry_behind(
    location_a, location_b
):
    record = new_record(location_a)
    services.stakeholder_grant(record=record, care_location=location_b, reason="API_ACCESS")
    side_by_side(
        lambda: PregnancyGroupPermission.objects.filter(
            content_object=record, group_id=location_b.group_id
        ).delete(),
        lambda: rename(record, location_a, "Åse Ødegård"),
    )
    assert entries(record, group_id=location_b.group_id) == []
    assert entries(record, group_id=location_a.group_id) == positions(record)
