"""Her birth plan and her midwife's read mark, through the services.

Marking read makes no new version (the plan stays hers, as she wrote it), is kept in the history, and is
refused for a version she has changed since; her next change clears it."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import new_nin
from maternity import services
from maternity.actors import Actor
from maternity.database.compiled_queries import readable
from maternity.errors import NotAllowed, NotFound, ResourceNotFound, VersionConflict
from maternity.models import BirthPlan, Pregnancy, RecordEvent, UserType
from maternity.rules.identifiers import parse_national_id
from maternity.services.birth_plan import ACKNOWLEDGED

pytestmark = pytest.mark.django_db


@pytest.fixture
def her(record) -> Actor:
    """The pregnant person of `record`, signed in to the portal."""
    user = get_user_model().objects.create_user(username="astrid", first_name="Astrid", last_name="Berg")
    record.person.user = user
    record.person.save(update_fields=["user"])
    return Actor(user_type=UserType.PATIENT, user=user, name="Astrid Berg", source_system="maternity portal")


@pytest.fixture
def plan(record, her) -> BirthPlan:
    """Version 1 of her plan."""
    return services.birth_plan_save(
        record_id=record.pk,
        version=None,
        data={"place_of_birth": "St Olavs", "pain_relief": "Warm water first"},
        actor=her,
    )


@pytest.fixture
def stranger_actor(location_b) -> Actor:
    return Actor(
        user_type=UserType.HEALTH_CARE_PROFESSIONAL,
        care_location=location_b,
        name="Ingrid Haugen",
        source_system="tests",
    )


def test_her_first_save_is_version_one_written_by_her(plan):
    assert plan.version == 1
    assert plan.updated_by_user_type == UserType.PATIENT
    assert plan.updated_by_name == "Astrid Berg"
    assert plan.updated_by_org_name == ""  # she acts for no Care Location
    assert plan.acknowledged_at is None


def test_marking_read_stamps_who_and_when_without_a_new_version(record, plan, midwife_actor):
    events = RecordEvent.objects.filter(record=record).count()
    revision = Pregnancy.objects.get(pk=record.pk).revision

    read = services.birth_plan_acknowledge(record_id=record.pk, version=1, actor=midwife_actor)

    stored = BirthPlan.objects.get(pk=plan.pk)
    assert stored.acknowledged_at == read.acknowledged_at is not None
    assert stored.acknowledged_by_name == "Kari Jordmor, St Olavs hospital, fødeavdelingen"
    # still her version, as she wrote it
    assert (stored.version, stored.last_updated) == (1, plan.last_updated)
    assert (stored.updated_by_user_type, stored.updated_by_name) == (UserType.PATIENT, "Astrid Berg")
    # kept in the history as a receipt for version 1, no change event; the document's ETag moves
    receipt = BirthPlan.history.filter(id=plan.pk).order_by("-history_id").first()
    assert (receipt.version, receipt.history_change_reason) == (1, ACKNOWLEDGED)
    assert receipt.acknowledged_by_name == stored.acknowledged_by_name
    assert RecordEvent.objects.filter(record=record).count() == events
    assert Pregnancy.objects.get(pk=record.pk).revision == revision + 1


def test_a_version_she_changed_since_is_refused(record, plan, her, midwife_actor):
    services.birth_plan_save(record_id=record.pk, version=1, data={"place_of_birth": "At home"}, actor=her)
    with pytest.raises(VersionConflict) as refused:
        services.birth_plan_acknowledge(record_id=record.pk, version=1, actor=midwife_actor)
    assert "changed her birth plan since you read it" in refused.value.message
    assert BirthPlan.objects.get(pk=plan.pk).acknowledged_at is None


def test_her_change_clears_the_read_mark(record, plan, her, midwife_actor):
    services.birth_plan_acknowledge(record_id=record.pk, version=1, actor=midwife_actor)

    saved = services.birth_plan_save(
        record_id=record.pk, version=1, data={"place_of_birth": "At home"}, actor=her
    )

    assert saved.version == 2
    stored = BirthPlan.objects.get(pk=plan.pk)
    assert (stored.acknowledged_at, stored.acknowledged_by_name) == (None, "")
    version_2 = BirthPlan.history.get(id=plan.pk, version=2)
    assert version_2.acknowledged_at is None
    # the read mark of version 1 stays in the history
    assert BirthPlan.history.filter(id=plan.pk, version=1, acknowledged_at__isnull=False).exists()


def test_clearing_the_read_mark_is_part_of_her_new_version_with_who_and_when(
    record, plan, her, midwife_actor
):
    services.birth_plan_acknowledge(record_id=record.pk, version=1, actor=midwife_actor)

    with CaptureQueriesContext(connection) as queries:
        saved = services.birth_plan_save(
            record_id=record.pk, version=1, data={"place_of_birth": "At home"}, actor=her
        )

    statements = [readable(query["sql"]) for query in queries]  # a compiled statement as its SQL
    plan_updates = [sql for sql in statements if sql.startswith('UPDATE "maternity_birthplan"')]
    assert len(plan_updates) == 1  # her version, read mark cleared in it: no write outside a version
    version_2 = BirthPlan.history.get(id=plan.pk, version=2)
    assert (version_2.acknowledged_at, version_2.acknowledged_by_name) == (None, "")
    assert version_2.history_user == her.user
    assert saved.last_updated <= version_2.history_date <= timezone.now()


def test_a_new_version_can_be_marked_read_again(record, plan, her, midwife_actor):
    services.birth_plan_acknowledge(record_id=record.pk, version=1, actor=midwife_actor)
    services.birth_plan_save(record_id=record.pk, version=1, data={"feeding": "Breastfeeding"}, actor=her)
    read = services.birth_plan_acknowledge(record_id=record.pk, version=2, actor=midwife_actor)
    assert (read.version, read.acknowledged_at is not None) == (2, True)


def test_saving_what_is_stored_makes_no_version_and_keeps_the_read_mark(record, plan, her, midwife_actor):
    services.birth_plan_acknowledge(record_id=record.pk, version=1, actor=midwife_actor)
    events = RecordEvent.objects.filter(record=record).count()

    saved = services.birth_plan_save(
        record_id=record.pk,
        version=1,
        data={"place_of_birth": "St Olavs", "pain_relief": "Warm water first", "feeding": ""},
        actor=her,
    )

    assert saved.version == 1
    assert BirthPlan.objects.get(pk=plan.pk).acknowledged_at is not None
    assert RecordEvent.objects.filter(record=record).count() == events


def test_a_stale_save_changes_nothing_and_keeps_the_read_mark(record, plan, her, midwife_actor):
    services.birth_plan_save(record_id=record.pk, version=1, data={"photos": "No photos"}, actor=her)
    services.birth_plan_acknowledge(record_id=record.pk, version=2, actor=midwife_actor)
    with pytest.raises(VersionConflict):
        services.birth_plan_save(record_id=record.pk, version=1, data={"photos": "Yes please"}, actor=her)
    stored = BirthPlan.objects.get(pk=plan.pk)
    assert (stored.version, stored.photos, stored.acknowledged_at is not None) == (2, "No photos", True)


def test_marking_read_twice_keeps_the_first_reader(record, plan, midwife_actor, location_a):
    first = services.birth_plan_acknowledge(record_id=record.pk, version=1, actor=midwife_actor)
    colleague = Actor(
        user_type=UserType.HEALTH_CARE_PROFESSIONAL, care_location=location_a, name="Ingrid Haugen"
    )
    again = services.birth_plan_acknowledge(record_id=record.pk, version=1, actor=colleague)
    assert (again.acknowledged_at, again.acknowledged_by_name) == (
        first.acknowledged_at,
        first.acknowledged_by_name,
    )
    assert BirthPlan.history.filter(id=plan.pk, history_change_reason=ACKNOWLEDGED).count() == 1


def test_a_non_stakeholder_gets_not_found(record, plan, stranger_actor):
    with pytest.raises(NotFound):
        services.birth_plan_acknowledge(record_id=record.pk, version=1, actor=stranger_actor)
    assert BirthPlan.objects.get(pk=plan.pk).acknowledged_at is None


def test_she_cannot_mark_her_own_plan_read(record, plan, her):
    with pytest.raises(NotAllowed):
        services.birth_plan_acknowledge(record_id=record.pk, version=1, actor=her)


def test_no_plan_yet_is_not_found(record, midwife_actor):
    with pytest.raises(ResourceNotFound):
        services.birth_plan_acknowledge(record_id=record.pk, version=1, actor=midwife_actor)


def test_a_professional_cannot_write_her_plan(record, plan, midwife_actor):
    services.birth_plan_acknowledge(record_id=record.pk, version=1, actor=midwife_actor)
    with pytest.raises(NotAllowed):
        services.birth_plan_save(
            record_id=record.pk, version=1, data={"place_of_birth": "Elsewhere"}, actor=midwife_actor
        )
    stored = BirthPlan.objects.get(pk=plan.pk)
    assert (stored.version, stored.place_of_birth, stored.acknowledged_at is not None) == (
        1,
        "St Olavs",
        True,
    )


def test_someone_elses_plan_is_not_found(record, plan, her, midwife_actor):
    other = services.record_create(national_id=parse_national_id(new_nin()), actor=midwife_actor)
    with pytest.raises(NotFound):
        services.birth_plan_save(record_id=other.pk, version=None, data={"photos": "Yes"}, actor=her)
    assert not BirthPlan.objects.filter(record=other).exists()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_her_save_and_a_read_mark_at_once_never_mark_her_new_version_read(record, plan, her, midwife_actor):
    """Either the mark comes first (and her save clears it) or her save does (and the mark is refused)."""
    barrier = threading.Barrier(2)
    outcomes: dict = {}

    def save():
        data = {"feeding": "Formula"}
        return services.birth_plan_save(record_id=record.pk, version=1, data=data, actor=her).version

    def read():
        return services.birth_plan_acknowledge(record_id=record.pk, version=1, actor=midwife_actor).version

    def run(work):
        try:
            barrier.wait()
            outcomes[work.__name__] = work()
        except VersionConflict:
            outcomes[work.__name__] = "conflict"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(work,)) for work in (save, read)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert outcomes["save"] == 2
    assert outcomes["read"] in (1, "conflict")
    stored = BirthPlan.objects.get(pk=plan.pk)
    assert (stored.version, stored.acknowledged_at) == (2, None)
