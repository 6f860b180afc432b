"""The rules' refusals follow the reader: a midwife whose browser asks for Bokmål reads them in Bokmål on the
page, a client system gets the same refusal in English whatever its Accept-Language says, and the audit
trail keeps it in English. The words: maternity/rules/wording.py and locale/nb/LC_MESSAGES/django.po."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from maternity.audit.note import AuditNote
from maternity.errors import Invalid
from maternity.http.server_errors import failure_response
from maternity.models import AccessLog, Pregnancy
from maternity.rules.identifiers import InvalidIdentifier, parse_national_id
from maternity.services.end_dates import pregnancy_end_check

from .web.conftest import midwife

pytestmark = pytest.mark.django_db

NB = {"Accept-Language": "nb"}
LOCAL = "%Y-%m-%dT%H:%M"


@pytest.fixture(autouse=True)
def _language_restored():
    """A page in Bokmål leaves Bokmål active in this thread (the middleware activates a language per request
    and never deactivates it): the tests after these still run in the language they started in."""
    language = translation.get_language()
    yield
    translation.activate(language)


@pytest.fixture
def kari(location_a):
    return midwife("kari", location_a)[0]


def next_year() -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=365), time(10)))


def test_a_termination_date_in_the_future_is_refused_in_bokmal_on_the_page_and_audited_in_english(
    kari, record
):
    when = next_year()
    response = kari.post(
        f"/records/{record.pk}/status/",
        {"status": "TERMINATED", "version": record.version, "termination_date": when.strftime(LOCAL)},
        headers=NB,
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert f"Avslutningsdatoen ({when.date()}) er fram i tid: i dag er {timezone.localdate()}" in page
    assert "is in the future" not in page
    assert Pregnancy.objects.get(pk=record.pk).status == "ACTIVE"
    entry = AccessLog.objects.filter(record_id=record.pk).latest("at")
    assert entry.status_code == 400 and "fram i tid" not in entry.detail


def test_the_same_refusal_over_the_api_is_in_english_whatever_the_caller_asks_for(api):
    record_id = api.post("record").json()["metadata"]["recordId"]
    when = next_year()
    status = {"status": "TERMINATED", "terminationDate": when.astimezone(UTC).isoformat()}

    response = api.post(f"record/{record_id}/updateStatus", {"version": 1, "recordStatus": status}, **NB)

    assert response.status_code == 400
    assert response.json()["errorMessage"] == (
        f"The termination date ({when.date()}) is in the future: today is {timezone.localdate()} "
        "(Europe/Oslo)."
    )
    entry = AccessLog.objects.filter(record_id=record_id).latest("at")
    assert "The termination date" in entry.detail and "fram i tid" not in entry.detail


def test_a_refusal_is_worded_when_it_is_read_and_the_audit_note_keeps_it_in_english(record):
    with pytest.raises(Invalid) as refused:
        pregnancy_end_check(record=record, at=next_year(), field="birthTime", what=_("The birth time"))
    with translation.override("nb"):
        note = AuditNote()
        note.detail = refused.value.message
        shown = str(refused.value.message)
    assert shown.startswith("Fødselstidspunktet (") and "er fram i tid" in shown
    assert "is in the future" in note.detail and isinstance(note.detail, str)


def test_a_national_id_with_wrong_check_digits_is_refused_in_bokmal():
    with pytest.raises(InvalidIdentifier) as refused:
        parse_national_id("12345678901")
    with translation.override("nb"):
        assert str(refused.value) == "Kontrollsifrene i fødselsnummer 12345678901 stemmer ikke"
    assert str(refused.value) == "Norwegian national identity number 12345678901 fails its check digits"


def test_a_control_character_in_a_form_is_refused_in_bokmal_on_the_page(kari, record):
    response = kari.post(
        f"/records/{record.pk}/sections/antenatalAppointments/new/",
        {"version": "", "appointment_date": "2026-12-04", "note": "Sett\x1b[2J"},
        headers=NB,
    )

    assert response.status_code == 400
    assert response["Content-Language"] == "nb"
    page = response.content.decode()
    assert "Forespørselen har et kontrolltegn, U+001B (ESC), i feltet &#x27;note&#x27;." in page
    assert "fjern det og send forespørselen på nytt" in page


def test_a_control_character_sent_to_the_api_is_refused_in_english_whatever_the_caller_asks_for(api):
    response = api.get("record?cursor=\x00", **NB)

    assert response.status_code == 400
    assert response.json()["errorMessage"].startswith("The request has a control character, U+0000 (NUL)")


def test_a_page_that_fails_says_so_in_bokmal():
    request = RequestFactory().get("/caseload/")
    with translation.override("nb"):
        response = failure_response(request, unavailable=True)

    assert response.status_code == 503 and response["Retry-After"]
    page = response.content.decode()
    assert '<html lang="nb">' in page
    assert "<h1>Serverfeil (503)</h1>" in page and "Databasen er midlertidig utilgjengelig" in page


def test_a_form_too_large_to_receive_is_refused_in_bokmal(kari, record, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024
    response = kari.post(
        f"/records/{record.pk}/status/", {"status": "TERMINATED", "note": "x" * 20_000}, headers=NB
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "<h1>Ugyldig forespørsel (400)</h1>" in page
    assert "Det som ble sendt, er for stort til å tas imot (høyst 10 kB)" in page
