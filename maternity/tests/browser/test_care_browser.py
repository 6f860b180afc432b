"""Pulling active care, changing the status with a confirmation, and reading the access log, in Chromium;
each page passes the axe-core check."""

from datetime import timedelta

import pytest
from django.utils import timezone

from maternity import services
from maternity.models import Pregnancy

from .conftest import assert_accessible, make_midwife, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_midwife_at_another_stakeholder_location_pulls_active_care(page, record, location_b):
    services.stakeholder_grant(record=record, care_location=location_b, reason="API_ACCESS")
    make_midwife("berit", location_b, name="Berit Jordmor", hpr_nr="1234567")
    sign_in(page, "berit")
    page.goto(f"/records/{record.pk}/pull-care/")
    page.get_by_role("heading", name="Pull active care to Munkholmen jordmortjeneste").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Pull active care").click()
    page.get_by_text("Munkholmen jordmortjeneste now cares for this pregnancy.").wait_for()
    assert Pregnancy.objects.get(pk=record.pk).active_care_location == location_b


def test_a_status_change_is_reviewed_and_confirmed(page, record, location_a):
    make_midwife("kari", location_a)
    sign_in(page, "kari")
    page.goto(f"/records/{record.pk}/status/")
    assert_accessible(page)
    page.get_by_label("Terminated").check()
    when = timezone.localtime() - timedelta(hours=3)
    page.get_by_label("Date and time of termination").fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Confirm: mark the record terminated?").wait_for()
    assert_accessible(page)
    assert Pregnancy.objects.get(pk=record.pk).status == "ACTIVE"
    page.get_by_role("button", name="Yes, change the status").click()
    page.get_by_text("The record is now terminated.").wait_for()
    assert Pregnancy.objects.get(pk=record.pk).status == "TERMINATED"

    page.goto(f"/records/{record.pk}/access-log/")
    assert_accessible(page)
    assert page.get_by_role("cell", name="Changed the record's status").first.is_visible()
