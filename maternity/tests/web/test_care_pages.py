"""Status changes (with a confirmation), pulling active care, and the record's access log, for a midwife
at the active location, one at another stakeholder location, and one whose location is not a stakeholder."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from maternity import services
from maternity.models import AccessLog, Note, Pregnancy
from maternity.tests.browser.conftest import PASSWORD, make_midwife

pytestmark = pytest.mark.django_db

LOCAL = "%Y-%m-%dT%H:%M"


def signed_in(username, *locations) -> Client:
    make_midwife(username, *locations)
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.fixture
def at_active(location_a):
    return signed_in("kari", location_a)


@pytest.fixture
def stranger(location_c):
    return signed_in("siri", location_c)


def terminated(record, **changes):
    return {
        "status": "TERMINATED",
        "version": record.version,
        "termination_date": (timezone.localtime() - timedelta(hours=2)).strftime(LOCAL),
        **changes,
    }


def test_a_status_change_is_confirmed_before_it_is_made(at_active, record):
    url = f"/records/{record.pk}/status/"
    assert at_active.get(url).status_code == 200
    review = at_active.post(url, terminated(record))
    assert review.status_code == 200
    assert "Confirm: mark the record terminated?" in review.content.decode()
    assert Pregnancy.objects.get(pk=record.pk).status == "ACTIVE"  # nothing yet

    done = at_active.post(url, {**terminated(record), "confirmed": "yes"})
    assert done.status_code == 302 and done["Location"] == f"/records/{record.pk}/"
    changed = Pregnancy.objects.get(pk=record.pk)
    assert changed.status == "TERMINATED"
    entry = AccessLog.objects.filter(record=record, action="STATUS_CHANGE").get()
    assert entry.outcome == "ALLOWED" and entry.detail == "ACTIVE -> TERMINATED"


def test_delivered_leads_to_the_delivery_step_which_asks_for_the_babies(at_active, record):
    response = at_active.post(f"/records/{record.pk}/status/", {"status": "DELIVERED", "version": 1})
    assert response.status_code == 302
    assert response["Location"] == f"/records/{record.pk}/delivery/?version=1"
    assert Pregnancy.objects.get(pk=record.pk).status == "ACTIVE"  # nothing yet: see test_delivery_pages


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"termination_date": ""}, "Give the date and time of the termination."),
        ({"termination_date": "2099-01-01T10:00"}, "The termination date (2099-01-01) is in the future"),
        ({"termination_date": "yesterday"}, "Enter a valid date/time."),
        ({"status": "EXPLODED"}, "Select a valid choice."),
    ],
)
def test_bad_details_show_the_form_again_and_change_nothing(at_active, record, changes, message):
    response = at_active.post(
        f"/records/{record.pk}/status/", {**terminated(record), **changes, "confirmed": "yes"}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Pregnancy.objects.get(pk=record.pk).status == "ACTIVE"


def test_correcting_an_ended_record_to_delivered_asks_for_the_date_and_outcome(
    at_active, record, midwife_actor
):
    services.record_status_update(
        record_id=record.pk,
        version=1,
        status="TERMINATED",
        termination_date=timezone.now() - timedelta(hours=3),
        actor=midwife_actor,
    )
    response = at_active.post(
        f"/records/{record.pk}/status/", {"status": "DELIVERED", "version": 2, "confirmed": "yes"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Give the date and time of delivery." in html and "Say whether it was a live birth." in html


def test_a_status_change_against_a_stale_version_is_refused(at_active, record):
    response = at_active.post(
        f"/records/{record.pk}/status/",
        {**terminated(record, version=record.version - 1), "confirmed": "yes"},
    )
    assert response.status_code == 302
    assert Pregnancy.objects.get(pk=record.pk).status == "ACTIVE"
    entry = AccessLog.objects.filter(record=record, action="STATUS_CHANGE").get()
    assert (entry.outcome, entry.status_code) == ("REJECTED", 409)


def test_a_midwife_whose_location_is_no_stakeholder_gets_not_found(stranger, record):
    for url in ("status", "pull-care", "access-log"):
        response = stranger.get(f"/records/{record.pk}/{url}/")
        assert response.status_code == 404
        assert "Not found" in response.content.decode()
    assert stranger.post(f"/records/{record.pk}/pull-care/", {}).status_code == 404
    assert Pregnancy.objects.get(pk=record.pk).active_care_location.org_nr == "974749025"
    assert set(AccessLog.objects.filter(record=record).values_list("outcome", flat=True)) == {"DENIED"}


def test_another_stakeholder_location_pulls_active_care_and_a_note_says_so(location_b, record):
    services.stakeholder_grant(record=record, care_location=location_b, reason="API_ACCESS")
    client = signed_in("berit", location_b)
    assert "Active care is now with" in client.get(f"/records/{record.pk}/pull-care/").content.decode()
    response = client.post(f"/records/{record.pk}/pull-care/", {"start_time": ""})
    assert response.status_code == 302
    assert Pregnancy.objects.get(pk=record.pk).active_care_location == location_b
    assert Note.objects.filter(record=record, text__contains="took over active care").exists()
    assert AccessLog.objects.filter(record=record, action="PULL_CARE", outcome="ALLOWED").exists()


def test_care_cannot_be_pulled_from_the_future(at_active, record):
    future = (timezone.localtime() + timedelta(days=1)).strftime(LOCAL)
    response = at_active.post(f"/records/{record.pk}/pull-care/", {"start_time": future})
    assert response.status_code == 400
    assert "future" in response.content.decode()


def test_the_access_log_shows_break_glass_with_its_reason(at_active, record, location_b, midwife_actor):
    services.access_log_write(
        action="BREAK_GLASS",
        outcome="ALLOWED",
        actor=midwife_actor,
        record_id=record.pk,
        reason="Labour ward",
    )
    page = at_active.get(f"/records/{record.pk}/access-log/").content.decode()
    assert "Break glass" in page and "Labour ward" in page
    assert AccessLog.objects.filter(record=record, action="AUDIT_READ").count() == 1


def test_the_access_log_names_the_midwife_not_her_login(at_active, record):
    at_active.get(f"/records/{record.pk}/")  # Kari reads the record: one entry
    page = at_active.get(f"/records/{record.pk}/access-log/").content.decode()
    assert "Kari Jordmor" in page
    assert ">kari<" not in page


def test_the_access_log_page_costs_the_same_queries_for_few_and_many_entries(
    at_active, record, midwife_actor
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert at_active.get(f"/records/{record.pk}/access-log/").status_code == 200
        return len(captured)

    for _ in range(3):
        services.access_log_write(action="READ", outcome="ALLOWED", actor=midwife_actor, record_id=record.pk)
    few = queries()
    for _ in range(80):
        services.access_log_write(action="READ", outcome="ALLOWED", actor=midwife_actor, record_id=record.pk)
    assert queries() == few
