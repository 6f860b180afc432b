"""Her postnatal visits in the portal, in plain and calm words: what was checked for her and for each
baby, that a mood check was done (never her answers, score or flags), and her labour."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from maternity import services

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def after_twins(record, midwife_actor):
    born = timezone.now() - timedelta(days=3)
    delivered = services.record_deliver(
        record_id=record.pk,
        actor=midwife_actor,
        version=record.version,
        labour={"onset": "SPONTANEOUS", "analgesia": ["NITROUS_OXIDE"], "blood_loss_ml": 450},
        babies=[
            {"birth_time": born, "live_birth": True, "birth_weight": 3200, "feeding": "BREAST"},
            {"birth_time": born + timedelta(minutes=15), "live_birth": True, "birth_weight": 2900},
        ],
    )
    today = timezone.localdate()
    add = lambda resource_type, data: services.resource_create(  # noqa: E731
        record_id=record.pk, resource_type=resource_type, data=data, actor=midwife_actor
    )
    add(
        "postnatalMotherVisits",
        {"visit_date": today, "blood_pressure": "118/76", "epds_answers": [3] * 9 + [2], "discharged": True},
    )
    add("postnatalBabyVisits", {"visit_date": today, "birth_id": delivered.births[1].pk, "weight": 2550})
    return record


def test_she_reads_her_visits_and_her_babies_checks_in_plain_words(portal, after_twins):
    page = text_of(portal.get(f"/portal/pregnancies/{after_twins.pk}/"))
    assert "Your visits after the birth" in page and "118/76 mmHg" in page
    assert "Your midwife asked you some questions about your mood and talked them through with you." in page
    assert "You were discharged from postnatal care at this visit." in page
    assert "checks after the birth" in page and "Baby 2" in page and "2550 g (born 2900 g)" in page
    assert "Your labour" in page and "Nitrous oxide (gas and air)" in page


def test_she_never_sees_her_mood_answers_score_or_flags(portal, after_twins):
    page = text_of(portal.get(f"/portal/pregnancies/{after_twins.pk}/"))
    for hidden in ("EPDS", "29 of 30", "Score", "self-harm", "harming", "depression", "lost", "%"):
        assert hidden not in page, hidden
