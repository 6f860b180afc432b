"""The reports and data quality pages: who sees them (and whose figures), the CSV exports, the period,
sorting and pages, and what they cost in queries."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import fetch_token
from maternity import services
from maternity.models import AccessAction, AccessLog

from .conftest import practitioner, signed_in
from .factories import add_sfh, days_from_today, edd_at, make_flagged_pregnancy, make_pregnancy

REPORTS = "/reports/"
QUALITY = "/reports/data-quality/"
PAGES = [REPORTS, QUALITY]


def add_birth(actor, record, *, days_ago: int, live=True, mode="SPONTANEOUS_VAGINAL"):
    """A baby born `days_ago`, on a record delivered then (births are added after the delivery)."""
    born = timezone.now() - timedelta(days=days_ago)
    record.refresh_from_db()
    if record.status != "DELIVERED":
        services.record_status_update(
            record_id=record.pk,
            version=record.version,
            status="DELIVERED",
            delivery_date=born,
            live_birth=live,
            actor=actor,
        )
    return services.resource_create(
        record_id=record.pk,
        resource_type="births",
        data={
            "birth_time": born,
            "live_birth": live,
            "mode_of_birth": mode,
        },
        actor=actor,
    )


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


# --- who may see them -------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", PAGES)
def test_signed_out_is_sent_to_sign_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"


@pytest.mark.parametrize("url", PAGES)
def test_user_who_is_not_a_practitioner_gets_403(not_a_practitioner, url):
    response = signed_in(not_a_practitioner).get(url)
    assert response.status_code == 403
    assert b"not registered as a health professional" in response.content


@pytest.mark.parametrize("url", [*PAGES, f"{REPORTS}?export=summary.csv", f"{QUALITY}?export=records.csv"])
def test_a_client_system_token_gives_no_access(client_a, actor_a, url):
    make_pregnancy(actor_a, name="Astrid Berg")
    token = fetch_token(client_a.client_id, client_a.client_secret)
    response = Client().get(url, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert b"Astrid" not in response.content


def test_midwife_of_a_sees_the_figures_of_a_only(web_a, actor_a, actor_b):
    make_pregnancy(actor_a, name="Astrid Berg", edd=days_from_today(3))
    make_pregnancy(actor_a, name="Bodil Dahl", edd=days_from_today(100))
    make_pregnancy(actor_b, name="Elsewhere Eide", edd=days_from_today(3))
    response = web_a.get(REPORTS)
    assert response.status_code == 200
    report = response.context["report"]
    assert report.active == 2
    assert [t.count for t in report.expected] == [1] + [0] * 11
    assert b'aria-current="page">Reports' in response.content
    assert b'<dd data-figure="active">2</dd>' in response.content


def test_midwife_of_b_sees_the_figures_of_b(web_b, actor_a, actor_b):
    make_pregnancy(actor_a, name="Astrid Berg", edd=days_from_today(3))
    delivered = make_pregnancy(actor_b, name="Elsewhere Eide", edd=days_from_today(-5))
    add_birth(actor_b, delivered, days_ago=4, live=False, mode="FORCEPS")
    make_pregnancy(actor_b, name="Still Expecting", edd=days_from_today(120))  # after the 12 weeks shown
    report = web_b.get(REPORTS).context["report"]
    assert report.active == 1
    assert [t.count for t in report.expected] == [0] * 12
    assert report.births.total == 1
    assert {t.label: t.count for t in report.births.by_outcome}["Stillbirth"] == 1
    (summary,) = [web_b.get(QUALITY).context["summary"]]
    assert summary.checked == 1


def test_a_location_admin_who_practises_there_sees_them(location_a, actor_a):
    admin = practitioner("leader", location_a, name="Liv Leder")
    location_a.admins.add(admin)
    make_pregnancy(actor_a, name="Astrid Berg")
    client = signed_in(admin)
    assert client.get(REPORTS).context["report"].active == 1
    assert client.get(QUALITY).context["summary"].checked == 1


@pytest.mark.parametrize("url", PAGES)
def test_each_view_writes_one_list_entry(web_a, actor_a, url):
    web_a.get(url)
    entry = AccessLog.objects.get()
    assert entry.action == AccessAction.LIST
    assert entry.username == "kari"


# --- the reports page ---------------------------------------------------------------------------------------


def test_the_page_draws_accessible_charts_next_to_the_tables(web_a, actor_a):
    make_pregnancy(actor_a, edd=days_from_today(10))
    content = web_a.get(REPORTS).content.decode()
    assert content.count('<svg class="report-chart"') == 4
    assert '<title id="chart-expected-title">Expected births per week, next 12 weeks</title>' in content
    assert "Expected births</text>" in content  # the y axis is labelled
    assert (
        'id="chart-outcome-desc">Live birth: 0 births; Stillbirth: 0 births; Not recorded: 0 births.'
        in content
    )


def test_births_in_a_chosen_period(web_a, actor_a):
    add_birth(actor_a, make_pregnancy(actor_a, edd=days_from_today(-30)), days_ago=40)
    earlier = make_pregnancy(actor_a, edd=days_from_today(-395))  # a pregnancy of more than a year ago
    add_birth(actor_a, earlier, days_ago=400, mode="VENTOUSE")
    assert web_a.get(REPORTS).context["report"].births.total == 1  # the last 12 months
    today = timezone.localdate()
    response = web_a.get(
        REPORTS, {"from": (today - timedelta(days=500)).isoformat(), "to": today.isoformat()}
    )
    assert response.context["report"].births.total == 2
    wrong = web_a.get(REPORTS, {"from": "2025-13-01", "to": "2024-01-01"})
    assert wrong.status_code == 200
    assert "could not be read" in wrong.context["period_error"]
    backwards = web_a.get(REPORTS, {"from": today.isoformat(), "to": (today - timedelta(days=1)).isoformat()})
    assert "ends before it starts" in backwards.context["period_error"]
    assert backwards.context["report"].births.total == 1


def test_each_table_exports_as_csv(web_a, actor_a):
    make_pregnancy(actor_a, edd=days_from_today(3))
    response = web_a.get(REPORTS, {"export": "expected-births.csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="st-olavs-hospital')
    assert response["Content-Disposition"].endswith(f'-expected-births-{timezone.localdate()}.csv"')
    rows = rows_of(response)
    assert rows[0] == ["Week from", "Week to", "Expected births"]
    assert rows[1] == [timezone.localdate().isoformat(), days_from_today(6).isoformat(), "1"]
    assert len(rows) == 13
    for table in ["births-by-outcome", "births-by-mode", "booking-gestation", "postnatal", "summary"]:
        response = web_a.get(REPORTS, {"export": f"{table}.csv"})
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv"), table
    assert rows_of(web_a.get(REPORTS, {"export": "summary.csv"}))[1] == ["Active pregnancies", "1"]
    assert rows_of(web_a.get(REPORTS, {"export": "postnatal.csv"}))[1] == ["Mothers' visits", "0"]
    assert web_a.get(REPORTS, {"export": "nothing.csv"}).status_code == 404
    assert web_a.get(REPORTS, {"export": "summary.xlsx"}).status_code == 404


# --- the data quality page ----------------------------------------------------------------------------------


def test_each_missing_item_links_to_where_it_is_put_right(web_a, actor_a):
    record = make_pregnancy(actor_a, name="Astrid Berg", edd=edd_at(30))
    add_sfh(actor_a, record, on=days_from_today(-1), cm=55)
    response = web_a.get(QUALITY)
    content = response.content.decode()
    (row,) = response.context["page"].object_list
    assert [f.rule.code for f in row.failures] == ["blood-group", "booking-bloods", "bmi", "sfh", "booking"]
    assert f'href="/records/{record.pk}/sections/clinicalTests/"' in content
    assert f'href="/records/{record.pk}/sections/vitalMeasurementsBeforePregnancy/"' in content
    assert f'href="/records/{record.pk}/#section-symphysisFundalHeights"' in content
    assert f'href="/records/{record.pk}/#section-antenatalAppointments"' in content
    assert 'data-completeness="44.4"' in content
    assert '<tr data-rule="sfh"><th scope="row">Implausible SFH</th>' in content


def test_sorted_by_completeness_both_ways_in_pages_of_25(web_a, actor_a):
    for number in range(26):
        make_pregnancy(actor_a, name=f"Mother {number:02d}")
    complete = make_flagged_pregnancy(actor_a, name="Zelda Complete")
    services.resource_create(
        record_id=complete.pk,
        resource_type="vitalMeasurementsBeforePregnancy",
        data={"bmi": 23.0},
        actor=actor_a,
    )
    first = web_a.get(QUALITY)
    assert len(first.context["page"].object_list) == 25
    assert "Page 1 of 2" in first.content.decode()
    assert first.context["page"].object_list[0].facts.name == "Mother 00"
    last = web_a.get(QUALITY, {"page": 2}).context["page"].object_list
    assert last[-1].facts.name == "Zelda Complete"
    best = web_a.get(QUALITY, {"sort": "-completeness"})
    assert best.context["page"].object_list[0].facts.name == "Zelda Complete"
    assert b'aria-sort="descending"' in best.content
    assert b'href="?sort=-completeness&amp;page=2" rel="next"' in best.content


def test_data_quality_exports_as_csv(web_a, actor_a):
    record = make_pregnancy(actor_a, name="Astrid Berg")
    response = web_a.get(QUALITY, {"export": "records.csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "-data-quality-records-" in response["Content-Disposition"]
    rows = rows_of(response)
    assert rows[1][:2] == [str(record.pk), "Astrid Berg"]
    assert rows[1][3:5] == ["55.6", "5/9"]  # at 30 weeks: no blood group, bloods, BMI, appointment
    assert (
        rows[1][5] == "No blood group; No booking blood tests; No BMI, height or weight before pregnancy; "
        "No appointment by 13 weeks"
    )
    rules = rows_of(web_a.get(QUALITY, {"export": "rules.csv"}))
    assert rules[1] == ["blood-group", rules[1][1], "1"]
    assert web_a.get(QUALITY, {"export": "x.csv"}).status_code == 404


# --- cost ---------------------------------------------------------------------------------------------------


def make_records(actor, count: int) -> None:
    for number in range(count):
        record = make_flagged_pregnancy(actor, name=f"Mother {number:02d}")
        add_birth(actor, record, days_ago=number + 1)


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


MAX_QUERIES = {REPORTS: 13, QUALITY: 8}  # session, user, practitioner x2, location; figures; audit entry


def test_both_pages_cost_the_same_queries_for_3_and_40_records(web_a, actor_a, django_assert_max_num_queries):
    make_records(actor_a, 3)
    few = {url: queries_for(web_a, url) for url in PAGES}
    make_records(actor_a, 37)
    for url in PAGES:
        with django_assert_max_num_queries(MAX_QUERIES[url]):
            many = queries_for(web_a, url)
        assert many == few[url], url
