"""`manage.py generate_records`: synthetic records that are whole and consistent, as the services would
have written them: every version in history with its event and audit entry, valid national IDs, grants
for the locations that cared, and commit positions after everything already there."""

import re
from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from conftest import RecordApi, fetch_token
from maternity.actors import Actor
from maternity.database import audit_partitions
from maternity.database.event_positions import committed_through
from maternity.models import (
    AccessLog,
    AntenatalAppointment,
    Booking,
    CareLocation,
    CareLocationEpisode,
    FeedEntry,
    Mother,
    Person,
    Pregnancy,
    PregnancyGroupPermission,
    RecordEvent,
    SymphysisFundalHeight,
    UserType,
)
from maternity.reads.event_feed import visible_events
from maternity.rules.clinical import gestation_days
from maternity.rules.identifiers import parse_national_id
from maternity.rules.resources import RESOURCE_TYPES
from spine.services import spine_client_create

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def generate(pregnancies: int, seed: int, **options) -> str:
    out = StringIO()
    call_command(
        "generate_records",
        pregnancies=pregnancies,
        locations=3,
        workers=0,  # in this process, inside the test's transaction
        chunk=20,
        seed=seed,
        stdout=out,
        **options,
    )
    return out.getvalue()


@pytest.fixture
def generated():
    before = committed_through()
    output = generate(60, seed=7)
    return before, output


def test_it_makes_the_pregnancies_asked_for_and_says_how_it_went(generated):
    _, output = generated
    assert Pregnancy.objects.count() == 60
    assert "Done: 60 pregnancies" in output and "rows/s" in output
    assert "/ 60 pregnancies" in output  # progress, chunk by chunk


def test_every_person_has_a_valid_national_id_matching_her_date_of_birth_and_one_active_pregnancy_at_most(
    generated,
):
    people = list(Person.objects.all())
    assert len({p.identifier_value for p in people}) == len(people)
    for person in people:
        assert parse_national_id(person.identifier_value).birth_date == person.date_of_birth
    active = Counter(Pregnancy.objects.filter(status="ACTIVE").values_list("person_id", flat=True))
    assert max(active.values()) == 1
    assert Person.objects.annotate(n=Count("pregnancies")).filter(n=2).exists()  # some are pregnant again


def test_gestations_spread_over_the_year_and_statuses_are_mixed(generated):
    today = timezone.localdate()
    weeks = [
        gestation_days(edd=r.agreed_edd, on=today) // 7 for r in Pregnancy.objects.filter(status="ACTIVE")
    ]
    assert min(weeks) >= 5 and max(weeks) <= 42 and max(weeks) - min(weeks) >= 25
    statuses = Counter(Pregnancy.objects.values_list("status", flat=True))
    assert statuses["ACTIVE"] > statuses["DELIVERED"] > 0
    for record in Pregnancy.objects.filter(status="DELIVERED"):
        assert record.delivery_date and record.live_birth is not None and record.births.count() == 1


def test_every_version_is_in_history_with_an_event_and_the_revision_counts_them(generated):
    for record in Pregnancy.objects.all()[:40]:
        events = RecordEvent.objects.filter(record=record)
        assert record.revision == events.count()
        assert record.history.count() == record.version
        for rt in RESOURCE_TYPES.values():
            for resource in rt.model.objects.filter(record=record):
                assert resource.history.count() == resource.version, (rt.name, resource.pk)
                assert events.filter(resource_id=resource.pk).count() == resource.version
                assert resource.history.latest().last_updated == resource.last_updated


def test_resources_follow_the_course_of_the_pregnancy(generated):
    assert Mother.objects.count() == 60
    appointments = AntenatalAppointment.objects.filter(appointment_date__lte=timezone.localdate())
    assert appointments.count() >= 60 * 3
    assert all(
        a.systolic_derived and a.blood_pressure.startswith(str(a.systolic_derived)) for a in appointments
    )
    for sfh in SymphysisFundalHeight.objects.all():
        assert sfh.pregnancy_week >= 24 and abs(sfh.measurement - sfh.pregnancy_week) <= 8


def test_every_location_that_cared_is_a_stakeholder_and_the_active_one_had_the_latest_episode(generated):
    for record in Pregnancy.objects.all():
        groups = set(
            PregnancyGroupPermission.objects.filter(content_object=record).values_list("group", flat=True)
        )
        episodes = CareLocationEpisode.objects.filter(record=record).order_by("start_time")
        assert {e.care_location.group_id for e in episodes} == groups
        assert episodes.last().care_location_id == record.active_care_location_id
    assert PregnancyGroupPermission.objects.filter(reason="ACTIVE_CARE").exists()  # some care was pulled


def test_events_take_commit_positions_after_everything_before_them(generated):
    before, _ = generated
    positions = list(RecordEvent.objects.order_by("position").values_list("position", flat=True))
    assert positions[0] == before + 1 and positions[-1] == committed_through()
    assert len(set(positions)) == len(positions) == positions[-1] - before


def test_every_event_has_a_feed_entry_for_each_stakeholder_and_a_location_reads_them_in_its_feed(generated):
    stakeholders: dict = {}
    for record_id, group_id in PregnancyGroupPermission.objects.values_list("content_object", "group"):
        stakeholders.setdefault(record_id, set()).add(group_id)
    expected = {
        (group_id, position, resource_type)
        for record_id, position, resource_type in RecordEvent.objects.values_list(
            "record", "position", "resource_type"
        )
        for group_id in stakeholders[record_id]
    }
    entries = set(FeedEntry.objects.values_list("group_id", "position", "resource_type"))
    assert entries == expected and not FeedEntry.objects.filter(user__isnull=False).exists()

    location = CareLocation.objects.get(org_nr="SYN-0001")
    actor = Actor(user_type=UserType.HEALTH_CARE_PROFESSIONAL, care_location=location, name="Reader")
    feed = visible_events(actor, after=0, through=committed_through())
    assert [event.position for event in feed] == sorted(p for g, p, _ in expected if g == location.group_id)


def test_audit_entries_land_in_their_months_partitions_not_the_default_one(generated):
    assert AccessLog.objects.filter(action="CREATE").count() == 60
    assert AccessLog.objects.filter(action="READ").exists()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {audit_partitions.DEFAULT_PARTITION}")
        assert cursor.fetchone()[0] == 0


def test_audit_entries_are_linked_into_whole_hash_chains(generated):
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "none broken" in out.getvalue()
    assert not AccessLog.objects.filter(chain=None).exists()
    assert "whole" in out.getvalue()


def test_a_second_run_adds_more_without_taking_anyones_national_id(generated):
    generate(20, seed=8)
    assert Pregnancy.objects.count() == 80
    values = Person.objects.values_list("identifier_value", flat=True)
    assert len(set(values)) == len(values)


def test_the_records_read_back_through_the_api_as_whole_documents(generated):
    record = Pregnancy.objects.filter(status="ACTIVE", created_by_location__org_nr="SYN-0001").first()
    new = spine_client_create(care_location=record.created_by_location, name="Reader")
    api = RecordApi(fetch_token(new.client_id, new.client_secret), record.person.identifier_value)
    response = api.get(f"record/{record.pk}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["mother"]["name"] == record.mother.name
    assert len(body["antenatalAppointments"]) == record.antenatalappointments.count()


def test_it_refuses_nonsense_counts_and_changes_nothing(db):
    with pytest.raises(CommandError):
        generate(0, seed=1)
    assert not Pregnancy.objects.exists()


def test_active_pregnancies_have_their_next_visit_booked_on_a_weekday_ahead(generated):
    active = Pregnancy.objects.filter(status="ACTIVE")
    bookings = Booking.objects.filter(record__in=active)
    assert bookings.exists() and not Booking.objects.exclude(record__in=active).exists()
    assert bookings.values("record").distinct().count() == bookings.count()  # one each, the next
    for booking in bookings:
        local = timezone.localtime(booking.starts_at)
        assert local.date() > timezone.localdate() and local.weekday() < 5
        assert (booking.status, booking.kind, booking.visit_id) == ("BOOKED", "ANTENATAL", None)
    assert RecordEvent.objects.filter(resource_type="bookings").count() == bookings.count()


def test_generated_times_are_never_in_the_future(generated):
    now = timezone.now() + timedelta(seconds=5)
    assert not AccessLog.objects.filter(at__gt=now).exists()
    assert not RecordEvent.objects.filter(occurred_at__gt=now).exists()


def _without_casts(definition: str) -> str:
    """An index's definition as PostgreSQL writes it out, less its casts and brackets: a partial index's
    `action IN (...)` reads `= ANY ((ARRAY['FIND'::character varying, ...])::text[])` as Django made it and
    `= ANY (ARRAY[('FIND'::character varying)::text, ...])` once built again from that text: one index."""
    return re.sub(r"::[a-z ]+(\[\])?|[()\s]", "", definition)


@pytest.mark.django_db(transaction=True)  # indexes are dropped and built in their own transactions
def test_indexes_dropped_for_a_large_load_come_back_on_every_table_and_audit_partition():
    def indexes() -> set[tuple[str, str]]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                "AND tablename LIKE 'maternity_%%'"
            )
            return {(table, _without_casts(definition)) for table, definition in cursor.fetchall()}

    before = indexes()
    partition = audit_partitions.partition_name(audit_partitions.month_of(timezone.localdate()))
    assert sum(table == partition for table, _ in before) >= 5  # its key and the audit trail's indexes
    generate(10, seed=9, defer_indexes=True)
    after = indexes()
    assert {index for index in after if index[0] in {table for table, _ in before}} == before
    per_partition = Counter(table for table, _ in after if table.startswith("maternity_accesslog_"))
    assert set(per_partition.values()) == {per_partition[partition]}  # the months it added have them too
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_index WHERE NOT indisvalid")
        assert cursor.fetchone()[0] == 0


def test_the_generators_today_is_the_local_day_as_the_app_counts_it(settings):
    """Between midnight in Oslo and midnight UTC the two days differ: the visits 'so far' must be those
    up to the local day, the one the caseload and the tests call today."""
    from datetime import UTC, date, datetime

    from maternity.bulk.pregnancies import PregnancyWriter

    settings.TIME_ZONE = "Europe/Oslo"
    late_evening_utc = datetime(2026, 12, 5, 23, 30, tzinfo=UTC)  # 00:30 on 6 December in Oslo

    writer = PregnancyWriter({}, [], permission_id=1, now=late_evening_utc)

    assert writer.today == date(2026, 12, 6)
