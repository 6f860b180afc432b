"""The audit trail: append-only everywhere (model, queryset, and on PostgreSQL the database itself), read-only
in the admin, scoped for Care Location admins, and every read of it is itself audited."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.db.utils import InternalError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from maternity import services
from maternity.actors import Actor
from maternity.models import AccessAction, AccessLog, AccessOutcome, UserType
from maternity.tests.conftest import make_user

CHANGELIST = "/admin/maternity/accesslog/"


def actor_at(location, **extra) -> Actor:
    return Actor(
        user_type=UserType.HEALTH_CARE_PROFESSIONAL, care_location=location, name="Kari Jordmor", **extra
    )


def log(
    location=None, *, record=None, action=AccessAction.READ, request_id="", user=None, **extra
) -> AccessLog:
    return services.access_log_write(
        action=action,
        outcome=AccessOutcome.ALLOWED,
        actor=actor_at(location, request_id=request_id, user=user) if location else None,
        record_id=record.pk if record else None,
        person_id=record.person_id if record else None,
        status_code=200,
        **extra,
    )


def audit_reads() -> list[AccessLog]:
    return list(AccessLog.objects.filter(action=AccessAction.AUDIT_READ))


def shown(response) -> set[int]:
    return {entry.pk for entry in response.context["cl"].result_list}


# Append-only


@pytest.mark.django_db
def test_entry_cannot_be_changed_or_deleted_through_the_model(location_a):
    entry = log(location_a, detail="original")
    entry.detail = "rewritten"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    assert AccessLog.objects.get(pk=entry.pk).detail == "original"


@pytest.mark.django_db
def test_entries_cannot_be_changed_or_deleted_through_a_queryset(location_a):
    entry = log(location_a, detail="original")
    with pytest.raises(PermissionError):
        AccessLog.objects.filter(pk=entry.pk).update(detail="rewritten")
    with pytest.raises(PermissionError):
        AccessLog.objects.all().delete()
    assert AccessLog.objects.get(pk=entry.pk).detail == "original"


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger is PostgreSQL's")
@pytest.mark.django_db
def test_database_refuses_raw_update_and_delete(location_a):
    entry = log(location_a, detail="original")
    table = AccessLog._meta.db_table
    with (
        pytest.raises(InternalError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"UPDATE {table} SET detail = %s WHERE id = %s", ["rewritten", entry.pk])
    with (
        pytest.raises(InternalError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [entry.pk])
    assert AccessLog.objects.get(pk=entry.pk).detail == "original"


# The admin: superusers


@pytest.mark.django_db
def test_superuser_sees_the_list_and_each_view_is_audited_once(client, superuser, location_a, record):
    entries = [log(location_a, record=record), log(location_a, action=AccessAction.FIND)]
    client.force_login(superuser)

    response = client.get(CHANGELIST, {"action__exact": "READ"})

    assert response.status_code == 200
    assert shown(response) == {entries[0].pk}
    [read] = audit_reads()
    assert (read.outcome, read.user, read.username) == (AccessOutcome.ALLOWED, superuser, "national")
    assert read.detail == "Listed the audit trail (action__exact=READ)."


@pytest.mark.django_db
def test_superuser_views_one_entry_read_only_and_it_is_audited_once(client, superuser, location_a, record):
    entry = log(location_a, record=record, reason="Unconscious at A&E")
    client.force_login(superuser)

    response = client.get(f"{CHANGELIST}{entry.pk}/change/")

    page = response.content.decode()
    assert response.status_code == 200
    assert str(record.pk) in page and "Unconscious at A&amp;E" in page
    assert 'name="_save"' not in page
    [read] = audit_reads()
    assert read.detail == f"Viewed audit entry #{entry.pk}." and read.user == superuser


@pytest.mark.django_db
def test_nobody_adds_changes_or_deletes_entries_in_the_admin(client, superuser, location_a):
    entry = log(location_a, detail="original")
    client.force_login(superuser)
    assert client.get(f"{CHANGELIST}add/").status_code == 403
    assert client.post(f"{CHANGELIST}{entry.pk}/change/", {"detail": "rewritten"}).status_code == 403
    assert client.get(f"{CHANGELIST}{entry.pk}/delete/").status_code == 403
    assert client.post(f"{CHANGELIST}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    response = client.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )
    assert response.status_code in (200, 302)
    assert AccessLog.objects.get(pk=entry.pk).detail == "original"
    page = client.get(CHANGELIST).content.decode()
    assert "delete_selected" not in page and f"{CHANGELIST}add/" not in page


@pytest.mark.django_db
def test_search_finds_entries_by_record_id_user_and_request_id(client, superuser, location_a, record):
    by_record = log(location_a, record=record)
    by_request = log(location_a, request_id="a1b2c3")
    by_user = services.access_log_write(
        action=AccessAction.READ, outcome=AccessOutcome.DENIED, user=make_user("stranger")
    )
    client.force_login(superuser)
    assert shown(client.get(CHANGELIST, {"q": str(record.pk)})) == {by_record.pk}
    assert shown(client.get(CHANGELIST, {"q": "a1b2c3"})) == {by_request.pk}
    assert by_user.pk in shown(client.get(CHANGELIST, {"q": "strang"}))


@pytest.mark.django_db
def test_changelist_queries_do_not_grow_with_the_number_of_entries(client, superuser, location_a, record):
    client.force_login(superuser)

    def queries_for_listing(count: int) -> int:
        while AccessLog.objects.count() < count:
            log(location_a, record=record, user=superuser)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(CHANGELIST)
        assert response.status_code == 200
        assert len(response.context["cl"].result_list) >= count
        return len(queries)

    assert queries_for_listing(5) == queries_for_listing(50)


@pytest.mark.django_db
def test_changelist_stays_within_a_fixed_number_of_queries(
    client, superuser, location_a, record, django_assert_max_num_queries
):
    for _ in range(30):
        log(location_a, record=record)
    client.force_login(superuser)
    with django_assert_max_num_queries(12):
        assert client.get(CHANGELIST).status_code == 200


@pytest.mark.django_db
def test_changelist_filters_by_date_without_reading_the_whole_trail(client, superuser, location_a):
    recent = log(location_a)
    months_ago = AccessLog.objects.create(
        at=timezone.now() - timedelta(days=60), action=AccessAction.READ, outcome=AccessOutcome.ALLOWED
    )
    client.force_login(superuser)

    with CaptureQueriesContext(connection) as queries:
        page = client.get(CHANGELIST).content.decode()
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    week = {"at__gte": str(today - timedelta(days=7)), "at__lt": str(today + timedelta(days=1))}  # its link
    past_week = client.get(CHANGELIST, week)

    assert "Past 7 days" in page
    assert not any("TRUNC" in query["sql"].upper() for query in queries.captured_queries)  # no date_hierarchy
    assert recent.pk in shown(past_week) and months_ago.pk not in shown(past_week)


# The admin: Care Location admins and others


@pytest.mark.django_db
def test_location_admin_sees_only_their_locations_entries(client, admin_a, location_a, location_b, record):
    own = log(location_a, action=AccessAction.FIND)
    on_their_record = log(location_b, record=record)  # B read a record A (its creator) is a stakeholder of
    elsewhere = log(location_b, action=AccessAction.FIND)
    anonymous = services.access_log_write(action=AccessAction.READ, outcome=AccessOutcome.DENIED)
    client.force_login(admin_a)

    response = client.get(CHANGELIST)

    assert response.status_code == 200
    assert shown(response) == {own.pk, on_their_record.pk}
    assert elsewhere.pk not in shown(response) and anonymous.pk not in shown(response)
    assert client.get(f"{CHANGELIST}{on_their_record.pk}/change/").status_code == 200
    assert [read.user for read in audit_reads()] == [admin_a, admin_a]


@pytest.mark.django_db
def test_location_admin_cannot_open_another_locations_entry_and_that_is_audited(client, admin_a, location_b):
    elsewhere = log(location_b, action=AccessAction.FIND)
    client.force_login(admin_a)
    response = client.get(f"{CHANGELIST}{elsewhere.pk}/change/")
    assert response.status_code == 302  # the admin's "does not exist, perhaps deleted"
    [read] = audit_reads()
    assert read.outcome == AccessOutcome.DENIED and read.user == admin_a


@pytest.mark.django_db
def test_location_admin_filter_offers_only_their_locations(client, admin_a, location_a, location_b):
    log(location_a)
    client.force_login(admin_a)
    page = client.get(CHANGELIST).content.decode()
    assert f"?care_location={location_a.pk}" in page
    assert f"?care_location={location_b.pk}" not in page
    assert client.get(CHANGELIST, {"care_location": location_b.pk}).context["cl"].result_count == 0


@pytest.mark.django_db
def test_plain_staff_without_an_admin_role_gets_403(client, plain_staff, location_a):
    entry = log(location_a)
    client.force_login(plain_staff)
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(f"{CHANGELIST}{entry.pk}/change/").status_code == 403
    assert "accesslog" not in client.get("/admin/").content.decode()
    assert audit_reads() == []


@pytest.mark.django_db
def test_location_admin_sees_the_audit_trail_in_the_admin_index(client, admin_a):
    client.force_login(admin_a)
    page = client.get("/admin/").content.decode()
    assert CHANGELIST in page
