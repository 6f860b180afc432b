"""The access review queue's services (maternity/services/reviews.py): deciding an item (who may, what is
refused, the history kept, the audit entry) and finding unusual access afterwards in the audit trail (a
find with no care following it, many finds in a day), idempotently. Tried by the admins of the item's
location and of another, a superuser, a midwife and a staff user who administers nothing."""

from datetime import date, timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection  # noqa: F401  (the skipif below reads it)
from django.utils import timezone

from maternity import services
from maternity.actors import Actor
from maternity.errors import Invalid, NotFound
from maternity.models import (
    AccessAction,
    AccessLog,
    AccessOutcome,
    AccessReview,
    ReviewKind,
    ReviewOutcome,
    UserType,
)
from maternity.rules.identifiers import parse_national_id
from maternity.rules.pregnancy_keys import PregnancyKeys
from maternity.services.reviews import COMMENT_MAX, access_review_decide, unusual_access_find

from .conftest import make_user
from .web.conftest import practitioner

pytestmark = pytest.mark.django_db

DOB = date(1994, 5, 17)
EDD = date(2027, 3, 1)


@pytest.fixture
def pregnancy(midwife_actor, nin):
    return services.record_create(
        national_id=parse_national_id(nin),
        actor=midwife_actor,
        resources={"currentPregnancy": {"due_date_corrected_date": EDD}},
    )


@pytest.fixture
def ingrid(location_b):
    user = practitioner("ingrid", location_b, name="Ingrid Haugen")
    return Actor(
        user_type=UserType.HEALTH_CARE_PROFESSIONAL,
        user=user,
        care_location=location_b,
        name="Ingrid Haugen",
        source_system="maternity web",
    )


@pytest.fixture
def glass(pregnancy, ingrid) -> AccessReview:
    """Ingrid at B broke glass to open the record made at A: an item in B's queue."""
    keys = PregnancyKeys(parse_national_id(pregnancy.person.identifier_value), DOB, EDD)
    services.record_find_by_keys(
        keys=keys, reason_code="LABOUR", reason="Came in to our ward in labour at night", actor=ingrid
    )
    return AccessReview.objects.get()


def test_a_break_glass_is_an_open_item_in_the_finders_locations_queue(glass, location_b, pregnancy):
    assert glass.kind == ReviewKind.BREAK_GLASS
    assert glass.care_location == location_b and glass.record_id == pregnancy.pk
    assert glass.reason_code == "LABOUR" and glass.reason == "Came in to our ward in labour at night"
    assert glass.acting_user_name == "Ingrid Haugen" and glass.username == "ingrid"
    assert not glass.reviewed


def test_the_locations_admin_decides_and_it_is_versioned_and_audited(glass, admin_b):
    decided = access_review_decide(
        review=glass, outcome="JUSTIFIED", comment="Admitted in labour; see the ward's log.", by=admin_b
    )
    assert decided.outcome == ReviewOutcome.JUSTIFIED and decided.reviewed_by == admin_b
    assert decided.reviewed_at is not None
    entry = AccessLog.objects.get(user=admin_b)
    assert entry.action == AccessAction.WRITE and entry.outcome == AccessOutcome.ALLOWED
    assert entry.record_id == glass.record_id and entry.resource_type == "accessReview"
    assert f"access review #{glass.pk}" in entry.detail and "JUSTIFIED" in entry.detail


def test_a_second_review_is_a_new_version_and_the_first_stays_in_the_history(glass, admin_b, superuser):
    access_review_decide(review=glass, outcome="JUSTIFIED", comment="Looked fine at first.", by=admin_b)
    access_review_decide(
        review=glass.pk, outcome="NOT_JUSTIFIED", comment="She was not on our ward that night.", by=superuser
    )
    versions = list(AccessReview.history.filter(id=glass.pk).order_by("history_date", "history_id"))
    assert [v.outcome for v in versions] == ["", "JUSTIFIED", "NOT_JUSTIFIED"]
    assert [v.history_user for v in versions[1:]] == [admin_b, superuser]
    assert versions[1].comment == "Looked fine at first."
    assert "Reviewed again" in AccessLog.objects.get(user=superuser).detail


@pytest.mark.parametrize("who", ["admin_a", "plain_staff", "midwife"])
def test_nobody_else_can_decide_it_and_it_is_as_if_there_were_none(request, glass, who, location_a):
    user = practitioner("kari", location_a) if who == "midwife" else request.getfixturevalue(who)
    with pytest.raises(NotFound):
        access_review_decide(review=glass, outcome="JUSTIFIED", comment="Not mine to say.", by=user)
    glass.refresh_from_db()
    assert not glass.reviewed and glass.history.count() == 1


def test_an_admin_who_is_no_longer_active_cannot_decide(glass, admin_b):
    admin_b.is_active = False
    admin_b.save()
    with pytest.raises(NotFound):
        access_review_decide(review=glass, outcome="JUSTIFIED", comment="Fine.", by=admin_b)


@pytest.mark.parametrize(
    ("outcome", "comment", "field", "says"),
    [
        ("", "A comment", "outcome", "Choose an outcome"),
        (None, "A comment", "outcome", "Choose an outcome"),
        ("MAYBE", "A comment", "outcome", "Unknown outcome 'MAYBE'"),
        ("JUSTIFIED", "", "comment", "Write a comment"),
        ("JUSTIFIED", "   \n ", "comment", "Write a comment"),
        ("NOT_JUSTIFIED", "x" * (COMMENT_MAX + 1), "comment", f"at most {COMMENT_MAX}"),
        ("FOLLOW_UP", "Ask her\x00", "comment", "U+0000 (NUL)"),
        ("FOLLOW_UP", "Ask \x1b[31mher", "comment", "U+001B (ESC)"),
    ],
)
def test_bad_input_is_refused_saying_what_and_changes_nothing(glass, admin_b, outcome, comment, field, says):
    with pytest.raises(Invalid) as refused:
        access_review_decide(review=glass, outcome=outcome, comment=comment, by=admin_b)
    assert refused.value.field == field and says in str(refused.value.message)
    glass.refresh_from_db()
    assert not glass.reviewed and glass.history.count() == 1
    assert not AccessLog.objects.filter(user=admin_b).exists()


def test_a_comment_may_hold_line_breaks_and_is_kept_trimmed(glass, admin_b):
    decided = access_review_decide(
        review=glass, outcome="FOLLOW_UP", comment="  Ask the ward.\n\tThen close it.  ", by=admin_b
    )
    assert decided.comment == "Ask the ward.\n\tThen close it."


def test_an_unknown_item_is_not_found(admin_b):
    for review in (987654, "x"):
        with pytest.raises(NotFound):
            access_review_decide(review=review, outcome="JUSTIFIED", comment="Fine.", by=admin_b)


# --- unusual access -----------------------------------------------------------------------------------------


def at_hours(hours: float):
    return timezone.now() + timedelta(hours=hours)


def judged_at(moment):
    """Run the finding as if it were `moment` (the audit trail's entries are real; only the clock moves)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return unusual_access_find(since=moment - timedelta(days=7), until=moment)


def finds_without_care():
    return AccessReview.objects.filter(kind=ReviewKind.FIND_WITHOUT_CARE)


def test_a_find_with_no_care_is_flagged_once_its_window_has_passed_and_not_before(
    pregnancy, ingrid, location_b, settings
):
    settings.REVIEW_FIND_WITHOUT_CARE_HOURS = 72
    entry = AccessLog.objects.create(
        at=at_hours(-1),
        action=AccessAction.FIND,
        outcome=AccessOutcome.ALLOWED,
        record_id=pregnancy.pk,
        user=ingrid.user,
        username="ingrid",
        care_location=location_b,
        org_name=location_b.name,
        acting_user_name="Ingrid Haugen",
    )
    assert judged_at(at_hours(0)) == 0
    assert judged_at(at_hours(70)) == 0  # 71 hours after the find: its window is still open
    assert judged_at(at_hours(72)) == 1
    item = finds_without_care().get()
    assert item.care_location == location_b and item.record_id == pregnancy.pk
    assert item.occurred_at == entry.at and item.key == f"find-without-care:{entry.pk}"
    assert item.acting_user_name == "Ingrid Haugen" and item.user == ingrid.user
    assert "no care episode at Munkholmen jordmortjeneste followed within 72 hours" in item.detail
    assert judged_at(at_hours(100)) == 0 and finds_without_care().count() == 1  # never twice
    assert item.history.count() == 1


def test_a_find_followed_by_pulled_care_is_not_flagged(pregnancy, ingrid, location_b):
    AccessLog.objects.create(
        at=at_hours(-2),
        action=AccessAction.BREAK_GLASS,
        outcome=AccessOutcome.ALLOWED,
        record_id=pregnancy.pk,
        user=ingrid.user,
        care_location=location_b,
        reason_code="LABOUR",
    )
    services.stakeholder_grant(record=pregnancy, care_location=location_b, reason="BREAK_GLASS")
    services.care_pull(record_id=pregnancy.pk, actor=ingrid)
    assert judged_at(at_hours(100)) == 0
    assert not finds_without_care().exists()


def test_care_pulled_only_after_the_window_does_not_count(pregnancy, ingrid, location_b, settings):
    settings.REVIEW_FIND_WITHOUT_CARE_HOURS = 1
    AccessLog.objects.create(
        at=at_hours(-5),
        action=AccessAction.FIND,
        outcome=AccessOutcome.ALLOWED,
        record_id=pregnancy.pk,
        user=ingrid.user,
        care_location=location_b,
    )
    services.stakeholder_grant(record=pregnancy, care_location=location_b, reason="BREAK_GLASS")
    services.care_pull(record_id=pregnancy.pk, actor=ingrid)  # now: four hours too late
    assert judged_at(at_hours(0)) == 1


def test_care_by_another_location_or_a_refused_find_is_no_reason_to_flag(
    pregnancy, ingrid, location_b, midwife_actor
):
    """The find's location is the one that must take up her care: A already cares for her (an episode), B
    only found her. A refused find shows no record and is not a find without care."""
    AccessLog.objects.create(
        at=at_hours(-2),
        action=AccessAction.FIND,
        outcome=AccessOutcome.DENIED,
        record_id=pregnancy.pk,
        user=ingrid.user,
        care_location=location_b,
    )
    assert judged_at(at_hours(100)) == 0
    AccessLog.objects.create(
        at=at_hours(-2),
        action=AccessAction.FIND,
        outcome=AccessOutcome.ALLOWED,
        record_id=pregnancy.pk,
        user=midwife_actor.user,
        care_location=midwife_actor.care_location,
    )
    assert judged_at(at_hours(100)) == 0  # A has an episode (it created the record)


def many(actor: Actor, count: int, *, action=AccessAction.FIND):
    for _ in range(count):
        services.access_log_write(action=action, outcome=AccessOutcome.DENIED, status_code=404, actor=actor)


def test_many_finds_in_a_day_flags_once_however_often_it_runs(ingrid, location_b, settings):
    settings.REVIEW_MANY_FINDS_PER_DAY = 20
    many(ingrid, 15)
    many(ingrid, 6, action=AccessAction.PATIENT_LOOKUP)
    now = timezone.now()
    assert unusual_access_find(since=now - timedelta(hours=1), until=now + timedelta(seconds=1)) == 1
    assert unusual_access_find(since=now - timedelta(hours=1), until=now + timedelta(seconds=1)) == 0
    many(ingrid, 5)
    assert unusual_access_find(since=now - timedelta(hours=1), until=timezone.now()) == 0
    item = AccessReview.objects.get(kind=ReviewKind.MANY_FINDS)
    assert item.care_location == location_b and item.finds == 21 and item.user == ingrid.user
    assert item.key.startswith(f"many-finds:{ingrid.user.pk}:")
    assert "21 finds and look-ups" in item.detail and "more than 20 in a day" in item.detail


def test_twenty_finds_in_a_day_are_not_many(ingrid, settings):
    settings.REVIEW_MANY_FINDS_PER_DAY = 20
    many(ingrid, 20)
    many(ingrid, 30, action=AccessAction.READ)  # reading records is not finding them
    now = timezone.now()
    assert unusual_access_find(since=now - timedelta(hours=1), until=now + timedelta(seconds=1)) == 0


def test_a_client_systems_acting_users_are_counted_each_on_their_own(location_b, settings):
    settings.REVIEW_MANY_FINDS_PER_DAY = 3
    service_user = make_user("epj-b-service")

    def acting(name: str) -> Actor:
        return Actor(
            user_type=UserType.HEALTH_CARE_PROFESSIONAL,
            user=service_user,
            care_location=location_b,
            client_id="epj-b",
            name=name,
        )

    many(acting("Ola Lege"), 4)
    many(acting("Siri Jordmor"), 3)
    now = timezone.now()
    assert unusual_access_find(since=now - timedelta(hours=1), until=now + timedelta(seconds=1)) == 1
    item = AccessReview.objects.get()
    assert item.acting_user_name == "Ola Lege" and item.client_id == "epj-b" and item.finds == 4


def test_the_command_runs_the_finding_and_says_how_many(ingrid, settings, capsys):
    settings.REVIEW_MANY_FINDS_PER_DAY = 2
    many(ingrid, 3)
    call_command("review_unusual_access")
    assert "1 new item(s)" in capsys.readouterr().out
    call_command("review_unusual_access", hours=1)
    assert "0 new item(s)" in capsys.readouterr().out


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the audit trail's partitions: PostgreSQL")
def test_the_finding_reads_the_finds_off_their_partial_index_in_each_partition(ingrid):
    """Never the whole audit trail: the window's finds come off `accesslog_finds_at` (on a partition its
    name is <partition>_at_id_idx1, the second index on (at, id))."""
    from maternity.services.reviews import _finds

    many(ingrid, 3)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = _finds(now - timedelta(days=1), now).explain()
    assert "_at_id_idx1" in plan and "Seq Scan" not in plan
