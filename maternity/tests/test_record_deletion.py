"""Deleting a whole record (DESIGN rule 9): only a Care Location admin whose location is the record's only
stakeholder, or a superuser; everything the record holds is gone, history included; the audit entry stays."""

from datetime import date

import pytest
from django.contrib.auth.models import Permission

from conftest import new_nin
from maternity import services
from maternity.actors import Actor
from maternity.errors import Invalid, NotAllowed
from maternity.models import (
    AccessAction,
    AccessLog,
    AccessOutcome,
    Person,
    Pregnancy,
    PregnancyGroupPermission,
    PregnancyUserPermission,
    RecordEvent,
    StakeholderReason,
    UserType,
)
from maternity.rules.identifiers import parse_national_id
from maternity.rules.resources import RESOURCE_TYPES

CHANGELIST = "/admin/maternity/pregnancy/"


@pytest.fixture
def midwife_user(location_a):
    return services.practitioner_create(
        username="kari", display_name="Kari Jordmor", care_locations=[location_a], hpr_nr="9144889"
    )


@pytest.fixture
def full_record(record, midwife_actor):
    """A record with a mother (two versions) and an antenatal appointment, besides its care episode."""
    services.resource_create(
        record_id=record.pk, resource_type="mother", data={"name": "Mamma Ku"}, actor=midwife_actor
    )
    services.resource_update(
        record_id=record.pk, resource_type="mother", version=1, data={"name": "Mamma Mu"}, actor=midwife_actor
    )
    services.resource_create(
        record_id=record.pk,
        resource_type="antenatalAppointments",
        data={"appointment_date": date(2026, 3, 1), "blood_pressure": "120/80"},
        actor=midwife_actor,
    )
    return record


def actor_at(location) -> Actor:
    return Actor(user_type=UserType.HEALTH_CARE_PROFESSIONAL, care_location=location, name="Ola Lege")


def grant_location(record, location):
    services.stakeholder_grant(record=record, care_location=location, reason=StakeholderReason.ACTIVE_CARE)


def grant_break_glass(record, user):
    PregnancyUserPermission.objects.create(
        content_object=record,
        user=user,
        permission=Permission.objects.get(codename="access_pregnancy"),
        reason=StakeholderReason.BREAK_GLASS,
        detail="Unconscious at A&E",
    )


def what_the_record_holds(record_id) -> dict:
    return {
        "record": Pregnancy.objects.filter(pk=record_id).count(),
        "record versions": Pregnancy.history.filter(id=record_id).count(),
        "resources": sum(
            rt.model.objects.filter(record_id=record_id).count() for rt in RESOURCE_TYPES.values()
        ),
        "resource versions": sum(
            rt.model.history.filter(record_id=record_id).count() for rt in RESOURCE_TYPES.values()
        ),
        "events": RecordEvent.objects.filter(record_id=record_id).count(),
        "group grants": PregnancyGroupPermission.objects.filter(content_object_id=record_id).count(),
        "user grants": PregnancyUserPermission.objects.filter(content_object_id=record_id).count(),
    }


# Who may delete


@pytest.mark.django_db
def test_superuser_may_delete(superuser, record):
    assert services.record_delete_refusal(user=superuser, record=record) is None


@pytest.mark.django_db
def test_superuser_may_delete_a_record_shared_with_many(superuser, record, location_b, plain_staff):
    grant_location(record, location_b)
    grant_break_glass(record, plain_staff)
    assert services.record_delete_refusal(user=superuser, record=record) is None


@pytest.mark.django_db
def test_admin_of_the_only_stakeholder_location_may_delete(admin_a, record):
    assert services.record_delete_refusal(user=admin_a, record=record) is None


@pytest.mark.django_db
def test_admin_may_not_delete_when_another_location_is_a_stakeholder(admin_a, record, location_b):
    grant_location(record, location_b)
    refusal = services.record_delete_refusal(user=admin_a, record=record)
    assert "more than one stakeholder" in refusal
    assert location_b.name in refusal


@pytest.mark.django_db
def test_admin_of_both_stakeholder_locations_still_may_not_delete(admin_a, record, location_b):
    grant_location(record, location_b)
    location_b.admins.add(admin_a)
    assert "more than one stakeholder" in services.record_delete_refusal(user=admin_a, record=record)


@pytest.mark.django_db
def test_admin_may_not_delete_after_someone_broke_glass(admin_a, record, plain_staff):
    grant_break_glass(record, plain_staff)
    assert "broken glass" in services.record_delete_refusal(user=admin_a, record=record)


@pytest.mark.django_db
def test_admin_of_a_location_that_is_no_stakeholder_may_not_delete(admin_b, record):
    refusal = services.record_delete_refusal(user=admin_b, record=record)
    assert refusal == "None of the Care Locations you administer is a stakeholder of this record."


@pytest.mark.django_db
def test_plain_staff_and_midwife_may_not_delete(plain_staff, midwife_user, record):
    assert "Only the admin of a Care Location" in services.record_delete_refusal(
        user=plain_staff, record=record
    )
    assert "Only the admin of a Care Location" in services.record_delete_refusal(
        user=midwife_user, record=record
    )


@pytest.mark.django_db
def test_inactive_superuser_and_inactive_admin_may_not_delete(superuser, admin_a, record):
    for user in (superuser, admin_a):
        user.is_active = False
        user.save()
        assert services.record_delete_refusal(user=user, record=record) is not None
        with pytest.raises(NotAllowed):
            services.record_delete(record_id=record.pk, user=user, reason="Wrong person")
    assert Pregnancy.objects.filter(pk=record.pk).exists()


@pytest.mark.django_db
def test_refused_service_call_deletes_nothing(admin_a, full_record, location_b):
    grant_location(full_record, location_b)
    before = what_the_record_holds(full_record.pk)
    with pytest.raises(NotAllowed, match="more than one stakeholder"):
        services.record_delete(record_id=full_record.pk, user=admin_a, reason="Wrong person")
    assert what_the_record_holds(full_record.pk) == before


# What deleting removes, and what stays


@pytest.mark.django_db
def test_deleting_removes_resources_history_events_and_grants(admin_a, full_record):
    before = what_the_record_holds(full_record.pk)
    assert before["resources"] == 3 and before["resource versions"] >= 4 and before["record versions"] >= 1

    counts = services.record_delete(
        record_id=full_record.pk, user=admin_a, reason="Made for the wrong person"
    )

    assert counts == {
        "resources": before["resources"],
        "versions": before["resource versions"] + before["record versions"],
        "events": before["events"],
        "stakeholders": 1,
    }
    assert set(what_the_record_holds(full_record.pk).values()) == {0}  # no "deleted" history rows either


@pytest.mark.django_db
def test_deleting_keeps_the_person_and_her_other_records(superuser, record, midwife_actor):
    services.record_status_update(
        record_id=record.pk, version=record.version, status="ENTERED_IN_ERROR", actor=midwife_actor
    )
    second = services.record_create(
        national_id=parse_national_id(record.person.identifier_value), actor=midwife_actor
    )

    services.record_delete(record_id=record.pk, user=superuser, reason="Entered in error")

    assert Person.objects.filter(pk=record.person_id).exists()
    assert Pregnancy.objects.filter(pk=second.pk).exists()
    assert Pregnancy.history.filter(id=second.pk).exists()


@pytest.mark.django_db
def test_the_delete_entry_in_the_audit_trail_survives(admin_a, full_record, location_a):
    before = what_the_record_holds(full_record.pk)
    services.record_delete(record_id=full_record.pk, user=admin_a, reason="Made for the wrong person")

    entry = AccessLog.objects.get(record_id=full_record.pk, action=AccessAction.DELETE)
    assert entry.outcome == AccessOutcome.ALLOWED
    assert entry.user == admin_a and entry.username == "admin_a"
    assert entry.care_location == location_a and entry.org_name == location_a.name
    assert entry.reason == "Made for the wrong person"
    assert entry.person_id == full_record.person_id
    versions = before["resource versions"] + before["record versions"]
    assert entry.detail == (
        f"Deleted record {full_record.pk} of {full_record.person.identifier_value} (ACTIVE): "
        f"{before['resources']} resources, {versions} versions, {before['events']} events, 1 stakeholder."
    )


@pytest.mark.django_db
def test_superuser_deletion_is_logged_without_a_location(superuser, record):
    services.record_delete(record_id=record.pk, user=superuser, reason="National clean-up")
    entry = AccessLog.objects.get(record_id=record.pk, action=AccessAction.DELETE)
    assert entry.user == superuser and entry.care_location is None and entry.reason == "National clean-up"


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "   \n"])
def test_blank_reason_is_refused_and_nothing_is_deleted(admin_a, full_record, reason):
    before = what_the_record_holds(full_record.pk)
    with pytest.raises(Invalid):
        services.record_delete(record_id=full_record.pk, user=admin_a, reason=reason)
    assert what_the_record_holds(full_record.pk) == before
    assert not AccessLog.objects.filter(action=AccessAction.DELETE).exists()


# The admin


def start_action(client, *records):
    return client.post(
        CHANGELIST, {"action": "delete_whole_record", "_selected_action": [str(r.pk) for r in records]}
    )


def confirm(client, *records, reason="Made for the wrong person"):
    return client.post(
        CHANGELIST,
        {
            "action": "delete_whole_record",
            "_selected_action": [str(r.pk) for r in records],
            "post": "yes",
            "reason": reason,
        },
        follow=True,
    )


@pytest.mark.django_db
def test_confirmation_page_says_what_will_be_deleted(client, admin_a, full_record, location_a):
    client.force_login(admin_a)
    before = what_the_record_holds(full_record.pk)

    response = start_action(client, full_record)

    assert response.status_code == 200
    assert response.templates[0].name == "admin/maternity/pregnancy/delete_record.html"
    page = response.content.decode()
    assert str(full_record.pk) in page
    assert full_record.person.identifier_value in page
    assert "Active" in page
    assert f"{before['resources']} resources" in page
    assert f"{before['resource versions'] + before['record versions']} versions" in page
    assert f"{before['events']} change events" in page
    assert "1 stakeholder grant:" in page
    assert location_a.name in page
    assert 'name="reason"' in page and "csrfmiddlewaretoken" in page
    assert Pregnancy.objects.filter(pk=full_record.pk).exists()  # nothing happens before the confirm


@pytest.mark.django_db
def test_confirming_with_a_reason_deletes_the_record(client, admin_a, full_record):
    client.force_login(admin_a)
    response = confirm(client, full_record)
    assert response.status_code == 200
    assert f"Deleted record {full_record.pk}" in response.content.decode()
    assert set(what_the_record_holds(full_record.pk).values()) == {0}
    entry = AccessLog.objects.get(record_id=full_record.pk, action=AccessAction.DELETE)
    assert (entry.outcome, entry.user, entry.reason) == (
        AccessOutcome.ALLOWED,
        admin_a,
        "Made for the wrong person",
    )


@pytest.mark.django_db
def test_confirming_without_a_reason_deletes_nothing(client, admin_a, full_record):
    client.force_login(admin_a)
    response = confirm(client, full_record, reason="  ")
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert Pregnancy.objects.filter(pk=full_record.pk).exists()


@pytest.mark.django_db
def test_refused_record_shows_the_reason_deletes_nothing_and_is_logged(client, admin_a, record, location_b):
    grant_location(record, location_b)
    client.force_login(admin_a)

    response = start_action(client, record)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Cannot be deleted. This record has more than one stakeholder" in page
    assert 'name="reason"' not in page
    assert Pregnancy.objects.filter(pk=record.pk).exists()
    denied = AccessLog.objects.get(record_id=record.pk, action=AccessAction.DELETE)
    assert denied.outcome == AccessOutcome.DENIED and denied.user == admin_a
    assert "more than one stakeholder" in denied.detail


@pytest.mark.django_db
def test_forged_confirm_of_a_refused_record_is_refused_and_logged(client, admin_a, record, location_b):
    grant_location(record, location_b)
    client.force_login(admin_a)

    response = confirm(client, record)

    assert "was not deleted" in response.content.decode()
    assert Pregnancy.objects.filter(pk=record.pk).exists()
    assert AccessLog.objects.filter(
        record_id=record.pk, action=AccessAction.DELETE, outcome=AccessOutcome.DENIED
    ).exists()
    assert not AccessLog.objects.filter(record_id=record.pk, outcome=AccessOutcome.ALLOWED).exists()


@pytest.mark.django_db
def test_mixed_selection_deletes_only_the_allowed_record(client, admin_a, record, location_b):
    other = services.record_create(national_id=parse_national_id(new_nin()), actor=actor_at(location_b))
    location_b.admins.add(admin_a)
    grant_location(record, location_b)  # record: two stakeholders; other: only B
    client.force_login(admin_a)

    page = start_action(client, record, other).content.decode()
    assert page.count("Cannot be deleted.") == 1

    confirm(client, other)
    assert Pregnancy.objects.filter(pk=record.pk).exists()
    assert not Pregnancy.objects.filter(pk=other.pk).exists()


@pytest.mark.django_db
def test_location_admin_cannot_select_records_of_other_locations(client, admin_b, record):
    client.force_login(admin_b)
    assert str(record.pk) not in client.get(CHANGELIST).content.decode()
    confirm(client, record)  # the selection is limited to the records they see
    assert Pregnancy.objects.filter(pk=record.pk).exists()
    assert client.get(f"{CHANGELIST}{record.pk}/change/").status_code == 302  # "does not exist"
    assert client.get(f"{CHANGELIST}{record.pk}/history/").status_code == 403
    assert client.get(f"{CHANGELIST}{record.pk}/delete-record/").status_code == 404
    assert client.get(f"{CHANGELIST}not-a-record/delete-record/").status_code == 404


@pytest.mark.django_db
def test_change_page_links_to_the_confirmation_page(client, admin_a, record):
    client.force_login(admin_a)
    page = client.get(f"{CHANGELIST}{record.pk}/change/").content.decode()
    link = f"{CHANGELIST}{record.pk}/delete-record/"
    assert link in page
    response = client.get(link)
    assert response.status_code == 200 and 'name="reason"' in response.content.decode()
    response = client.post(link, {"post": "yes", "reason": "Made for the wrong person"})
    assert response.status_code == 302
    assert not Pregnancy.objects.filter(pk=record.pk).exists()


@pytest.mark.django_db
def test_plain_staff_gets_no_records_admin(client, plain_staff, record):
    client.force_login(plain_staff)
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(f"{CHANGELIST}{record.pk}/delete-record/").status_code == 403


@pytest.mark.django_db
def test_no_raw_delete_view_and_no_delete_selected(client, superuser, record):
    client.force_login(superuser)
    assert client.get(f"{CHANGELIST}{record.pk}/delete/").status_code == 403
    assert client.post(f"{CHANGELIST}{record.pk}/delete/", {"post": "yes"}).status_code == 403
    page = client.get(CHANGELIST).content.decode()
    assert 'value="delete_whole_record"' in page
    assert "delete_selected" not in page
    response = client.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [str(record.pk)], "post": "yes"}
    )
    assert Pregnancy.objects.filter(pk=record.pk).exists()
    assert response.status_code in (200, 302)
