"""She reads a break glass's coded reason, in her words, wherever the portal tells her of it (her access
log, who can open her record, the break-glass note in her record), and never the text the professional
wrote beside it (Normen, as Helsenorge: it may say anything; she can ask about the entry). The
professionals' pages keep the whole text."""

import re

import pytest

from maternity import services
from maternity.models import Note, NoteKind
from maternity.rules.identifiers import parse_national_id
from maternity.rules.pregnancy_keys import PregnancyKeys
from maternity.services.finding import break_glass_grant_code, break_glass_note_parts
from maternity.tests.test_access_review_service import DOB, EDD, ingrid, pregnancy  # noqa: F401  (fixtures)
from maternity.tests.web.conftest import practitioner, signed_in

from .conftest import link_patient

pytestmark = pytest.mark.django_db

FREE_TEXT = "Her sister works here and asked me to check on her"


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def broken(pregnancy, ingrid):  # noqa: F811
    keys = PregnancyKeys(parse_national_id(pregnancy.person.identifier_value), DOB, EDD)
    services.record_find_by_keys(keys=keys, reason_code="PATIENT_REQUEST", reason=FREE_TEXT, actor=ingrid)
    return pregnancy


@pytest.fixture
def her(broken):
    from django.test import Client

    client = Client()
    client.force_login(link_patient(broken.person))
    return client


def test_her_record_shows_the_break_glass_note_with_the_code_in_her_words_not_the_text(broken, her):
    page = text_of(her.get(f"/portal/pregnancies/{broken.pk}/"))
    assert "Ingrid Haugen at Munkholmen jordmortjeneste found this record by its keys (break glass)." in page
    assert "You asked them to, or agreed to it" in page
    assert FREE_TEXT not in page and "Reason: " not in page


def test_her_access_log_shows_the_code_in_her_words_not_the_text(broken, her):
    page = text_of(her.get(f"/portal/pregnancies/{broken.pk}/access-log/"))
    grants = page.split("Who can open your record</h2>")[1]
    assert "Reason they chose: You asked them to, or agreed to it" in grants
    assert FREE_TEXT not in page


def test_in_bokmal_too(broken, her):
    her.cookies["django_language"] = "nb"
    page = text_of(her.get(f"/portal/pregnancies/{broken.pk}/", HTTP_ACCEPT_LANGUAGE="nb"))
    assert FREE_TEXT not in page
    assert "You asked them to, or agreed to it" not in page  # worded in Bokmål
    assert "Grunnen de valgte" in page


def test_the_professionals_record_page_keeps_the_whole_text(broken, location_a):
    kari = practitioner("kari_a", location_a)
    page = text_of(signed_in(kari).get(f"/records/{broken.pk}/"))
    assert FREE_TEXT in page


def test_a_note_or_grant_without_a_known_code_gives_no_code_and_none_of_its_text():
    found = "Someone found this record by its keys (break glass)."
    assert break_glass_note_parts(f"{found} Reason: whatever") == (found, "")
    what, code = break_glass_note_parts("A Reason: B found it. Reason: Emergency care or acute admission: x")
    assert (what, code) == ("A", "")  # a name holding the separator: less is shown, never the reason's text
    assert break_glass_grant_code("Emergency at night") == ""
    assert break_glass_grant_code("In labour or giving birth at this location (LABOUR): x") == "LABOUR"


def test_every_break_glass_note_is_written_so_its_code_can_be_read(broken):
    note = Note.objects.get(record=broken, kind=NoteKind.BREAK_GLASS)
    assert FREE_TEXT in note.text  # stored whole, for the professionals
    assert break_glass_note_parts(note.text)[1] == "PATIENT_REQUEST"
