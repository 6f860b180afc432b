"""Her pregnancies (/portal/): the current one first, then earlier ones; records entered in error are not
listed; other people's never; one audit entry (LIST) per view; the same number of queries however many
pregnancies she has."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import new_nin
from maternity import services
from maternity.models import AccessAction, AccessLog, AccessOutcome, RecordStatus, UserType
from maternity.rules.identifiers import parse_national_id

from .conftest import link_patient

pytestmark = pytest.mark.django_db


def with_edd(record, actor, edd):
    services.resource_create(
        record_id=record.pk, resource_type="currentPregnancy", data={"due_date": edd}, actor=actor
    )
    record.refresh_from_db()
    return record


def ended(actor, nin, status, *, edd, live_birth=True):
    """An earlier pregnancy of the person with `nin`, delivered, terminated or entered in error."""
    record = with_edd(services.record_create(national_id=parse_national_id(nin), actor=actor), actor, edd)
    when = timezone.make_aware(timezone.datetime.combine(edd, timezone.datetime.min.time()))
    extra = {
        RecordStatus.DELIVERED: {"delivery_date": when, "live_birth": live_birth},
        RecordStatus.TERMINATED: {"termination_date": when},
        RecordStatus.ENTERED_IN_ERROR: {},
    }[status]
    return services.record_status_update(
        record_id=record.pk, version=record.version, status=status, actor=actor, **extra
    )


def test_she_sees_her_current_pregnancy_with_due_date_gestation_and_care_location(
    portal, record, midwife_actor
):
    edd = timezone.localdate() + timedelta(days=80)  # 28+4 today, 11 weeks and 3 days to go
    with_edd(record, midwife_actor, edd)
    response = portal.get("/portal/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Your pregnancy now" in text
    assert f"Due {edd.day} {edd:%b %Y}" in text
    assert "28 weeks and 4 days pregnant" in text and "(28+4)" in text
    assert "11 weeks and 3 days to go until your due date." in text
    assert "Looked after by St Olavs hospital, fødeavdelingen" in text
    assert f'href="/portal/pregnancies/{record.pk}/"' in text


def test_current_first_then_earlier_ones_with_how_they_ended_and_never_entered_in_error(
    nin, midwife_actor, location_a
):
    today = timezone.localdate()
    delivered = ended(midwife_actor, nin, RecordStatus.DELIVERED, edd=today - timedelta(days=900))
    stillbirth = ended(
        midwife_actor, nin, RecordStatus.DELIVERED, edd=today - timedelta(days=1500), live_birth=False
    )
    terminated = ended(midwife_actor, nin, RecordStatus.TERMINATED, edd=today - timedelta(days=400))
    mistake = ended(midwife_actor, nin, RecordStatus.ENTERED_IN_ERROR, edd=today - timedelta(days=200))
    current = services.record_create(national_id=parse_national_id(nin), actor=midwife_actor)
    client = Client()
    client.force_login(link_patient(current.person))

    text = client.get("/portal/").content.decode()

    assert text.index(str(current.pk)) < text.index("Earlier pregnancies")
    assert "Due date not recorded yet" in text
    assert text.index(str(terminated.pk)) < text.index(str(delivered.pk)) < text.index(str(stillbirth.pk))
    assert f"Your baby was born on {delivered.delivery_date:%-d %b %Y}." in text
    assert "Your baby was stillborn on" in text
    assert "The pregnancy ended on" in text
    assert str(mistake.pk) not in text


def test_she_does_not_see_other_peoples_pregnancies(portal, record, midwife_actor):
    other = services.record_create(national_id=parse_national_id(new_nin()), actor=midwife_actor)
    text = portal.get("/portal/").content.decode()
    assert str(record.pk) in text
    assert str(other.pk) not in text


def test_a_person_with_no_pregnancy_is_told_so(nin, midwife_actor):
    record = ended(midwife_actor, nin, RecordStatus.ENTERED_IN_ERROR, edd=timezone.localdate())
    client = Client()
    client.force_login(link_patient(record.person))
    response = client.get("/portal/")
    assert response.status_code == 200
    assert "No pregnancy is recorded for you yet." in response.content.decode()


def test_signed_in_but_not_linked_to_a_person_is_403(db):
    client = Client()
    client.force_login(get_user_model().objects.create_user("stranger"))
    response = client.get("/portal/")
    assert response.status_code == 403
    assert "We have no maternity record for you" in response.content.decode()


def test_signed_out_is_sent_to_the_portal_sign_in(db):
    response = Client().get("/portal/")
    assert response.status_code == 302
    assert response.url.startswith("/portal/login/")


def test_each_view_writes_one_list_audit_entry_for_her(portal, patient, record):
    portal.get("/portal/")
    entry = AccessLog.objects.get()
    assert entry.action == AccessAction.LIST
    assert entry.outcome == AccessOutcome.ALLOWED
    assert entry.user_type == UserType.PATIENT
    assert entry.user == patient
    assert entry.person_id == record.person_id
    assert entry.record_id is None


def test_there_are_no_write_endpoints(portal, record):
    assert portal.post("/portal/").status_code == 405
    assert not AccessLog.objects.exists()


def test_queries_do_not_grow_with_the_number_of_pregnancies(nin, midwife_actor):
    today = timezone.localdate()
    few = services.record_create(national_id=parse_national_id(new_nin()), actor=midwife_actor)
    few_client = Client()
    few_client.force_login(link_patient(few.person, username="few"))
    for years in range(1, 6):
        ended(midwife_actor, nin, RecordStatus.DELIVERED, edd=today - timedelta(days=400 * years))
    ended(midwife_actor, nin, RecordStatus.TERMINATED, edd=today - timedelta(days=3000))
    many = with_edd(
        services.record_create(national_id=parse_national_id(nin), actor=midwife_actor),
        midwife_actor,
        today + timedelta(days=100),
    )
    many_client = Client()
    many_client.force_login(link_patient(many.person, username="many"))

    def count(client):
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/portal/").status_code == 200
        return len(queries)

    count(few_client)  # warm up (content types)
    # her records, their booked visits (her next appointment), and the contact box's record among them
    assert count(few_client) == count(many_client) <= 8
