"""The record page's "Needs attention" banner and its "Acknowledge" button, for each kind of user."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from maternity import services
from maternity.models import AccessAction, AccessLog, AlertAcknowledgement, StakeholderReason

from .alerts_factories import book, set_haemoglobin
from .conftest import midwife
from .factories import add_appointment, add_sfh, days_from_today, edd_at, make_pregnancy


@pytest.fixture
def kari(location_a):
    return midwife("kari", location_a)


@pytest.fixture
def stranger(location_c):
    return midwife("solveig", location_c, "Solveig Bakke")


@pytest.fixture
def flagged(kari):
    """At 37+0: BP 165/112 and FHR 190 at today's appointment, Hb 10.1 in the third trimester, and no
    visit booked."""
    _, actor = kari
    record = make_pregnancy(actor, name="Alert Aas", edd=edd_at(37))
    services.resource_create(
        record_id=record.pk,
        resource_type="antenatalAppointments",
        data={
            "appointment_date": timezone.localdate(),
            "blood_pressure": "165/112",
            "fetuses_vital_signs": [{"fosterId": 1, "fetalHeartRate": 190}],
        },
        actor=actor,
    )
    set_haemoglobin(actor, record, at_booking=12.0, third_trimester=10.1)
    return record


def url(record) -> str:
    return f"/records/{record.pk}/"


def banner(response) -> list[tuple[str, bool]]:
    return [(alert.flag.code, alert.acknowledged) for alert in response.context["alerts"]]


def post(client, record, alert, action="Obstetrician reviewed today: admitted to the ward."):
    return client.post(
        f"/records/{record.pk}/alerts/acknowledge/",
        {"alert_code": alert.flag.code, "subject": alert.flag.subject, "action_taken": action},
    )


def test_the_banner_lists_what_needs_attention_severe_first(kari, flagged):
    client, _ = kari
    response = client.get(url(flagged))
    assert banner(response) == [
        ("bp-high", False),
        ("fhr", False),
        ("booking-none", False),
        ("hb-low", False),
    ]
    body = response.content.decode()
    assert "Needs attention" in body and "Review today." in body
    assert "Haemoglobin 10.1 g/dL in the third trimester: below 10.5 g/dL (105 g/L), anaemia." in body
    assert body.count('<summary>Acknowledge<span class="sr-only">') == 4


def test_acknowledging_from_the_banner_shows_who_when_and_what_was_done(kari, flagged):
    client, _ = kari
    first = client.get(url(flagged)).context["alerts"][0]
    response = post(client, flagged, first)
    assert response.status_code == 302 and response["Location"] == f"{url(flagged)}#alerts"
    page = client.get(url(flagged))
    assert banner(page)[-1] == ("bp-high", True)  # acknowledged ones come last
    body = page.content.decode()
    assert "Acknowledged</span> by Kari Jordmor, St Olavs hospital, fødeavdelingen" in body
    assert "Obstetrician reviewed today: admitted to the ward." in body
    assert "Alert acknowledged." in body
    entry = AccessLog.objects.filter(action=AccessAction.WRITE).get()
    assert entry.resource_type == "alertAcknowledgements" and "alert bp-high" in entry.detail


def test_an_empty_action_is_refused_with_a_clear_message_and_nothing_written(kari, flagged):
    client, _ = kari
    first = client.get(url(flagged)).context["alerts"][0]
    response = post(client, flagged, first, action="  ")
    assert response.status_code == 302
    assert "Say what was done" in client.get(url(flagged)).content.decode()
    assert not AlertAcknowledgement.objects.exists()
    assert AccessLog.objects.filter(action=AccessAction.WRITE).get().status_code == 400


def test_a_reading_changed_since_the_page_was_opened_is_refused(kari, flagged):
    client, actor = kari
    seen = client.get(url(flagged)).context["alerts"][0]
    add_appointment(actor, flagged, on=days_from_today(0), blood_pressure="128/82")
    post(client, flagged, seen)
    assert "The reading changed since you saw it" in client.get(url(flagged)).content.decode()
    assert not AlertAcknowledgement.objects.exists()


def test_a_tampered_or_missing_subject_changes_nothing_and_is_not_a_500(kari, flagged):
    client, _ = kari
    response = client.post(f"/records/{flagged.pk}/alerts/acknowledge/", {"alert_code": "x" * 99})
    assert response.status_code == 302
    assert not AlertAcknowledgement.objects.exists()


def test_a_stranger_gets_not_found_and_writes_nothing(stranger, flagged):
    client, _ = stranger
    alert_code = "bp-high"
    response = client.post(
        f"/records/{flagged.pk}/alerts/acknowledge/",
        {"alert_code": alert_code, "subject": "x", "action_taken": "Looked"},
    )
    assert response.status_code == 404
    assert client.get(url(flagged)).status_code == 404
    assert not AlertAcknowledgement.objects.exists()


def test_signed_out_goes_to_sign_in_and_get_is_not_allowed(client, kari, flagged):
    response = client.post(f"/records/{flagged.pk}/alerts/acknowledge/", {})
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert kari[0].get(f"/records/{flagged.pk}/alerts/acknowledge/").status_code == 405


def test_a_midwife_at_another_stakeholder_location_may_acknowledge(kari, flagged, location_b):
    services.stakeholder_grant(record=flagged, care_location=location_b, reason=StakeholderReason.API_ACCESS)
    client, _ = midwife("ingrid", location_b, "Ingrid Haugen")
    alert = client.get(url(flagged)).context["alerts"][0]
    post(client, flagged, alert)
    assert AlertAcknowledgement.objects.get().updated_by_org_name == location_b.name


def test_a_record_with_nothing_to_flag_has_no_banner(kari):
    client, actor = kari
    record = make_pregnancy(actor, edd=edd_at(30))
    book(actor, record, days=7)
    response = client.get(url(record))
    assert response.context["alerts"] == []
    assert b"Needs attention" not in response.content


def test_the_banner_adds_no_query_however_many_alerts_and_acknowledgements(kari, flagged):
    client, actor = kari
    quiet = make_pregnancy(actor, name="Quiet Qvale", edd=edd_at(30))
    book(actor, quiet, days=7)
    for alert in client.get(url(flagged)).context["alerts"][:2]:
        post(client, flagged, alert)
    add_sfh(actor, flagged, on=days_from_today(-21), cm=33)
    add_sfh(actor, flagged, on=days_from_today(0), cm=32)

    def count(record):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url(record))
        assert response.status_code == 200
        return len(queries)

    count(quiet)
    assert count(quiet) == count(flagged)
