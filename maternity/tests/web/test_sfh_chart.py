"""The INTERGROWTH-21st SFH chart: gestation and centiles per measurement, the SVG (curves, points, axes,
title and description, shapes rather than colours), the table fallback, and the pages that show it."""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation

from maternity import services
from maternity.charts.sfh import centile_text, ordinal, sfh_chart_svg, sfh_points
from maternity.models import AccessLog, AccessOutcome
from maternity.rules.clinical import sfh_centile_value, sfh_median

EDD = date(2026, 6, 1)  # 32+0 on 2026-04-06


@pytest.fixture(autouse=True)
def in_english():
    """The chart's words are checked in English: a page test in Bokmål that ran before (pytest-django runs
    the database tests first) may have left Bokmål active in this thread."""
    with translation.override("en"):
        yield


@dataclass
class Measurement:
    measurement_date: date
    measurement: int
    pregnancy_week: int | None = None
    entered_in_error: bool = False
    last_updated: datetime = datetime(2026, 1, 1)


def at(weeks: int, days: int = 0) -> date:
    return EDD - timedelta(days=280 - weeks * 7 - days)


def test_gestation_comes_from_the_agreed_edd_and_the_centile_from_the_standard():
    (point,) = sfh_points([Measurement(at(32), round(sfh_median(32)))], agreed_edd=EDD)
    assert point.ga_days == 32 * 7 and point.gestation == "32+0"
    assert 40 < point.centile < 60
    assert point.flag == "" and point.centile_label.endswith("centile")


def test_without_an_edd_the_written_week_is_used():
    (point,) = sfh_points([Measurement(date(2026, 4, 6), 31, pregnancy_week=32)], agreed_edd=None)
    assert point.gestation == "32+0" and point.in_range


def test_outside_16_to_40_weeks_is_listed_but_not_plotted():
    points = sfh_points([Measurement(at(14), 12), Measurement(at(41, 2), 40)], agreed_edd=EDD)
    assert [p.in_range for p in points] == [False, False]
    assert "outside the standard (16–40 weeks)" in points[0].centile_label
    assert 'class="point' not in sfh_chart_svg(points)


def test_below_the_3rd_and_above_the_97th_are_flagged_and_drawn_as_triangles():
    low = int(sfh_centile_value(36, 3)) - 2
    high = int(sfh_centile_value(30, 97)) + 2
    points = sfh_points([Measurement(at(30), high), Measurement(at(36), low)], agreed_edd=EDD)
    assert [p.flag for p in points] == ["Above the 97th centile", "Below the 3rd centile"]
    svg = str(sfh_chart_svg(points))
    assert svg.count('class="point outside"') == 2 and "<polygon" in svg


def test_falling_across_centile_lines_is_said_in_words():
    points = sfh_points(
        [
            Measurement(at(28), round(sfh_centile_value(28, 95))),
            Measurement(at(32), round(sfh_centile_value(32, 50))),
            Measurement(at(36), round(sfh_centile_value(36, 5))),
        ],
        agreed_edd=EDD,
    )
    assert points[-1].crossing.startswith("Fallen across")
    assert "Growth falls across centile lines at" in str(sfh_chart_svg(points))


def test_entered_in_error_measurements_are_left_out():
    points = sfh_points(
        [Measurement(at(30), 29), Measurement(at(31), 10, entered_in_error=True)], agreed_edd=EDD
    )
    assert [p.cm for p in points] == [29]


def test_the_svg_has_five_named_centile_curves_labelled_axes_and_a_title_and_description():
    svg = str(sfh_chart_svg(sfh_points([Measurement(at(30), 29)], agreed_edd=EDD), chart_id="c1"))
    assert svg.startswith("<svg") and 'role="img"' in svg and 'aria-labelledby="c1-title c1-desc"' in svg
    assert '<title id="c1-title">' in svg and '<desc id="c1-desc">1 measurement plotted' in svg
    assert len(re.findall(r'<polyline class="centile c(\d+)"', svg)) == 5
    for label in ("3rd", "10th", "50th", "90th", "97th"):
        assert f">{label}</text>" in svg
    assert "Gestation (weeks)" in svg and "Symphysis-fundal height (cm)" in svg
    assert 'stroke-dasharray="2 3"' in svg and 'stroke-dasharray="7 4"' in svg  # not colour alone
    assert svg.count('class="point"') == 1


def test_an_empty_chart_still_shows_the_standard():
    svg = str(sfh_chart_svg([]))
    assert "No symphysis-fundal height has been measured yet" in svg
    assert svg.count('class="centile') == 5


def test_ordinals():
    assert [ordinal(n) for n in (1, 2, 3, 11, 12, 13, 21, 50, 97)] == [
        "1st", "2nd", "3rd", "11th", "12th", "13th", "21st", "50th", "97th"
    ]  # fmt: skip
    assert centile_text(0.4) == "below the 1st" and centile_text(99.6) == "above the 99th"


# --- the pages ------------------------------------------------------------------------------------------


@pytest.fixture
def kari(location_a):
    user = services.practitioner_create(
        username="kari", display_name="Kari Jordmor", care_locations=[location_a]
    )
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def measured(record, midwife_actor):
    today = timezone.localdate()
    services.resource_create(
        record_id=record.pk,
        resource_type="currentPregnancy",
        data={"due_date_corrected_date": today + timedelta(days=280 - 34 * 7)},
        actor=midwife_actor,
    )
    for weeks_ago, cm in ((6, 25), (2, 29)):
        services.resource_create(
            record_id=record.pk,
            resource_type="symphysisFundalHeights",
            data={"measurement_date": today - timedelta(weeks=weeks_ago), "measurement": cm},
            actor=midwife_actor,
        )
    return record


def test_the_chart_page_shows_the_chart_and_the_table(kari, measured):
    response = kari.get(f"/records/{measured.pk}/sfh/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body and body.count('class="point') == 2
    assert "SFH measurements and their centiles" in body
    assert "28+0" in body and "32+0" in body
    assert "centile</td>" in body
    assert f"/records/{measured.pk}/sections/symphysisFundalHeights/new/" in body
    entry = AccessLog.objects.filter(record_id=measured.pk).order_by("-id").first()
    assert (entry.action, entry.resource_type) == ("READ", "symphysisFundalHeights")


def test_the_record_page_shows_the_chart_too(kari, measured):
    body = kari.get(f"/records/{measured.pk}/").content.decode()
    assert 'aria-labelledby="record-sfh-title record-sfh-desc"' in body


def test_a_stranger_gets_not_found(measured, location_c):
    user = services.practitioner_create(
        username="solveig", display_name="Solveig Bakke", care_locations=[location_c]
    )
    client = Client()
    client.force_login(user)
    response = client.get(f"/records/{measured.pk}/sfh/")
    assert response.status_code == 404 and "<svg" not in response.content.decode()
    assert (
        AccessLog.objects.filter(record_id=measured.pk).order_by("-id").first().outcome
        == AccessOutcome.DENIED
    )
