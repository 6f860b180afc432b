"""GET /spine/v1/records: the records a Care Location may see, one query a page whatever the grants."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import fetch_token, new_nin
from maternity import services
from maternity.models import AccessLog
from maternity.reads.selectors import visible_records_page
from maternity.rules.identifiers import parse_national_id

pytestmark = pytest.mark.django_db


def make_records(actor, count: int) -> list:
    return [
        services.record_create(national_id=parse_national_id(new_nin()), actor=actor) for _ in range(count)
    ]


def grant_elsewhere(records, location) -> None:
    for record in records:
        services.stakeholder_grant(record=record, care_location=location, reason="API_ACCESS")


@pytest.fixture
def list_records(client_a):
    token = fetch_token(client_a.client_id, client_a.client_secret)

    def get(query: str = ""):
        return Client().get(f"/spine/v1/records{query}", headers={"Authorization": f"Bearer {token}"})

    return get


def test_a_location_lists_the_records_it_is_a_stakeholder_of_and_no_others(
    list_records, midwife_actor, location_b
):
    mine = make_records(midwife_actor, 3)
    other_actor = midwife_actor.__class__(
        user_type=midwife_actor.user_type, care_location=location_b, name="B"
    )
    make_records(other_actor, 2)
    response = list_records()
    assert response.status_code == 200
    body = response.json()
    assert [r["recordId"] for r in body["records"]] == [str(r.pk) for r in mine]
    assert body["next"] is None
    assert body["records"][0]["activeCareLocation"]["orgNr"] == "974749025"
    assert AccessLog.objects.filter(action="LIST", outcome="ALLOWED").count() == 1


def test_pages_follow_the_cursor_without_gaps_or_repeats(list_records, midwife_actor):
    records = make_records(midwife_actor, 7)
    seen, query = [], "?limit=3"
    while True:
        body = list_records(query).json()
        seen += [r["recordId"] for r in body["records"]]
        if body["next"] is None:
            break
        query = f"?limit=3&after={body['next']}"
    assert seen == [str(r.pk) for r in records]


@pytest.mark.parametrize(
    "query", ["?limit=0", "?limit=1000", "?limit=x", "?after=not-a-cursor", "?status=ALIVE"]
)
def test_bad_paging_parameters_are_a_clear_400(list_records, query):
    response = list_records(query)
    assert response.status_code == 400
    assert response.json()["errorCode"] == "DHG-0012"


def test_the_list_is_one_query_however_many_stakeholder_grants_exist(midwife_actor, location_b):
    few = make_records(midwife_actor, 3)
    grant_elsewhere(few, location_b)
    with CaptureQueriesContext(connection) as small:
        page, _ = visible_records_page(actor=midwife_actor, limit=50)
    assert len(page) == 3

    many = make_records(midwife_actor, 60)
    grant_elsewhere(many, location_b)
    with CaptureQueriesContext(connection) as large:
        page, more = visible_records_page(actor=midwife_actor, limit=50)
    assert len(page) == 50 and more
    assert len(small) == len(large) == 1


def test_the_endpoint_costs_the_same_queries_for_3_and_60_records(list_records, midwife_actor):
    make_records(midwife_actor, 3)
    with CaptureQueriesContext(connection) as small:
        assert list_records().status_code == 200
    make_records(midwife_actor, 57)
    with CaptureQueriesContext(connection) as large:
        assert len(list_records().json()["records"]) == 50
    assert len(small) == len(large)
