"""The caseload page: who sees it, what each row shows, search, sort, pages, audit and query counts."""

from datetime import date, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import new_nin
from maternity import services
from maternity.models import AccessAction, AccessLog, AccessOutcome, StakeholderReason
from maternity.reads.caseload import PAGE_SIZE, age_on
from maternity.services import alerts as services_alerts

from .alerts_factories import book
from .conftest import signed_in
from .factories import (
    add_appointment,
    add_sfh,
    days_from_today,
    deliver,
    edd_at,
    make_flagged_pregnancy,
    make_pregnancy,
    make_rhd_negative,
)

URL = "/"


def names(response) -> list[str]:
    return [row.name for row in response.context["rows"]]


# --- who may see it ---------------------------------------------------------------------------------------


def test_signed_out_is_sent_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/"


def test_user_who_is_not_a_practitioner_gets_403(not_a_practitioner):
    response = signed_in(not_a_practitioner).get(URL)
    assert response.status_code == 403
    assert b"not registered as a health professional" in response.content


def test_midwife_at_the_active_location_sees_its_active_pregnancies(web_a, actor_a):
    make_pregnancy(actor_a, name="Astrid Berg")
    response = web_a.get(URL)
    assert response.status_code == 200
    assert names(response) == ["Astrid Berg"]
    assert b'aria-current="page">Caseload' in response.content


def test_midwife_elsewhere_sees_none_of_them(web_b, actor_a):
    make_pregnancy(actor_a, name="Astrid Berg")
    response = web_b.get(URL)
    assert response.status_code == 200
    assert names(response) == []
    assert b"No active pregnancies at Munkholmen jordmortjeneste" in response.content
    assert b"Astrid Berg" not in response.content


def test_a_pregnancy_moves_to_the_caseload_of_the_location_that_pulls_care(
    web_a, web_b, actor_a, actor_b, location_b
):
    record = make_pregnancy(actor_a, name="Astrid Berg")
    services.stakeholder_grant(record=record, care_location=location_b, reason=StakeholderReason.BREAK_GLASS)
    services.care_pull(record_id=record.pk, actor=actor_b)
    assert names(web_a.get(URL)) == []
    assert names(web_b.get(URL)) == ["Astrid Berg"]


def test_pregnancies_that_are_no_longer_active_are_left_out(web_a, actor_a):
    record = make_pregnancy(actor_a, name="Delivered Dahl")
    make_pregnancy(actor_a, name="Active Aas")
    deliver(actor_a, record)
    assert names(web_a.get(URL)) == ["Active Aas"]


# --- what a row shows -------------------------------------------------------------------------------------


def test_row_shows_name_age_gestation_edd_and_next_appointment(web_a, actor_a):
    born = date(1994, 5, 17)
    nin = new_nin(born)
    record = make_pregnancy(actor_a, name="Astrid Berg", edd=edd_at(32, 4), nin=nin, born=born)
    add_appointment(actor_a, record, on=days_from_today(-14))
    book(actor_a, record, days=21)
    seven = book(actor_a, record, days=7, at=time(9, 30))
    response = web_a.get(URL)
    row = response.context["rows"][0]
    assert f"{nin} · {row.age} years".encode() in response.content
    assert row.name == "Astrid Berg"
    assert row.national_id == nin
    assert row.age == age_on(born, timezone.localdate())
    assert row.gestation == "32+4"
    assert row.agreed_edd == edd_at(32, 4)
    assert row.next_booking == seven and row.next_day == days_from_today(7)
    assert '09:30<span class="nin">Antenatal check</span>' in response.content.decode()
    assert row.flags == []


def test_next_appointment_is_the_next_booking_not_a_visit_already_recorded(web_a, actor_a):
    record = make_pregnancy(actor_a)
    wrong = book(actor_a, record, days=2)
    services.resource_enter_in_error(
        record_id=record.pk, resource_type="bookings", resource_id=wrong.pk, actor=actor_a
    )
    book(actor_a, record, days=5, status="CANCELLED")
    book(actor_a, record, days=9)
    add_appointment(actor_a, record, on=days_from_today(0))  # today's visit, recorded: not to come
    add_appointment(actor_a, record, on=days_from_today(3))  # a visit dated ahead is not a booking
    assert web_a.get(URL).context["rows"][0].next_day == days_from_today(9)
    book(actor_a, record, days=0, at=time(0, 1))  # earlier today, not yet seen: she may be waiting
    response = web_a.get(URL)
    assert response.context["rows"][0].next_day == days_from_today(0)
    assert b"<strong>Today</strong> 00:01" in response.content


def test_row_without_a_name_or_appointment_says_so_and_flags_it(web_a, actor_a):
    make_pregnancy(actor_a, name=None)
    response = web_a.get(URL)
    assert b"No name recorded" in response.content
    assert b"None booked" in response.content
    assert [flag.code for flag in response.context["rows"][0].flags] == ["booking-none"]


def test_a_missed_booking_is_flagged_on_the_caseload(web_a, actor_a):
    record = make_pregnancy(actor_a, edd=edd_at(30))
    book(actor_a, record, days=-3)
    book(actor_a, record, days=11)
    row = web_a.get(URL).context["rows"][0]
    assert [flag.code for flag in row.flags] == ["booking-missed"]


def test_no_visit_booked_at_40_weeks_is_severe_on_the_caseload(web_a, actor_a):
    make_pregnancy(actor_a, edd=edd_at(40, 3))
    response = web_a.get(URL)
    flag = response.context["rows"][0].flags[0]
    assert (flag.code, flag.severe) == ("booking-none", True)
    assert b'class="flag bad" data-flag="booking-none"' in response.content


def test_an_acknowledged_flag_is_shown_as_acknowledged(web_a, actor_a):
    record = make_pregnancy(actor_a, edd=edd_at(30))
    flag = web_a.get(URL).context["rows"][0].flags[0]
    services_alerts.alert_acknowledge(
        record_id=record.pk,
        alert_code=flag.code,
        subject=flag.subject,
        action_taken="Phoned her: she books online tonight.",
        actor=actor_a,
    )
    response = web_a.get(URL)
    assert response.context["rows"][0].flag_states == [(flag, True)]
    assert b'class="flag acknowledged" data-flag="booking-none"' in response.content


def test_flags_of_a_pregnancy_that_needs_attention(web_a, actor_a):
    make_flagged_pregnancy(actor_a)
    response = web_a.get(URL)
    codes = [flag.code for flag in response.context["rows"][0].flags]
    assert sorted(codes) == ["bp-high", "protein", "rhd", "sfh-low"]  # a visit is booked: no booking flag
    assert b'data-flag="bp-high"' in response.content
    assert b"High blood pressure at the last appointment: 150/95 mmHg." in response.content


def test_flags_come_from_the_last_appointment_and_the_last_sfh(web_a, actor_a):
    record = make_pregnancy(actor_a, edd=edd_at(33))
    add_sfh(actor_a, record, on=days_from_today(-14), cm=24, week=31)
    add_sfh(actor_a, record, on=days_from_today(-1), cm=32, week=32)
    add_appointment(actor_a, record, on=days_from_today(-14), blood_pressure="160/110", protein="3+")
    add_appointment(actor_a, record, on=days_from_today(-1), blood_pressure="118/72", protein="Neg")
    add_appointment(actor_a, record, on=days_from_today(6), blood_pressure="170/115")  # not happened yet
    book(actor_a, record, days=6)
    assert web_a.get(URL).context["rows"][0].flags == []


def test_rhd_negative_with_prophylaxis_and_overdue_flags(web_a, actor_a):
    given = make_pregnancy(actor_a, name="Given", edd=edd_at(30))
    make_rhd_negative(actor_a, given, prophylaxis=True)
    book(actor_a, given, days=7)
    late = make_pregnancy(actor_a, name="Overdue", edd=days_from_today(-5))
    book(actor_a, late, days=1)
    rows = {row.name: row for row in web_a.get(URL).context["rows"]}
    assert rows["Given"].flags == []
    assert [flag.label for flag in rows["Overdue"].flags] == ["Overdue 40+5"]


# --- search, sort, pages ----------------------------------------------------------------------------------


@pytest.fixture
def three(actor_a):
    """Three pregnancies: names, EDDs and next appointments in different orders."""
    made = {
        "Berit Aas": make_pregnancy(actor_a, name="Berit Aas", edd=edd_at(20)),
        "anne Dahl": make_pregnancy(actor_a, name="anne Dahl", edd=edd_at(36)),
        "Cecilie Berg": make_pregnancy(actor_a, name="Cecilie Berg", edd=edd_at(28)),
    }
    book(actor_a, made["Berit Aas"], days=3)
    book(actor_a, made["Cecilie Berg"], days=10)
    return made


def test_default_order_is_due_soonest_first(web_a, three):
    assert names(web_a.get(URL)) == ["anne Dahl", "Cecilie Berg", "Berit Aas"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["anne Dahl", "Berit Aas", "Cecilie Berg"]),
        ("-name", ["Cecilie Berg", "Berit Aas", "anne Dahl"]),
        ("gestation", ["Berit Aas", "Cecilie Berg", "anne Dahl"]),
        ("-gestation", ["anne Dahl", "Cecilie Berg", "Berit Aas"]),
        ("edd", ["anne Dahl", "Cecilie Berg", "Berit Aas"]),
        ("-edd", ["Berit Aas", "Cecilie Berg", "anne Dahl"]),
        ("next", ["Berit Aas", "Cecilie Berg", "anne Dahl"]),  # none booked: last
        ("-next", ["Cecilie Berg", "Berit Aas", "anne Dahl"]),  # none booked: still last
        ("nonsense", ["anne Dahl", "Cecilie Berg", "Berit Aas"]),
    ],
)
def test_sort(web_a, three, sort, expected):
    assert names(web_a.get(URL, {"sort": sort})) == expected


def test_sort_headers_say_which_is_sorted_and_link_to_the_other_direction(web_a, three):
    content = web_a.get(URL, {"sort": "name"}).content.decode()
    assert '<th scope="col" aria-sort="ascending"><a class="sort" href="?sort=-name">Name</a></th>' in content
    assert 'href="?sort=edd">Agreed EDD' in content


def test_search_by_any_part_of_the_name_in_any_case(web_a, three):
    assert names(web_a.get(URL, {"q": "BERG"})) == ["Cecilie Berg"]
    assert names(web_a.get(URL, {"q": " aas "})) == ["Berit Aas"]


def test_search_matches_every_word_in_any_order(web_a, three):
    assert names(web_a.get(URL, {"q": "berg cecilie"})) == ["Cecilie Berg"]
    assert names(web_a.get(URL, {"q": "Cec  BER"})) == ["Cecilie Berg"]
    assert names(web_a.get(URL, {"q": "berg anne"})) == []  # each word, not any word


def test_search_by_national_id(web_a, three):
    nin = three["Berit Aas"].person.identifier_value
    assert names(web_a.get(URL, {"q": nin})) == ["Berit Aas"]
    assert names(web_a.get(URL, {"q": f"{nin[:6]} {nin[6:]}"})) == ["Berit Aas"]


def test_search_that_finds_nothing_says_so_and_shows_no_one_else(web_a, three, actor_b):
    make_pregnancy(actor_b, name="Elsewhere Eng")
    response = web_a.get(URL, {"q": "Eng"})
    assert names(response) == []
    assert "No pregnancy in your caseload matches “Eng”".encode() in response.content


def test_pages_of_25(web_a, actor_a):
    for number in range(PAGE_SIZE + 3):
        make_pregnancy(actor_a, name=f"Mother {number:02d}", edd=edd_at(20, number % 7))
    first = web_a.get(URL, {"sort": "name"})
    second = web_a.get(URL, {"sort": "name", "page": 2})
    assert len(first.context["rows"]) == PAGE_SIZE
    assert names(second) == ["Mother 25", "Mother 26", "Mother 27"]
    assert set(names(first)).isdisjoint(names(second))
    assert b'href="?sort=name&amp;page=2" rel="next"' in first.content
    assert b"Page 1 of 2" in first.content
    assert names(web_a.get(URL, {"sort": "name", "page": 99})) == names(second)
    assert names(web_a.get(URL, {"sort": "name", "page": "x"})) == names(first)


# --- audit and cost ---------------------------------------------------------------------------------------


def test_each_view_writes_one_list_entry(web_a, actor_a, location_a):
    make_pregnancy(actor_a, name="Astrid Berg")
    web_a.get(URL, {"q": "Astrid"})
    entry = AccessLog.objects.get()
    assert entry.action == AccessAction.LIST
    assert entry.outcome == AccessOutcome.ALLOWED
    assert entry.care_location == location_a
    assert entry.username == "kari"
    assert "1 of 1 active pregnancies" in entry.detail
    assert "Search: 'Astrid'" in entry.detail


def test_refused_views_are_audited_too(not_a_practitioner):
    signed_in(not_a_practitioner).get(URL)
    entry = AccessLog.objects.get()
    assert (entry.action, entry.outcome, entry.status_code) == (AccessAction.LIST, AccessOutcome.DENIED, 403)


def make_caseload(actor, count: int) -> None:
    for number in range(count):
        make_flagged_pregnancy(actor, name=f"Mother {number:02d}")


def queries_for_caseload(client, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(captured)


# session, user, practitioner, location; total, page ids, page, 4 prefetches (last appointment, last SFH
# measurements, open bookings, acknowledgements); audit entry
MAX_QUERIES = 14


@pytest.mark.parametrize("params", [{}, {"sort": "next"}, {"sort": "-name", "q": "Mother"}])
def test_the_page_costs_the_same_queries_for_3_and_40_pregnancies(
    web_a, actor_a, django_assert_max_num_queries, params
):
    make_caseload(actor_a, 3)
    few = queries_for_caseload(web_a, **params)
    make_caseload(actor_a, 37)
    with django_assert_max_num_queries(MAX_QUERIES):
        many = queries_for_caseload(web_a, **params)
    assert few == many
