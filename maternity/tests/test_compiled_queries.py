"""A queryset compiled once (maternity/database/compiled_queries.py) gives the rows the ORM gives, for any
values."""

import threading
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import new_nin
from maternity import services
from maternity.database.compiled_queries import CompiledInsert, CompiledQuery, CompiledUpdate, readable
from maternity.models import AccessAction, AccessLog, AccessOutcome, CurrentPregnancy, Mother, Pregnancy
from maternity.rules.identifiers import parse_national_id

pytestmark = pytest.mark.django_db


def records_of(*, system, value, created_by):
    return Pregnancy.objects.filter(
        person__identifier_system=system, person__identifier_value=value, created_by_location_id=created_by
    ).values_list("pk", "person__identifier_value", "status")[:1]


def test_it_answers_as_the_orm_does_for_every_set_of_values(midwife_actor, location_a, location_b):
    made = [
        services.record_create(national_id=parse_national_id(new_nin()), actor=midwife_actor)
        for _ in range(3)
    ]
    query = CompiledQuery(records_of)
    calls = [
        {
            "system": record.person.identifier_system,
            "value": record.person.identifier_value,
            "created_by": at.pk,
        }
        for record in made
        for at in (location_a, location_b)
    ]

    for values in calls:
        expected = next(iter(records_of(**values)), None)
        row = query.first(**values)
        assert (row is None) == (expected is None)
        if row is not None:
            assert (uuid.UUID(str(row[0])), *row[1:]) == expected


def test_it_compiles_once_and_then_only_runs_sql(record):
    query = CompiledQuery(
        lambda *, record_id: Pregnancy.objects.filter(pk=record_id).values_list("status")[:1]
    )
    query.first(record_id=record.pk)

    with CaptureQueriesContext(connection) as queries:
        assert query.first(record_id=record.pk) == ("ACTIVE",)
        assert query.first(record_id=uuid.uuid4()) is None

    assert len(queries) == 2


def test_fixed_arguments_choose_the_shape(record):
    def build(*, record_id, only_active):
        found = Pregnancy.objects.filter(pk=record_id)
        return (found.filter(status="ACTIVE") if only_active else found.exclude(status="ACTIVE")).values_list(
            "status"
        )[:1]

    query = CompiledQuery(build)

    assert query.first(fixed={"only_active": True}, record_id=record.pk) == ("ACTIVE",)
    assert query.first(fixed={"only_active": False}, record_id=record.pk) is None


def test_a_value_that_cannot_be_told_apart_must_be_fixed(record):
    query = CompiledQuery(lambda *, flag: Pregnancy.objects.filter(live_birth=flag).values_list("pk")[:1])

    with pytest.raises(TypeError, match="boolean"):
        query.first(flag=True)


def test_first_object_builds_the_instance_and_its_related_objects_as_the_orm_does(record):
    query = CompiledQuery(
        lambda *, record_id: Pregnancy.objects.select_related("person").filter(pk=record_id)[:1]
    )
    expected = Pregnancy.objects.select_related("person").get(pk=record.pk)

    found = query.first_object(record_id=record.pk)

    assert found.pk == expected.pk and isinstance(found.pk, uuid.UUID)
    assert found.record_last_updated == expected.record_last_updated
    assert found.person.identifier_value == expected.person.identifier_value
    assert query.first_object(record_id=uuid.uuid4()) is None


# --- Prepared once per connection on PostgreSQL ----------------------------------------------------------

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements")


def server_prepared() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements WHERE name LIKE 'cq\\_%%'")
        return {name for (name,) in cursor.fetchall()}


def status_query() -> CompiledQuery:
    return CompiledQuery(
        lambda *, record_id: Pregnancy.objects.filter(pk=record_id).values_list("status", "version")[:1]
    )


@pytest.mark.postgres
@postgres_only
def test_postgresql_prepares_it_once_per_connection_and_then_only_executes_it(record):
    query = status_query()

    with CaptureQueriesContext(connection) as queries:
        assert query.first(record_id=record.pk) == ("ACTIVE", 1)
        assert query.first(record_id=record.pk) == ("ACTIVE", 1)
        assert query.first(record_id=uuid.uuid4()) is None

    sent = [entry["sql"] for entry in queries]
    assert sent[0].startswith("PREPARE cq_") and "; EXECUTE cq_" in sent[0]
    assert [text.split("(")[0] for text in sent[1:]] == [sent[0].split("; ")[1].split("(")[0]] * 2
    assert readable(sent[1]).startswith('SELECT "maternity_pregnancy"."status"')
    assert sent[0].split()[1] in server_prepared()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # it closes the connection, which a test transaction cannot outlive
@postgres_only
def test_a_new_connection_prepares_it_again(record):
    query = status_query()
    query.first(record_id=record.pk)
    connection.close()  # as Django does when a connection is too old or broken

    with CaptureQueriesContext(connection) as queries:
        assert query.first(record_id=record.pk) == ("ACTIVE", 1)

    assert queries[0]["sql"].startswith("PREPARE cq_")


@pytest.mark.postgres
@postgres_only
def test_a_statement_prepared_in_a_transaction_that_rolled_back_is_still_there(record):
    query = status_query()
    try:
        with transaction.atomic():
            assert query.first(record_id=record.pk) == ("ACTIVE", 1)
            raise RuntimeError("roll back")
    except RuntimeError:
        pass

    with CaptureQueriesContext(connection) as queries:
        assert query.first(record_id=record.pk) == ("ACTIVE", 1)

    assert queries[0]["sql"].startswith("EXECUTE cq_")


@pytest.mark.postgres
@postgres_only
def test_with_prepared_statements_off_it_sends_the_sql_itself(record, settings):
    settings.DATABASE_PREPARED_STATEMENTS = False  # behind PgBouncer in transaction mode
    query = status_query()

    with CaptureQueriesContext(connection) as queries:
        assert query.first(record_id=record.pk) == ("ACTIVE", 1)

    assert queries[0]["sql"].startswith('SELECT "maternity_pregnancy"."status"')


def test_a_compiled_insert_writes_the_row_the_orm_would_and_sets_its_key(midwife_actor):
    insert = CompiledInsert(AccessLog)
    entry = AccessLog(
        action=AccessAction.READ,
        outcome=AccessOutcome.ALLOWED,
        status_code=200,
        record_id=uuid.uuid4(),
        org_name="Fjordvik 50% unit",  # a percent sign in a value
        ip="127.0.0.1",
    )

    insert.save(entry)
    insert.save(second := AccessLog(action=AccessAction.READ, outcome=AccessOutcome.DENIED))

    stored = AccessLog.objects.get(pk=entry.pk)
    assert (stored.record_id, stored.org_name, stored.ip, stored.status_code) == (
        entry.record_id,
        "Fjordvik 50% unit",
        "127.0.0.1",
        200,
    )
    assert stored.at == entry.at
    assert second.pk > entry.pk and not second._state.adding


def test_a_compiled_update_writes_every_column_the_orm_would():
    user = get_user_model().objects.create_user("ase", first_name="Ase", email="ase@example.org")
    user.first_name, user.last_name, user.email, user.last_login = "Åse", "100% sure", "", None

    CompiledUpdate(type(user)).save(user)

    stored = type(user).objects.get(pk=user.pk)
    assert (stored.first_name, stored.last_name, stored.email) == ("Åse", "100% sure", "")
    assert [getattr(stored, f.attname) for f in stored._meta.concrete_fields] == [
        getattr(user, f.attname) for f in user._meta.concrete_fields
    ]


def test_a_compiled_update_of_chosen_columns_moves_a_counter_in_the_database(record):
    revision = Pregnancy.objects.get(pk=record.pk).revision
    record.record_last_updated, record.revision = timezone.now(), 1000  # the stale revision is not written

    CompiledUpdate(Pregnancy, fields=["record_last_updated"], increment=("revision",)).save(record)

    stored = Pregnancy.objects.get(pk=record.pk)
    assert (stored.revision, stored.record_last_updated) == (revision + 1, record.record_last_updated)


def test_a_compiled_update_of_a_row_that_is_gone_fails_rather_than_write_nothing():
    user = get_user_model().objects.create_user("ase")
    type(user).objects.filter(pk=user.pk).delete()
    with pytest.raises(DatabaseError, match="0 rows updated"), transaction.atomic():
        CompiledUpdate(type(user)).save(user)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # each thread has its own connection, which sees committed rows
@postgres_only
def test_threads_on_their_own_connections_each_prepare_it_once(record):
    """As gunicorn's threads do: every thread's connection gets its own statement, taking turns."""
    query = status_query()
    turns = threading.Barrier(2)
    answers, errors = [], []

    def work():
        try:
            for _ in range(4):
                turns.wait(timeout=10)  # the two threads alternate query by query
                answers.append(query.first(record_id=record.pk))
        except Exception as error:  # noqa: BLE001 (reported below, whatever it is)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert answers == [("ACTIVE", 1)] * 8


# --- Where it reads, when a database router is installed (a replica: maternity/database/replicas.py) ------


class RecordingRouter:
    """Sends every read to "default" (the suite has no replica) and notes the models it was asked about."""

    def __init__(self):
        self.reads: list = []

    def db_for_read(self, model, **hints):
        self.reads.append(model)
        return "default"


@pytest.fixture
def recording_router(settings) -> RecordingRouter:
    recording = RecordingRouter()
    settings.DATABASE_ROUTERS = [recording]
    return recording


def test_with_a_router_it_reads_where_the_router_sends_its_model(record, recording_router):
    query = CompiledQuery(
        lambda *, record_id: Pregnancy.objects.select_related("person").filter(pk=record_id)[:1]
    )

    found = query.first_object(record_id=record.pk)

    assert recording_router.reads == [Pregnancy]
    assert found.pk == record.pk
    assert found._state.db == "default" and found.person._state.db == "default"  # the alias it chose


def test_with_a_router_each_shape_is_routed_by_its_own_model(record, recording_router):
    query = CompiledQuery(
        lambda *, model, record_id: model._default_manager.filter(record_id=record_id).values_list("pk")[:1]
    )

    query.first(fixed={"model": Mother}, record_id=record.pk)
    query.first(fixed={"model": CurrentPregnancy}, record_id=record.pk)
    query.first(fixed={"model": Mother}, record_id=record.pk)

    assert recording_router.reads == [Mother, CurrentPregnancy, Mother]


def test_without_a_router_it_asks_none(record, monkeypatch, settings):
    assert settings.DATABASE_ROUTERS == []

    class NoRouter:
        def db_for_read(self, model, **hints):
            raise AssertionError("asked a router when none is installed")

    monkeypatch.setattr("maternity.database.compiled_queries.router", NoRouter())

    assert status_query().first(record_id=record.pk) == ("ACTIVE", 1)


def test_its_writes_go_to_the_primary_without_asking_the_router(recording_router):
    CompiledInsert(AccessLog).save(AccessLog(action=AccessAction.READ, outcome=AccessOutcome.ALLOWED))
    assert recording_router.reads == []


@pytest.mark.postgres
@postgres_only
def test_with_a_router_it_is_still_prepared_once_per_connection(record, recording_router):
    query = CompiledQuery(  # SQL of its own: not prepared on this connection by an earlier test
        lambda *, record_id: Pregnancy.objects.filter(pk=record_id).values_list("version", "status")[:1]
    )

    with CaptureQueriesContext(connection) as queries:
        assert query.first(record_id=record.pk) == (1, "ACTIVE")
        assert query.first(record_id=record.pk) == (1, "ACTIVE")

    assert queries[0]["sql"].startswith("PREPARE cq_") and queries[1]["sql"].startswith("EXECUTE cq_")
