"""The midwives' everyday pages in Bokmål: the caseload, the task list, a booking cancelled, a status change
confirmed, the find and create forms' errors; with Norwegian dates ("4. des. 2026", "kl. 14:30"), while
the audit trail stays in English."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from maternity.models import AccessAction, AccessLog, Booking

from .alerts_factories import book
from .factories import edd_at, make_pregnancy

pytestmark = pytest.mark.django_db

NB = {"HTTP_ACCEPT_LANGUAGE": "nb"}
# Written out here rather than asked of Django, so the test says what a Norwegian reader expects
MONTHS = ["jan.", "feb.", "mars", "april", "mai", "juni", "juli", "aug.", "sep.", "okt.", "nov.", "des."]


def norwegian(day: date) -> str:
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def test_norwegian_dates_are_written_as_a_norwegian_reader_expects():
    assert norwegian(date(2026, 12, 4)) == "4. des. 2026"
    assert norwegian(date(2027, 5, 17)) == "17. mai 2027"


def test_the_caseload_speaks_bokmal_with_norwegian_dates(web_a, actor_a):
    edd = edd_at(30)
    make_pregnancy(actor_a, name="Astrid Berg", edd=edd)
    page = web_a.get("/", **NB).content.decode()
    assert "<h1>Pasientliste</h1>" in page
    assert f"i dag {norwegian(timezone.localdate())}" in page
    assert "1 svangerskap; sortert etter fastsatt termin, nærmest først." in " ".join(page.split())
    assert ">Fastsatt termin</a>" in page and ">Neste time</a>" in page
    assert norwegian(edd) in page
    assert "Ingen time satt opp" in page
    assert "Caseload" not in page.replace('"/"', "")


def test_an_empty_task_list_and_a_search_that_finds_nobody_say_so_in_bokmal(web_a, actor_a):
    tasks = web_a.get("/tasks/", **NB).content.decode()
    assert "Ingenting å gjøre ved" in tasks
    search = web_a.get("/?q=Ingen", **NB).content.decode()
    assert "Ingen svangerskap i pasientlisten din passer med «Ingen»" in search


def test_a_booking_cancelled_in_bokmal_is_audited_in_english(web_a, actor_a):
    record = make_pregnancy(actor_a, edd=edd_at(30))
    booking = book(actor_a, record, days=3, at=time(14, 30))
    url = f"/records/{record.pk}/bookings/{booking.pk}/cancel/"
    confirm = web_a.get(url, **NB).content.decode()
    assert "Avlyse denne timen?" in confirm
    assert f"{norwegian(timezone.localdate() + timedelta(days=3))} kl. 14:30" in confirm
    blank = web_a.post(url, {"version": "1", "reason": " "}, **NB)
    assert blank.status_code == 400
    assert "Skriv hvorfor timen avlyses" in blank.content.decode()
    done = web_a.post(url, {"version": "1", "reason": "Hun ringte: syk"}, follow=True, **NB)
    page = done.content.decode()
    assert "Timen er avlyst. Den blir stående i journalen med begrunnelsen din." in page
    assert ">Avlyst<" in page and "Hun ringte: syk" in page
    assert Booking.objects.get(pk=booking.pk).status == "CANCELLED"
    writes = AccessLog.objects.filter(record_id=record.pk, action=AccessAction.WRITE)
    assert [entry.detail for entry in writes.order_by("at")] == [
        "refused (400)",  # the blank reason
        f"bookings {booking.pk} cancelled",
    ]


def test_a_status_change_is_confirmed_in_bokmal(web_a, actor_a):
    record = make_pregnancy(actor_a, edd=edd_at(30))
    ended = timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=1), time(14, 30)))
    data = {"status": "TERMINATED", "version": record.version, "termination_date": f"{ended:%Y-%m-%dT%H:%M}"}
    page = web_a.post(f"/records/{record.pk}/status/", data, **NB).content.decode()
    assert f"Avsluttet <strong>{norwegian(ended.date())} kl. 14:30</strong>." in page
    assert "Ja, endre statusen" in page and "Gå tilbake" in page


def test_the_find_and_create_forms_explain_their_errors_in_bokmal(web_a, actor_a):
    find = web_a.post("/find/", {}, **NB).content.decode()
    assert "Sjekk det du fylte inn" in find
    assert "Skriv inn fødselsnummeret hennes." in find
    assert "Dette er nødtilgang, og det blir logget." in find
    create = web_a.post("/new/", {"national_id": "123", "date_of_birth": "1994-05-17"}, **NB)
    content = create.content.decode()
    assert create.status_code == 400
    assert "Dette er ikke et gyldig fødselsnummer" in content
    assert "Oppgi terminen på én av tre måter" in content
    entry = AccessLog.objects.get(action=AccessAction.CREATE)
    assert entry.detail.startswith("Refused: invalid ")  # the audit trail stays in English
