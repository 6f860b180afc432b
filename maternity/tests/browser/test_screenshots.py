"""Screenshots of the caseload, the record page and the SFH chart, from the demo data (`seed_demo`), at
laptop size. They are taken on every run (so the pages render with a full demo caseload); with
UPDATE_SCREENSHOTS=1 they are written to docs/screenshots/ for the README."""

import pytest
from django.core.management import call_command

from maternity.models import Pregnancy, SymphysisFundalHeight

from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_screenshots_of_the_caseload_the_record_and_the_sfh_chart(page, shots, capsys):
    call_command("seed_demo")
    capsys.readouterr()  # the demo's own printout
    sign_in(page, "midwife", "midwife")
    page.get_by_role("heading", name="Caseload").first.wait_for()
    assert_accessible(page)
    page.screenshot(path=shots / "caseload.png", full_page=True)

    with_sfh = (
        Pregnancy.objects.filter(status="ACTIVE", symphysisfundalheights__isnull=False)
        .distinct()
        .order_by("agreed_edd")
        .first()
    )
    assert with_sfh is not None and SymphysisFundalHeight.objects.filter(record=with_sfh).count() >= 3
    page.goto(f"/records/{with_sfh.pk}/")
    assert_accessible(page)
    page.screenshot(path=shots / "record.png")  # the top: header and first sections

    page.goto(f"/records/{with_sfh.pk}/sfh/")
    assert page.locator("svg").first.is_visible()
    assert_accessible(page)
    page.screenshot(path=shots / "sfh-chart.png", full_page=True)
