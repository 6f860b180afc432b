"""Postnatal visits in the midwives' app: the mother's with the EPDS scored and flagged, a baby's with its
loss from the birth weight, both on the record page with their flags; refused before the delivery and for
a location that is not a stakeholder; and the record page costs the same queries however many visits."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from maternity import services
from maternity.models import AccessLog, PostnatalBabyVisit, PostnatalMotherVisit

from .conftest import midwife

pytestmark = pytest.mark.django_db


@pytest.fixture
def kari(location_a):
    return midwife("kari", location_a)


@pytest.fixture
def twins_born(record, kari):
    born = timezone.now() - timedelta(days=2)
    services.record_deliver(
        record_id=record.pk,
        actor=kari[1],
        version=record.version,
        babies=[
            {"birth_time": born, "live_birth": True, "birth_weight": 3500},
            {"birth_time": born + timedelta(minutes=20), "live_birth": True, "birth_weight": 2800},
        ],
    )
    record.refresh_from_db()
    return record


def epds(*answers) -> dict:
    return {f"epds_{n}": str(a) for n, a in enumerate(answers, start=1)}


def mother_post(**changes) -> dict:
    return {
        "visit_date": timezone.localdate().isoformat(),
        "blood_pressure": "124/80",
        "bleeding": "AS_EXPECTED",
        "wound": "HEALING",
        **changes,
    }


def test_a_mothers_visit_with_a_high_epds_is_scored_and_flagged_on_the_record(kari, twins_born):
    client, _ = kari
    page = client.get(f"/records/{twins_born.pk}/postnatal/mother/new/").content.decode()
    assert "The thought of harming myself has occurred to me" in page and "Hardly ever" in page
    response = client.post(
        f"/records/{twins_born.pk}/postnatal/mother/new/",
        {**mother_post(), **epds(2, 2, 2, 2, 1, 1, 1, 1, 1, 0)},
    )
    assert response.status_code == 302
    visit = PostnatalMotherVisit.objects.get(record=twins_born)
    assert visit.epds_answers == [2, 2, 2, 2, 1, 1, 1, 1, 1, 0]
    record_page = client.get(response["Location"]).content.decode()
    assert "EPDS score 13 of 30: EPDS total 13 of 30: 13 or more suggests depression" in record_page
    assert "13 of 30" in record_page and "EPDS 13" in record_page  # the cell and its flag


def test_any_answer_to_question_10_is_flagged_for_review_today(kari, twins_born):
    client, _ = kari
    client.post(
        f"/records/{twins_born.pk}/postnatal/mother/new/",
        {**mother_post(), **epds(0, 0, 0, 0, 0, 0, 0, 0, 0, 1)},
    )
    body = client.get(f"/records/{twins_born.pk}/").content.decode()
    assert "EPDS 1: self-harm" in body and "review her today" in body


def test_the_epds_is_all_ten_answers_or_none(kari, twins_born):
    client, _ = kari
    response = client.post(
        f"/records/{twins_born.pk}/postnatal/mother/new/", {**mother_post(), **epds(1, 1, 1)}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Answer all ten EPDS questions" in html and "questions 4, 5, 6, 7, 8, 9, 10 have no answer" in html
    assert 'value="124/80"' in html  # what she typed stays
    assert not PostnatalMotherVisit.objects.exists()
    entry = AccessLog.objects.filter(record=twins_born).latest("id")
    assert (entry.outcome, entry.status_code) == ("REJECTED", 400)
    none_asked = client.post(f"/records/{twins_born.pk}/postnatal/mother/new/", mother_post())
    assert none_asked.status_code == 302
    assert PostnatalMotherVisit.objects.get().epds_answers == []


def test_a_babys_visit_shows_the_loss_from_its_own_birth_weight(kari, twins_born):
    client, _ = kari
    page = client.get(f"/records/{twins_born.pk}/postnatal/baby/new/").content.decode()
    assert "Baby 1 (born" in page and "3500 g" in page and "Baby 2 (born" in page
    second = twins_born.births.order_by("birth_time")[1]
    response = client.post(
        f"/records/{twins_born.pk}/postnatal/baby/new/",
        {
            "birth_id": str(second.pk),
            "visit_date": timezone.localdate().isoformat(),
            "weight": "2500",
            "feeding": "BREAST",
        },
    )
    assert response.status_code == 302
    record_page = client.get(response["Location"]).content.decode()
    assert "10.7% below the birth weight" in record_page  # 2800 g -> 2500 g
    assert "Over 10% lost" in record_page and "Baby 2" in record_page
    assert PostnatalBabyVisit.objects.get().birth_id == second.pk


def test_a_baby_must_be_one_of_the_records_births(kari, twins_born):
    client, _ = kari
    response = client.post(
        f"/records/{twins_born.pk}/postnatal/baby/new/",
        {"birth_id": "00000000-0000-0000-0000-000000000000", "visit_date": timezone.localdate().isoformat()},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not PostnatalBabyVisit.objects.exists()


def test_a_visit_is_edited_against_its_version(kari, twins_born):
    client, actor = kari
    visit = services.resource_create(
        record_id=twins_born.pk,
        resource_type="postnatalMotherVisits",
        data={"visit_date": timezone.localdate(), "epds_answers": [0] * 10},
        actor=actor,
    )
    url = f"/records/{twins_born.pk}/postnatal/mother/{visit.pk}/"
    assert (
        client.get(f"/records/{twins_born.pk}/sections/postnatalMotherVisits/{visit.pk}/")["Location"] == url
    )
    stale = client.post(url, {**mother_post(), **epds(*[0] * 10), "version": "2"})
    assert stale.status_code == 409
    saved = client.post(url, {**mother_post(discharged="True"), **epds(*[0] * 10), "version": "1"})
    assert saved.status_code == 302
    visit.refresh_from_db()
    assert (visit.version, visit.discharged) == (2, True)


def test_before_the_delivery_a_visit_is_refused_with_the_way_forward(kari, record):
    response = kari[0].get(f"/records/{record.pk}/postnatal/mother/new/")
    assert response.status_code == 409
    assert "Postnatal visits are recorded after the delivery" in response.content.decode()
    assert kari[0].post(f"/records/{record.pk}/postnatal/baby/new/", {}).status_code == 409


def test_a_midwife_whose_location_is_no_stakeholder_gets_not_found(location_c, twins_born):
    client, _ = midwife("siri", location_c, "Siri Dahl")
    assert client.get(f"/records/{twins_born.pk}/postnatal/mother/new/").status_code == 404
    assert client.post(f"/records/{twins_born.pk}/postnatal/baby/new/", {}).status_code == 404


def test_the_record_page_costs_the_same_queries_however_many_visits(kari, twins_born):
    client, actor = kari
    births = list(twins_born.births.all())

    def add_visits():
        for birth in births:
            services.resource_create(
                record_id=twins_born.pk,
                resource_type="postnatalBabyVisits",
                data={"visit_date": timezone.localdate(), "birth_id": birth.pk, "weight": 3000},
                actor=actor,
            )
        services.resource_create(
            record_id=twins_born.pk,
            resource_type="postnatalMotherVisits",
            data={"visit_date": timezone.localdate(), "epds_answers": [1] * 10},
            actor=actor,
        )

    add_visits()
    with CaptureQueriesContext(connection) as few:
        client.get(f"/records/{twins_born.pk}/")
    for _ in range(4):
        add_visits()
    with CaptureQueriesContext(connection) as many:
        client.get(f"/records/{twins_born.pk}/")
    assert len(many) == len(few)
