"""The printed hand-held notes: "Print notes" on the record gives a PDF laid out for A4, rendered for real by
WeasyPrint and read back with pypdf. Her details, the visits, the SFH values and her birth plan are in it;
every page has her name, national ID, "page x of y" and who printed it when; a long record spans pages
with the visits' header on each; an empty record prints "Not recorded". Printing is a READ of the record:
audited, 404 for anyone who may not see it, and a fixed number of queries however many visits."""

import io
import shutil
import socket
import subprocess
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from conftest import a_birth_then_active_again
from maternity import services
from maternity.actors import Actor
from maternity.http.pdf import PRINTING_PACKAGES, html_to_pdf, printing_unavailable
from maternity.models import AccessAction, AccessLog, AccessOutcome, StakeholderReason, UserType

from .conftest import midwife
from .factories import days_from_today, edd_at, make_pregnancy

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        printing_unavailable() is not None,
        reason=f"the printed notes need WeasyPrint's libraries: apt-get install {PRINTING_PACKAGES}",
    ),
]

BIRTH_PLAN_WORDS = "Gas and air first; I would like to try the birthing pool"


@pytest.fixture
def kari(location_a):
    """A midwife at the record's active Care Location: her browser and the Actor she is."""
    return midwife("kari", location_a)


@pytest.fixture
def ingrid(record, location_b):
    """A midwife at location B, a stakeholder of the record but not its active location."""
    services.stakeholder_grant(record=record, care_location=location_b, reason=StakeholderReason.API_ACCESS)
    return midwife("ingrid", location_b, "Ingrid Haugen")


@pytest.fixture
def stranger(location_c):
    return midwife("solveig", location_c, "Solveig Bakke")


def notes_url(record) -> str:
    return f"/records/{record.pk}/notes.pdf"


def write(actor: Actor, record, resource_type: str, data: dict):
    return services.resource_create(record_id=record.pk, resource_type=resource_type, data=data, actor=actor)


def add_visit(actor: Actor, record, *, on, note: str = "", heart_rate: int = 140, bp: str = "118/76"):
    return write(
        actor,
        record,
        "antenatalAppointments",
        {
            "appointment_date": on,
            "blood_pressure": bp,
            "protein_in_urine_test_result": "Neg",
            "mother_weight": 71.5,
            "fetuses_vital_signs": [
                {
                    "fosterId": 1,
                    "fetalHeartRate": heart_rate,
                    "fetalPresentationLie": "1",
                    "motherFeelsBabyMovements": True,
                }
            ],
            "note": note,
        },
    )


@pytest.fixture
def her(record) -> Actor:
    """The pregnant person in her portal."""
    user = get_user_model().objects.create_user(username="nora", first_name="Nora", last_name="Hansen")
    record.person.user = user
    record.person.save(update_fields=["user"])
    return Actor(user_type=UserType.PATIENT, user=user, name="Nora Hansen", source_system="maternity portal")


@pytest.fixture
def full_record(record, kari, her):
    """A record at 33+2 with her details, earlier pregnancies, blood group, three visits, three SFH
    measurements, a booking ahead and her birth plan."""
    _, actor = kari
    write(
        actor,
        record,
        "mother",
        {"name": "Nora Hansen", "address": "Elvegata 3", "post_number": "7013", "post_name": "Trondheim"}
        | {"language": "NO"},
    )
    write(actor, record, "currentPregnancy", {"due_date_corrected_date": edd_at(33, 2)})
    write(
        actor,
        record,
        "previousPregnancies",
        {"number_of_previous_pregnancies": 2, "number_of_previous_live_births": 1},
    )
    write(actor, record, "clinicalTests", {"abo_type": "O", "rhesus_d_type": "NEGATIVE", "hemoglobin": 12.1})
    add_visit(actor, record, on=days_from_today(-56), note="Booking visit; feeling well")
    add_visit(actor, record, on=days_from_today(-28), note="Tired, sleeping badly", heart_rate=144)
    add_visit(actor, record, on=days_from_today(-1), note="Swollen ankles in the evening", bp="142/92")
    for weeks_ago, cm in ((6, 26), (3, 29), (0, 32)):
        write(
            actor,
            record,
            "symphysisFundalHeights",
            {"measurement_date": days_from_today(-7 * weeks_ago), "measurement": cm},
        )
    write(
        actor,
        record,
        "bookings",
        {
            "starts_at": timezone.now() + timedelta(days=14),
            "kind": "ANTENATAL",
            "place": "Room 4, Trondheim health centre",
            "with_whom": "Kari Jordmor",
        },
    )
    services.birth_plan_save(
        record_id=record.pk,
        version=None,
        data={"pain_relief": BIRTH_PLAN_WORDS, "skin_to_skin": "Straight away, please"},
        actor=her,
    )
    record.refresh_from_db()
    return record


def pdf_pages(response) -> list[str]:
    """The text of each page of the PDF the response carries."""
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content.startswith(b"%PDF-")
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def flat(text: str) -> str:
    return " ".join(text.split())


# --- what the notes say ---------------------------------------------------------------------------------


def test_the_notes_hold_her_details_the_visits_the_sfh_values_and_her_birth_plan(kari, full_record):
    client, _ = kari
    text = flat(" ".join(pdf_pages(client.get(notes_url(full_record)))))
    assert "Maternity hand-held notes" in text
    assert "Nora Hansen" in text
    assert full_record.person.identifier_value in text
    assert "Elvegata 3, 7013 Trondheim" in text
    assert "Norwegian (NO)" in text
    assert f"Agreed EDD {edd_at(33, 2):%-d %b %Y}" in text
    assert "Gestation today 33+2 weeks" in text
    assert "St Olavs hospital, fødeavdelingen" in text  # her active Care Location
    assert "Previous pregnancies 2" in text and "Previous live births 1" in text
    assert "ABO blood group O" in text and "RhD type RhD negative" in text
    # the three visits, with who saw her
    for note in ("Booking visit; feeling well", "Tired, sleeping badly", "Swollen ankles in the evening"):
        assert note in text
    assert "142/92 (high)" in text and "144" in text and "Cephalic" in text and "Felt" in text
    assert "33+1" in text  # gestation at yesterday's visit, from the agreed EDD
    assert "Kari Jordmor" in text
    # the booking ahead
    assert "Room 4, Trondheim health centre" in text and "Antenatal check" in text
    # the SFH chart and its measurements, with their centiles
    assert "Symphysis-fundal height" in text
    for cm in ("26", "29", "32"):
        assert f" {cm} " in text
    assert "centile" in text
    # her birth plan, in her words
    assert BIRTH_PLAN_WORDS in text
    assert "Straight away, please" in text


def test_every_page_has_her_name_id_page_x_of_y_and_who_printed_it_when(kari, full_record):
    client, _ = kari
    before = timezone.localtime()
    pages = pdf_pages(client.get(notes_url(full_record)))
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        text = flat(page)
        assert "Nora Hansen" in text
        assert full_record.person.identifier_value in text
        assert f"Page {number} of {len(pages)}" in text
        assert "by Kari Jordmor, St Olavs hospital, fødeavdelingen" in text
        assert f"Printed {before:%-d %b %Y}" in text


def test_the_pdf_is_inline_never_cached_and_its_filename_names_no_national_id(kari, full_record):
    client, _ = kari
    response = client.get(notes_url(full_record))
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('inline; filename="maternity-notes-')
    assert disposition.endswith('.pdf"')
    assert full_record.person.identifier_value not in disposition
    assert "Nora" not in disposition


def test_a_long_record_spans_pages_with_the_visits_header_on_each(kari, record):
    client, actor = kari
    write(actor, record, "mother", {"name": "Long Record"})
    first = days_from_today(-60 * 3)
    for i in range(60):
        add_visit(actor, record, on=first + timedelta(days=3 * i), note=f"Visit number {i + 1:02d}")
    pages = [flat(page) for page in pdf_pages(client.get(notes_url(record)))]
    with_visits = [page for page in pages if "Visit number" in page]
    assert len(with_visits) >= 2, "60 visits fit on one page"
    header = (
        "Date Gestation BP (mmHg) Urine protein Fetal heart (bpm) Presentation Movements Weight (kg) Note Who"
    )
    for page in with_visits:
        assert header in page
    text = " ".join(pages)
    assert all(f"Visit number {i:02d}" in text for i in range(1, 61))
    assert f"of {len(pages)}" in pages[-1]


def test_a_record_with_nothing_recorded_prints_not_recorded(kari, record):
    client, _ = kari
    text = flat(" ".join(pdf_pages(client.get(notes_url(record)))))
    assert "Name not recorded" in text
    assert "Agreed EDD Not recorded" in text
    assert "Address Not recorded" in text
    assert "Previous pregnancies Not recorded" in text
    assert "ABO blood group Not recorded" in text
    assert "Not recorded: no antenatal visit yet." in text
    assert "Not recorded: no measurement yet." in text
    assert "None booked." in text
    assert "Not recorded: she can write her birth plan in her portal." in text
    assert "Page 1 of" in text


def test_after_the_birth_the_notes_hold_labour_births_and_postnatal_visits(kari, record):
    client, actor = kari
    born = timezone.now() - timedelta(days=3)
    a_birth_then_active_again(record, actor, born, postnatal=True)
    text = flat(" ".join(pdf_pages(client.get(notes_url(record)))))
    assert "Labour and birth" in text and "Spontaneous" in text
    assert "Births" in text and f"Birth at {timezone.localtime(born):%-d %b %Y}" in text
    assert "Postnatal visits: mother" in text and "118/76" in text
    assert "Postnatal visits: baby" in text and "3300" in text


def test_text_typed_into_the_record_is_printed_as_text_and_fetches_nothing(kari, record):
    client, actor = kari
    typed = '<img src="http://127.0.0.1:9/x.png"> <b>bold</b> & co'
    add_visit(actor, record, on=days_from_today(-1), note=typed)
    text = " ".join(pdf_pages(client.get(notes_url(record))))
    # as typed, tags and all (the note column may wrap it across lines)
    assert "".join(typed.split()) in "".join(text.split())


# --- who may print, and the audit -------------------------------------------------------------------------


def test_the_record_page_offers_print_notes(kari, record):
    client, _ = kari
    page = client.get(f"/records/{record.pk}/").content.decode()
    assert f'href="{notes_url(record)}"' in page
    assert "Print notes" in page


def test_printing_is_audited_as_a_read_of_the_record(kari, full_record):
    client, _ = kari
    client.get(notes_url(full_record))
    entry = AccessLog.objects.filter(record=full_record, action=AccessAction.READ).get()
    assert entry.outcome == AccessOutcome.ALLOWED
    assert entry.person_id == full_record.person_id
    assert entry.username == "kari"
    assert entry.detail == "Printed the hand-held notes (PDF)."


def test_a_midwife_at_another_stakeholder_location_may_print_them(ingrid, full_record):
    client, _ = ingrid
    pages = pdf_pages(client.get(notes_url(full_record)))
    assert "by Ingrid Haugen, " in flat(pages[0])


def test_a_stranger_gets_not_found_and_the_attempt_is_audited_as_denied(stranger, full_record):
    client, _ = stranger
    response = client.get(notes_url(full_record))
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "Nora Hansen" not in response.content.decode()
    entry = AccessLog.objects.get(record_id=full_record.pk)
    assert (entry.outcome, entry.username) == (AccessOutcome.DENIED, "solveig")


def test_a_record_that_does_not_exist_looks_the_same(kari):
    client, _ = kari
    response = client.get("/records/00000000-0000-0000-0000-000000000000/notes.pdf")
    assert response.status_code == 404
    assert "There is no maternity record with that id that you may see." in response.content.decode()


def test_signed_out_goes_to_sign_in(record):
    response = Client().get(notes_url(record))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_a_signed_in_user_who_is_not_a_professional_is_refused(not_a_practitioner, record, her):
    for user in (not_a_practitioner, her.user):
        client = Client()
        client.force_login(user)
        response = client.get(notes_url(record))
        assert response.status_code == 403
        assert response["Content-Type"].startswith("text/html")


def test_printing_costs_the_same_queries_however_many_visits(kari, record, full_record):
    client, actor = kari
    other = make_pregnancy(actor, name="Short Record", edd=edd_at(20))  # no visit, nothing measured

    def count(rec) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(notes_url(rec))
        assert response.status_code == 200
        return len(queries)

    count(other)  # warm up (content types, sessions)
    few = count(other)
    for i in range(40):
        add_visit(actor, full_record, on=days_from_today(-200 + 4 * i))
    many = count(full_record)
    assert few == many, (few, many)
    assert many <= 20


# --- the screenshot of the first page ---------------------------------------------------------------------


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="needs pdftoppm: apt-get install poppler-utils")
def test_a_screenshot_of_the_first_page(kari, full_record, tmp_path, monkeypatch):
    """The first page as PNG (110 dpi, from the PDF itself, by poppler's pdftoppm); with UPDATE_SCREENSHOTS=1
    written to docs/screenshots/printed-notes.png for the README."""
    import os

    client, _ = kari
    response = client.get(notes_url(full_record))
    pdf = tmp_path / "notes.pdf"
    pdf.write_bytes(response.content)
    folder = settings.BASE_DIR / "docs" / "screenshots" if os.environ.get("UPDATE_SCREENSHOTS") else tmp_path
    subprocess.run(
        ["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile", pdf, folder / "printed-notes"],
        check=True,
    )
    png = (folder / "printed-notes.png").read_bytes()
    assert png.startswith(b"\x89PNG")


def test_the_pdf_maker_fetches_nothing_a_document_names():
    """An image, a stylesheet and a font named in the HTML are not fetched: nothing connects to the server
    they point at, and the PDF is still made."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.settimeout(0.5)
        url = f"http://127.0.0.1:{server.getsockname()[1]}"
        html = (
            f'<link rel="stylesheet" href="{url}/x.css"><p>Fetched nothing</p><img src="{url}/x.png">'
            f'<img src="file:///etc/passwd">'
        )
        pdf = html_to_pdf(html, stylesheet=f"@font-face {{ font-family: X; src: url({url}/x.woff) }}")
        with pytest.raises(TimeoutError):
            server.accept()
    assert "Fetched nothing" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
