"""The portal's plain words in Bokmål: her access log, her results explained, how far along she is and her
visits read as a Norwegian midwife would write them to her ("du", whole sentences, Norwegian dates and
decimal commas), while the access-log entry kept with her question stays English, as it is stored."""

import re
from datetime import date, datetime

import pytest
from django.utils import formats, timezone, translation

from maternity import services
from maternity.actors import Actor
from maternity.models import ClinicalTests, UserType, VisitKind
from maternity.rules import flags
from portal import booking_words, result_words
from portal import plain_language as words
from portal.models import AccessQuestion

from .test_access_log import booked_long_ago, entries, log_at, log_url
from .test_explained_results import WALK_THROUGH, add_visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def ingrid(location_b) -> Actor:
    """A midwife signed in to the maternity app at location B (as in test_access_log.py)."""
    user = services.practitioner_create(
        username="ingrid", display_name="Ingrid Haugen", care_locations=[location_b], role_code="JO"
    )
    return Actor(
        user_type=UserType.HEALTH_CARE_PROFESSIONAL,
        user=user,
        care_location=location_b,
        name="Ingrid Haugen",
        hpr_role="JO",
        source_system="maternity web",
    )


def text_of(response) -> str:
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def test_her_access_log_says_who_opened_her_record_in_bokmal_with_a_norwegian_date(portal, record, ingrid):
    booked_long_ago(record)
    for hour in (9, 10, 11):
        log_at(record, ingrid, timezone.make_aware(datetime(2026, 12, 4, hour, 0)))
    (line,) = entries(portal.get(log_url(record), HTTP_ACCEPT_LANGUAGE="nb"))
    assert "Ingrid Haugen, jordmor, ved Munkholmen jordmortjeneste, åpnet journalen din 3 ganger" in line
    assert "åpnet journalen din 3 ganger den 4. des. 2026" in line
    assert "(i svangerskapsjournalen)" in line
    assert "Åpnet journalen din" in line


def test_her_results_and_her_record_are_explained_in_plain_bokmal(portal, record, midwife_actor):
    add_visit(record, midwife_actor, WALK_THROUGH)
    text = text_of(portal.get(f"/portal/pregnancies/{record.pk}/", HTTP_ACCEPT_LANGUAGE="nb"))
    assert "Blodtrykket ditt var høyere enn vanlig" in text
    assert "Blodtrykket ditt var 158/108. I svangerskapet er 140/90 eller mer høyere enn vanlig." in text
    assert "Urinprøven viste protein: en del (2+)." in text
    assert "Pulsen til barnet ditt var 190 slag i minuttet." in text
    assert "Ring jordmoren din eller fødeavdelingen med en gang, uansett tid på døgnet" in text
    with translation.override("nb"):
        today = formats.date_format(timezone.localdate(), "DATE_FORMAT")  # e.g. "4. des. 2026"
    assert f"Kari Jordmor, jordmor ved St Olavs hospital, fødeavdelingen, {today} kl. " in text  # the note's
    assert "Blodprøver og andre prøver" in text  # a section of her record, and what it is
    assert "Svar på blodprøvene og testene for infeksjoner som du får tilbud om i svangerskapet." in text
    assert "Ingenting er registrert ennå." in text


def test_how_far_along_she_is_and_when_things_happened_read_in_bokmal():
    with translation.override("nb"):
        assert words.gestation_words(228) == "32 uker og 4 dager"
        assert words.gestation_words(8) == "1 uke og 1 dag"
        assert (
            words.time_to_go(date(2026, 12, 20), date(2026, 12, 4)) == "2 uker og 2 dager igjen til termin."
        )
        assert words.time_to_go(date(2026, 12, 5), date(2026, 12, 4)) == "1 dag igjen til termin."
        assert words.time_to_go(date(2026, 12, 1), date(2026, 12, 4)) == "3 dager over termin."
        assert words.when(timezone.make_aware(datetime(2026, 12, 4, 14, 30))) == "4. des. 2026 kl. 14:30"
        assert words.baby_words({"fetalHeartRate": 140, "fetalPresentationLie": "1"}) == (
            "Hjerteslag 140 i minuttet, ligger med hodet ned"
        )
        assert booking_words.kind_words(VisitKind.BOOKING) == "Første time hos jordmor (første konsultasjon)"
        (low,) = result_words.growth_results([flags.SfhReading(19, date(2026, 12, 4), 28)], agreed_edd=None)
    assert low.meaning.startswith("Den siste målingen din, 19 cm den 4. des. 2026, var under den nederste")
    with translation.override("en"):
        assert words.when(timezone.make_aware(datetime(2026, 12, 4, 14, 30))) == "4 Dec 2026 at 14:30"


def test_a_haemoglobin_reading_has_a_decimal_comma_in_bokmal_and_a_point_in_english():
    tests = ClinicalTests(hemoglobin=9.5)
    with translation.override("nb"):
        (hb,) = result_words.blood_test_results(tests)
    assert hb.title == "Blodprosenten din (hemoglobin) var lavere enn vanlig"
    assert hb.meaning.startswith("Blodprosenten din var 9,5 g/dL.")
    with translation.override("en"):
        (hb,) = result_words.blood_test_results(tests)
    assert hb.meaning.startswith("Your haemoglobin was 9.5 g/dL.")


def test_the_entry_kept_with_her_question_stays_english_when_she_asks_in_bokmal(portal, record, ingrid):
    booked_long_ago(record)
    entry = log_at(record, ingrid, timezone.make_aware(datetime(2026, 12, 4, 9, 0)))
    response = portal.post(
        f"/portal/pregnancies/{record.pk}/access-log/ask/?entry={entry.pk}",
        {"question": "Hvem er dette?"},
        HTTP_ACCEPT_LANGUAGE="nb",
    )
    assert response.status_code == 302
    assert AccessQuestion.objects.get().entry_text == (
        "4 Dec 2026 at 09:00: Ingrid Haugen, midwife, in the maternity record app, "
        "Munkholmen jordmortjeneste. Opened your record."
    )
