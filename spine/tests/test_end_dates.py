"""A pregnancy cannot end before it began, more than 45+6 weeks after, or after today (in the deployment's
time zone): the delivery and termination dates of updateStatus and a baby's birth time are refused with
DHG-0012 naming the field, and nothing changes. The same rule refuses them in the app (maternity/tests/
web/test_end_dates_pages.py) because it is the services' own (`maternity.services.end_dates`)."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.utils import timezone

from maternity.models import Pregnancy, RecordStatus

from .helpers import database_state, outcome

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def days_ago(days: int):
    return today() - timedelta(days=days)


def at_noon(day) -> str:
    """Noon that day in the deployment's time zone, as an ISO timestamp with its offset."""
    return timezone.make_aware(datetime.combine(day, time(12))).isoformat()


def new_record(api, *, lmp=None, edd=None) -> str:
    current = {}
    if lmp is not None:
        current["dateLastPeriod"] = lmp.isoformat()
    if edd is not None:
        current["dueDateCorrectedDate"] = edd.isoformat()
    response = api.post("record", {"currentPregnancy": current} if current else None)
    assert response.status_code == 201, response.content
    return response.json()["metadata"]["recordId"]


def deliver(api, record_id, when: str):
    status = {"status": "DELIVERED", "deliveryDate": when, "liveBirth": True}
    return api.post(f"record/{record_id}/updateStatus", {"version": 1, "recordStatus": status})


def terminate(api, record_id, when: str):
    status = {"status": "TERMINATED", "terminationDate": when}
    return api.post(f"record/{record_id}/updateStatus", {"version": 1, "recordStatus": status})


def refused(response, field: str) -> str:
    assert outcome(response) == (400, "DHG-0012", "DHG-0012"), response.content
    assert response.json()["field"] == field
    return response.json()["errorMessage"]


def test_a_2025_delivery_on_a_pregnancy_whose_last_period_was_in_june_2026_is_refused(api):
    record_id = new_record(api, lmp=datetime(2026, 6, 1).date())
    before = database_state()
    message = refused(deliver(api, record_id, "2025-10-15T03:12:00Z"), "recordStatus.deliveryDate")
    assert message == (
        "The delivery date (2025-10-15) is before this pregnancy began: her last menstrual period was "
        "2026-06-01. Check the date, or the LMP in the current pregnancy section."
    )
    assert database_state() == before
    assert Pregnancy.objects.get(pk=record_id).status == RecordStatus.ACTIVE


def test_the_day_before_the_last_period_is_refused_and_the_day_itself_is_not(api):
    lmp = days_ago(200)
    record_id = new_record(api, lmp=lmp)
    refused(terminate(api, record_id, at_noon(lmp - timedelta(days=1))), "recordStatus.terminationDate")
    assert terminate(api, record_id, at_noon(lmp)).status_code == 200


def test_without_an_lmp_the_pregnancy_begins_280_days_before_the_agreed_due_date(api):
    edd = days_ago(-100)  # due in 100 days: began 180 days ago
    record_id = new_record(api, edd=edd)
    message = refused(terminate(api, record_id, at_noon(days_ago(181))), "recordStatus.terminationDate")
    assert f"280 days before the agreed due date {edd}" in message
    assert terminate(api, record_id, at_noon(days_ago(180))).status_code == 200


def test_a_delivery_more_than_45_plus_6_weeks_after_the_pregnancy_began_is_refused(api):
    lmp = days_ago(400)
    record_id = new_record(api, lmp=lmp)
    message = refused(
        deliver(api, record_id, at_noon(lmp + timedelta(days=322))), "recordStatus.deliveryDate"
    )
    assert "would end a pregnancy of 46+0 weeks" in message and "none lasts past 45+6" in message
    assert deliver(api, record_id, at_noon(lmp + timedelta(days=321))).status_code == 200


def test_a_late_lmp_corrected_by_a_scan_counts_from_the_later_start(api):
    """A scan that dates the pregnancy three weeks younger than the LMP: 47+1 weeks by the LMP is 44+1 by
    the scan, possible."""
    lmp = days_ago(350)
    record_id = new_record(api, lmp=lmp, edd=lmp + timedelta(days=280 + 21))
    assert deliver(api, record_id, at_noon(lmp + timedelta(days=330))).status_code == 200


def test_a_delivery_tomorrow_in_the_deployments_time_zone_is_refused(api, record_id):
    tomorrow = timezone.make_aware(datetime.combine(today() + timedelta(days=1), time(0, 30)))
    message = refused(
        deliver(api, record_id, tomorrow.astimezone(UTC).isoformat()), "recordStatus.deliveryDate"
    )
    assert message == (
        f"The delivery date ({today() + timedelta(days=1)}) is in the future: today is {today()} "
        "(Europe/Oslo)."
    )


def test_a_birth_later_today_is_kept_even_when_a_client_marks_local_time_as_utc(api, record_id):
    """A client that sends the local time marked Z makes a birth a moment ago look hours ahead: it is
    still today, so it is kept."""
    late_today = timezone.make_aware(datetime.combine(today(), time(23, 59)))
    assert deliver(api, record_id, late_today.isoformat()).status_code == 200


def test_without_any_dates_a_delivery_before_her_own_birth_is_refused(api, record_id):
    born = Pregnancy.objects.get(pk=record_id).person.date_of_birth
    message = refused(deliver(api, record_id, at_noon(born - timedelta(days=1))), "recordStatus.deliveryDate")
    assert message == f"The delivery date ({born - timedelta(days=1)}) is before her date of birth ({born})."


def test_a_baby_born_before_the_pregnancy_began_is_refused_naming_birth_time(api):
    record_id = new_record(api, lmp=datetime(2026, 6, 1).date())
    assert deliver(api, record_id, at_noon(days_ago(1))).status_code == 200  # births follow the delivery
    before = database_state()
    body = {"birthTime": "2025-10-15T01:12:00Z", "liveBirth": True}
    message = refused(api.post(f"record/{record_id}/births", body), "birthTime")
    assert message.startswith("The birth time (2025-10-15) is before this pregnancy began")
    assert database_state() == before


def test_a_birth_time_changed_to_the_future_is_refused_and_the_birth_kept(api):
    record_id = new_record(api, lmp=days_ago(280))
    assert deliver(api, record_id, at_noon(days_ago(1))).status_code == 200
    created = api.post(f"record/{record_id}/births", {"birthTime": at_noon(days_ago(1)), "liveBirth": True})
    assert created.status_code == 201, created.content
    item = created.json()["metadata"]["id"]
    body = {"metadata": {"version": 1}, "birthTime": at_noon(days_ago(-30)), "liveBirth": True}
    refused(api.put(f"record/{record_id}/births/{item}", body), "birthTime")
    assert api.get(f"record/{record_id}").json()["births"][0]["metadata"]["version"] == 1
